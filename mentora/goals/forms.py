from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mentora.core.models import Organization
from mentora.core.timebounds import SupportedDatesMixin
from mentora.goals.files import ACCEPT
from mentora.goals.models import (
    DEFAULT_QUIZ_ATTEMPTS,
    MAX_QUIZ_ATTEMPTS,
    Evidence,
    Goal,
    GoalComment,
    GoalStatus,
    Milestone,
    MilestoneReview,
    Quiz,
    QuizQuestion,
)
from mentora.goals.smart import GUIDANCE
from mentora.profiles.models import Skill


class DateInput(forms.DateInput):
    input_type = "date"


class GoalForm(SupportedDatesMixin, forms.ModelForm[Goal]):
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


class GoalEditForm(GoalForm):
    """Editing: the version the writer read travels with the form (a stale save is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class MilestoneForm(SupportedDatesMixin, forms.ModelForm[Milestone]):
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
    upload = forms.FileField(label=_("Evidence file"), required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    class Meta:
        model = Evidence
        fields = ["url", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        labels = {"url": _("Evidence link"), "note": _("Evidence note")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_mb = getattr(settings, "MENTORA_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024) // (1024 * 1024)
        self.fields["upload"].help_text = _(
            "PDF, image, text or office document, up to %(mb)s MB. Only your mentorship (and the program's "
            "coordinators) can open it.") % {"mb": limit_mb}


class CommentForm(forms.ModelForm[GoalComment]):
    class Meta:
        model = GoalComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"body": _("Markdown is supported.")}


class QuizForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What it checks"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    pass_percent = forms.IntegerField(label=_("Pass mark (% of questions right)"), min_value=0, max_value=100,
                                      initial=70)
    max_attempts = forms.IntegerField(label=_("Attempts allowed"), min_value=1, max_value=MAX_QUIZ_ATTEMPTS,
                                      initial=DEFAULT_QUIZ_ATTEMPTS,
                                      required=False,
                                      help_text=_("A mentee may try again until they pass, this many times in all."))
    questions = forms.CharField(
        label=_("Questions"), max_length=20000, widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One block per question, blocks separated by an empty line: the question on the first line, "
                    "then one choice per line. Start the right choice with *."),
    )


class AttachQuizForm(forms.Form):
    quiz = forms.ModelChoiceField(label=_("Knowledge check"), queryset=Quiz.objects.none(), required=False,
                                  empty_label=_("No quiz"))

    def __init__(self, *args: Any, quizzes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes  # type: ignore[attr-defined]


def take_quiz_form(questions: list[QuizQuestion], data: Any = None) -> forms.Form:
    """One required radio group per question; the cleaned value is the index of the chosen answer."""
    form = forms.Form(data)
    for question in questions:
        form.fields[f"q{question.position}"] = forms.TypedChoiceField(
            label=question.text, coerce=int, widget=forms.RadioSelect,
            choices=[(index, choice) for index, choice in enumerate(question.choices)],
        )
    return form


class MilestoneReviewForm(forms.ModelForm[MilestoneReview]):
    class Meta:
        model = MilestoneReview
        fields = ["went_well", "to_change", "next_goals"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("went_well", "to_change", "next_goals")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
