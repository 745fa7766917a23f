from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.core.models import Organization
from mentora.goals.models import Evidence, Goal, GoalComment, GoalStatus, Milestone
from mentora.goals.smart import GUIDANCE
from mentora.profiles.models import Skill


class DateInput(forms.DateInput):
    input_type = "date"


class GoalForm(forms.ModelForm[Goal]):
    class Meta:
        model = Goal
        fields = ["title", "description", "measure", "achievable", "relevance", "target_on", "skill"]
        widgets = {
            "target_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "achievable": forms.Textarea(attrs={"rows": 2}),
            "relevance": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "description": GUIDANCE["S"] + " " + str(_("Markdown is supported.")),
            "measure": GUIDANCE["M"], "achievable": GUIDANCE["A"], "relevance": GUIDANCE["R"],
            "target_on": GUIDANCE["T"],
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = Skill.objects.available_to(organization)  # type: ignore[attr-defined]
        self.fields["skill"].required = False


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class MilestoneForm(forms.ModelForm[Milestone]):
    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DateInput()}
        labels = {"title": _("Milestone")}


class ChecklistItemForm(forms.Form):
    text = forms.CharField(label=_("New checklist item"), max_length=300)


class DoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class EvidenceForm(forms.ModelForm[Evidence]):
    url = forms.URLField(label=_("Evidence link"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Evidence
        fields = ["url", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        labels = {"url": _("Evidence link"), "note": _("Evidence note")}


class CommentForm(forms.ModelForm[GoalComment]):
    class Meta:
        model = GoalComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"body": _("Markdown is supported.")}
