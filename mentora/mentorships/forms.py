from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.mentorships.models import MentorshipStatus


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=MentorshipStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    is_reason_private = forms.BooleanField(
        label=_("Share the reason with the coordinator only"), required=False, initial=True
    )
