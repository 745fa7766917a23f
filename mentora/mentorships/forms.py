from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.core.timebounds import SupportedDatesMixin
from mentora.mentorships.models import Agreement, Concern, MentorshipStatus, Note, SessionLog
from mentora.profiles.models import Channel


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=MentorshipStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    is_reason_private = forms.BooleanField(
        label=_("Share the reason with the coordinator only"), required=False, initial=True
    )


class DateInput(forms.DateInput):
    input_type = "date"


class AgreementForm(SupportedDatesMixin, forms.ModelForm[Agreement]):
    channels = forms.MultipleChoiceField(
        label=_("Preferred channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Agreement
        fields = ["mentee_wants", "cadence", "session_minutes", "channels", "response_time", "boundaries",
                  "feedback_how", "ends_on"]
        widgets = {
            "mentee_wants": forms.Textarea(attrs={"rows": 3}),
            "boundaries": forms.Textarea(attrs={"rows": 3}),
            "feedback_how": forms.Textarea(attrs={"rows": 2}),
            "ends_on": DateInput(),
        }
        help_texts = {
            "mentee_wants": _("In the mentee's words: what would make this mentorship worth it?"),
            "boundaries": _("What stays between you, what is off limits, and what you would raise with the "
                            "coordinator (for example a safety concern)."),
            "feedback_how": _("For example: a quick round at the end of each session, or in writing once a month."),
            "ends_on": _("The program's end date by default. A later date extends the mentorship once everyone "
                         "confirms."),
        }


class SessionLogForm(SupportedDatesMixin, forms.ModelForm[SessionLog]):
    next_steps_goal: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Add the next steps to the checklist of"), queryset=None, required=False,  # type: ignore[arg-type]
        empty_label=_("(no goal — keep them in the log only)"),
    )
    shared_note = forms.CharField(
        label=_("Shared note"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible to everyone in the mentorship and to the program's coordinators. Markdown is supported."),
    )
    private_note = forms.CharField(
        label=_("Private note"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only you can ever read this — not the other side, not the coordinators."),
    )

    class Meta:
        model = SessionLog
        fields = ["held_on", "duration_minutes", "channel", "topics", "next_steps"]
        widgets = {
            "held_on": DateInput(),
            "topics": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"next_steps": _("One per line; each becomes a checklist item of the goal you choose below.")}

    def __init__(self, *args: Any, goals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_steps_goal"].queryset = goals  # type: ignore[attr-defined]


class NoteForm(forms.ModelForm[Note]):
    class Meta:
        model = Note
        fields = ["body", "is_private"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"is_private": _("Private notes are readable by you only.")}


class ConcernForm(forms.ModelForm[Concern]):
    class Meta:
        model = Concern
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"body": _("Only the program's coordinators will read this. The other side is not told.")}
