"""Forms of the insights pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from mentora.core.errors import DomainError
from mentora.insights.models import NudgeAudience
from mentora.insights.services import MAX_MESSAGE, MAX_NUDGE_PAIRS, validate_message
from mentora.insights.signals import ASSESSED
from mentora.mentorships.models import Mentorship, MentorshipMember
from mentora.programs.models import Program


class NudgeForm(forms.Form):
    """Which of a program's pairs to nudge, who in each pair, and the message (a template)."""

    mentorship = forms.ModelMultipleChoiceField(
        queryset=Mentorship.objects.none(), label=_("Pairs"),
        error_messages={
            "required": _("Select at least one pair."),
            "invalid_choice": _("Some of the pairs selected are not under way in this program."),
            "invalid_pk_value": _("Some of the pairs selected are not under way in this program."),
        },
    )
    audience = forms.ChoiceField(label=_("Send it to"), choices=NudgeAudience.choices, initial=NudgeAudience.PAIR,
                                 widget=forms.RadioSelect)
    message = forms.CharField(label=_("Message"), required=False, max_length=MAX_MESSAGE,
                              widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("Merge fields: {first_name} (the reader), {other_name} (the others in the "
                                          "pair), {program}. Each person gets their own copy."))

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentorship"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = (Mentorship.objects.filter(program=program, status__in=ASSESSED)
                          .select_related("program__organization").prefetch_related(
                              Prefetch("members", queryset=MentorshipMember.objects.select_related(
                                  "membership__user", "membership__profile")))
                          .order_by("pk"))

    def clean_mentorship(self) -> Any:
        chosen = self.cleaned_data["mentorship"]
        if len(chosen) > MAX_NUDGE_PAIRS:
            raise forms.ValidationError(_("Nudge at most %(n)d pairs at once.") % {"n": MAX_NUDGE_PAIRS})
        return chosen

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"]
        if "message" not in self.data:
            return ""  # the first step, from the list of pairs: the view starts from the default template
        try:
            return validate_message(message)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


class SendAtForm(forms.Form):
    """When a message to the people behind a figure should go (the writer's own clock)."""

    send_at = forms.DateTimeField(
        label=_("Send on"), input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your time zone. You can cancel it until then."),
    )
