from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.feedback.models import CheckIn, Evaluation, Feedback, FeedbackKind, FeedbackSettings, Outcome

ONE_TO_FIVE = [(i, str(i)) for i in range(1, 6)]


class CheckInForm(forms.ModelForm[CheckIn]):
    going_well = forms.TypedChoiceField(label=CheckIn._meta.get_field("going_well").verbose_name, coerce=int,
                                        choices=ONE_TO_FIVE, widget=forms.RadioSelect)
    meeting_regularly = forms.TypedChoiceField(
        label=CheckIn._meta.get_field("meeting_regularly").verbose_name, coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect)
    usefulness = forms.TypedChoiceField(label=CheckIn._meta.get_field("usefulness").verbose_name, coerce=int,
                                        choices=ONE_TO_FIVE, widget=forms.RadioSelect)

    class Meta:
        model = CheckIn
        fields = ["going_well", "meeting_regularly", "usefulness", "comment", "flag_to_coordinator"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2}), "flag_to_coordinator": forms.Textarea(attrs={"rows": 2})}


class FeedbackForm(forms.ModelForm[Feedback]):
    kind = forms.ChoiceField(label=_("What is it?"), choices=FeedbackKind.choices, widget=forms.RadioSelect,
                             initial=FeedbackKind.FEEDBACK)

    class Meta:
        model = Feedback
        fields = ["recipient", "kind", "body", "goal", "milestone", "style_rating", "usefulness_rating",
                  "listening_rating", "is_anonymous"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        labels = {"recipient": _("To")}
        help_texts = {"body": _("Markdown is supported. Be specific and kind."),
                      "goal": _("Kudos can celebrate a goal or a milestone.")}

    def __init__(self, *args: Any, recipients: Any, goals: Any, milestones: Any, allow_anonymous: bool,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients  # type: ignore[attr-defined]
        self.fields["recipient"].label_from_instance = lambda m: m.user.display_name  # type: ignore[attr-defined]
        self.fields["goal"].queryset = goals  # type: ignore[attr-defined]
        self.fields["milestone"].queryset = milestones  # type: ignore[attr-defined]
        for name in ("style_rating", "usefulness_rating", "listening_rating"):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label, coerce=int, empty_value=None, required=False,
                choices=[("", "—"), *ONE_TO_FIVE],
                help_text=_("For feedback on the mentoring (optional)."),
            )
        if not allow_anonymous:
            del self.fields["is_anonymous"]


class EvaluationForm(forms.ModelForm[Evaluation]):
    satisfaction = forms.TypedChoiceField(label=Evaluation._meta.get_field("satisfaction").verbose_name, coerce=int,
                                          choices=ONE_TO_FIVE, widget=forms.RadioSelect)
    nps = forms.TypedChoiceField(label=Evaluation._meta.get_field("nps").verbose_name, coerce=int,
                                 choices=[(i, str(i)) for i in range(11)], widget=forms.RadioSelect)
    # Declared rather than generated: the model field's form adds an empty "---------" radio.
    outcomes = forms.ChoiceField(label=Evaluation._meta.get_field("outcomes").verbose_name,
                                 choices=Outcome.choices, widget=forms.RadioSelect)

    class Meta:
        model = Evaluation
        fields = ["satisfaction", "nps", "outcomes", "comments"]
        widgets = {"comments": forms.Textarea(attrs={"rows": 3})}


class FeedbackSettingsForm(forms.ModelForm[FeedbackSettings]):
    competencies = forms.CharField(
        label=_("Competencies for self-assessment"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line. Mentees rate themselves on these (and on the skills of their goals) at the start "
                    "and at the end."),
    )

    class Meta:
        model = FeedbackSettings
        fields = ["first_check_in_after_days", "check_in_every_weeks", "allow_anonymous_feedback"]
        help_texts = {
            "first_check_in_after_days": _("The first check-in comes the day after the first logged session, or "
                                           "this many days after the start if nobody logged one."),
            "allow_anonymous_feedback": _("The author's name is hidden from the other side only; coordinators "
                                          "still see it."),
        }

    def clean_competencies(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["competencies"].splitlines() if line.strip()]
