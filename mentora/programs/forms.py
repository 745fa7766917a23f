from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentora.core.timebounds import SupportedDatesMixin
from mentora.profiles.models import Profile
from mentora.programs.models import (
    Enrollment,
    EnrollmentQuestion,
    EnrollmentRole,
    Program,
    QuestionKind,
)
from mentora.programs.services import MAX_BULK_DECISIONS

# The settings each form of mentoring ignores: one-on-one pairs have no circles; peers have no mentors.
NOT_APPLICABLE: dict[str, tuple[str, ...]] = {
    "one_on_one": ("circle_size_min", "circle_size_max"),
    "peer": ("mentor_capacity_default", "circle_size_min", "circle_size_max"),
}


class ProgramForm(SupportedDatesMixin, forms.ModelForm[Program]):
    roles_offered = forms.MultipleChoiceField(
        label=_("Roles offered"), choices=EnrollmentRole.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    eligible_departments = forms.MultipleChoiceField(
        label=_("Departments"), required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        help_text=_("None ticked: everyone."),
    )
    eligible_levels = forms.TypedMultipleChoiceField(
        label=_("Job levels"), required=False, coerce=int, choices=[(n, str(n)) for n in range(1, 11)],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}), help_text=_("None ticked: everyone."),
    )
    eligible_locations = forms.MultipleChoiceField(
        label=_("Locations"), required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        help_text=_("None ticked: everyone."),
    )

    class Meta:
        model = Program
        fields = [
            "name", "purpose", "form", "description", "status", "starts_on", "ends_on", "enrollment_closes_on",
            "is_pilot", "roles_offered", "requires_approval", "mentor_capacity_default", "circle_size_min",
            "circle_size_max", "matching_mode", "eligible_departments", "eligible_levels", "eligible_locations",
            "target_match_percent", "target_meetings_per_month", "target_nps", "target_completion_percent",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "enrollment_closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "purpose": forms.Select(attrs={"data-purpose-presets": "1"}),
        }
        help_texts = {
            "purpose": _("Choosing a purpose fills in sensible settings you can still change."),
            "is_pilot": _("Run a small pilot first, reflect, then repeat at scale."),
        }

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # Fields that do not apply to the chosen form (hidden by the page's script) keep their
            # stored values, whatever was posted: a stale "circle size" never blocks a peer program.
            data = copy.copy(self.data)  # mutable, for a QueryDict as for a dict
            for name in NOT_APPLICABLE.get(str(data.get("form", "")), ()):
                data[name] = str(getattr(self.instance, name))  # type: ignore[index]
            self.data = data
        profiles = Profile.objects.in_organization(organization)
        departments = sorted(set(profiles.exclude(department="").values_list("department", flat=True)))
        locations = sorted(set(profiles.exclude(location="").values_list("location", flat=True)))
        for current in (self.initial.get("eligible_departments") or []):
            if current not in departments:
                departments.append(current)
        for current in (self.initial.get("eligible_locations") or []):
            if current not in locations:
                locations.append(current)
        self.fields["eligible_departments"].choices = [(d, d) for d in departments]  # type: ignore[attr-defined]
        self.fields["eligible_locations"].choices = [(loc, loc) for loc in locations]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        low, high = cleaned.get("circle_size_min"), cleaned.get("circle_size_max")
        if low and high and low > high:
            self.add_error("circle_size_min", _("The smallest circle cannot be larger than the largest."))
        if low is not None and low < 2:
            self.add_error("circle_size_min", _("A circle needs at least 2 people."))
        capacity = cleaned.get("mentor_capacity_default")
        if capacity is not None and capacity < 1:
            self.add_error("mentor_capacity_default", _("A mentor takes at least one mentee."))
        for name in ("target_match_percent", "target_completion_percent"):
            value = cleaned.get(name)
            if value is not None and not 0 <= value <= 100:
                self.add_error(name, _("A share is between 0 and 100 %."))
        nps = cleaned.get("target_nps")
        if nps is not None and not -100 <= nps <= 100:
            self.add_error("target_nps", _("A net promoter score is between −100 and 100."))
        meetings = cleaned.get("target_meetings_per_month")
        if meetings is not None and not 0 <= meetings <= 31:
            self.add_error("target_meetings_per_month", _("Between 0 and 31 meetings a month."))
        return cleaned


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For single or multiple choice: one choice per line."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Ask"), required=False, choices=EnrollmentRole.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}), help_text=_("None ticked: everyone."),
    )
    is_required = forms.BooleanField(label=_("Required"), required=False)
    use_in_matching = forms.BooleanField(label=_("Use the answer in matching"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("waitlist", _("Waitlist")), ("reject", _("Not this time"))],
    )
    message = forms.CharField(label=_("Message to the person (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class BulkDecisionForm(DecisionForm):
    """One decision (and message) for several of a program's applications."""

    enrollment = forms.ModelMultipleChoiceField(
        queryset=Enrollment.objects.none(), label=_("People"),
        error_messages={
            "required": _("Select at least one person."),
            "invalid_choice": _("Some of the people selected are not in this program."),
            "invalid_pk_value": _("Some of the people selected are not in this program."),
        },
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enrollment"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = program.enrollments.select_related("membership__user").order_by("membership__user__full_name", "pk")

    def clean_enrollment(self) -> Any:
        chosen = self.cleaned_data["enrollment"]
        if len(chosen) > MAX_BULK_DECISIONS:
            raise forms.ValidationError(_("Decide at most %(n)d people at once.") % {"n": MAX_BULK_DECISIONS})
        return chosen


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Mentees I can take"), min_value=1, max_value=50)


class TrainingForm(forms.Form):
    completed = forms.TypedChoiceField(choices=[("yes", _("Completed")), ("no", _("Not completed"))],
                                       coerce=lambda value: value == "yes")


def build_enrollment_form(program: Program, role: str | None, data: Any = None) -> forms.Form:
    """A form with the role, motivation, capacity (mentors) and the program's questions."""
    form = forms.Form(data)
    roles = [(r, EnrollmentRole(r).label) for r in program.roles_offered if r in EnrollmentRole.values]
    form.fields["role"] = forms.ChoiceField(
        label=_("I want to join as"), choices=roles, initial=role or (roles[0][0] if roles else None),
        widget=forms.RadioSelect(attrs={"class": "choice-list"}),
    )
    form.fields["motivation"] = forms.CharField(
        label=_("Why do you want to join?"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    if EnrollmentRole.MENTOR in program.roles_offered:
        form.fields["capacity"] = forms.IntegerField(
            label=_("If mentoring: how many mentees can you take?"), required=False, min_value=1, max_value=50,
            initial=program.mentor_capacity_default,
        )
    question: EnrollmentQuestion
    for question in program.questions.all():
        name = f"q_{question.pk}"
        asked = ", ".join(str(EnrollmentRole(r).label) for r in question.roles) if question.roles else ""
        help_text = _("Asked of: %(roles)s") % {"roles": asked} if asked else ""
        if question.kind == QuestionKind.TEXT:
            field: forms.Field = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
        elif question.kind == QuestionKind.SINGLE:
            field = forms.ChoiceField(choices=[(c, c) for c in question.choices], widget=forms.RadioSelect(attrs={"class": "choice-list"}))
        elif question.kind == QuestionKind.MULTIPLE:
            field = forms.MultipleChoiceField(choices=[(c, c) for c in question.choices],
                                              widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}))
        else:
            field = forms.TypedChoiceField(coerce=int, choices=[(n, str(n)) for n in range(1, 6)],
                                           widget=forms.RadioSelect(attrs={"class": "choice-list"}))
        field.label = question.text
        field.required = False  # required-ness depends on the role; checked by the service
        field.help_text = help_text
        form.fields[name] = field
    return form
