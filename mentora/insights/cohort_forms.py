"""Forms of the retrospective page: the notes, and the next cohort."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.core.timebounds import SupportedDatesMixin
from mentora.programs.models import ProgramRetrospective


class RetrospectiveForm(forms.ModelForm[ProgramRetrospective]):
    class Meta:
        model = ProgramRetrospective
        fields = ["worked", "did_not_work", "next_time"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


class NextCohortForm(SupportedDatesMixin, forms.Form):
    name = forms.CharField(label=_("Name of the new cohort"), max_length=160)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    invite_mentors = forms.BooleanField(label=_("Invite this cohort's mentors to mentor again"), required=False)
    invite_unmatched = forms.BooleanField(label=_("Invite the people this cohort could not match"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        return cleaned
