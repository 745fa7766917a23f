"""Pilot → reflect → next cohort: a program's retrospective notes, and a new cohort started from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership, User
from mentora.core.errors import DomainError
from mentora.core.models import record_audit_event
from mentora.feedback.models import FeedbackSettings
from mentora.goals.models import QuizQuestion
from mentora.matching.models import MatchingSettings
from mentora.mentorships.models import MentorshipMember
from mentora.notifications.services import notify
from mentora.programs.models import (
    Enrollment,
    EnrollmentQuestion,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramStatus,
)
from mentora.programs.services import PROGRAM_FIELDS, create_program

__all__ = ["NextCohort", "invitees", "start_next_cohort"]

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class NextCohort:
    program: Program
    invited: int


def _copy(instance: M, **overrides: Any) -> M:
    """An unsaved copy of a row: every concrete field but the primary key and automatic timestamps."""
    values = {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key and not getattr(field, "auto_now", False) and not getattr(field, "auto_now_add", False)
    }
    return type(instance)(**(values | overrides))


@transaction.atomic
def start_next_cohort(
    *, program: Program, name: str, starts_on: date, ends_on: date, created_by: User,
    invite_mentors: bool = False, invite_unmatched: bool = False,
) -> NextCohort:
    """Create the program's next cohort with its settings, enrolment questions, matching rules,
    check-in rules and quizzes copied; optionally invite its mentors back and the people it could
    not match. The pilot flag is not copied: the next cohort is the program at scale."""
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Give the new cohort a name."), field="name")
    if Program.objects.filter(organization=program.organization, name__iexact=name).exists():
        raise DomainError(_("A program with that name already exists."), field="name")
    if ends_on < starts_on:
        raise DomainError(_("The end date must be on or after the start date."), field="ends_on")
    shift = starts_on - program.starts_on
    values = {field: getattr(program, field) for field in PROGRAM_FIELDS} | {
        "name": name, "starts_on": starts_on, "ends_on": ends_on, "is_pilot": False,
        "status": ProgramStatus.OPEN if invite_mentors or invite_unmatched else ProgramStatus.DRAFT,
        "enrollment_closes_on": min(program.enrollment_closes_on + shift, ends_on) if program.enrollment_closes_on else None,
    }
    cohort = create_program(organization=program.organization, created_by=created_by, with_template_questions=False,
                            **values)
    EnrollmentQuestion.objects.bulk_create(_copy(question, program_id=cohort.pk) for question in program.questions.all())
    for settings_model in (MatchingSettings, FeedbackSettings):
        found = settings_model.objects.filter(program=program).first()  # type: ignore[attr-defined]
        if found is not None:
            _copy(found, program_id=cohort.pk).save()
    author = Membership.objects.filter(user=created_by, organization=program.organization).first()
    for quiz in program.quizzes.prefetch_related("questions"):
        copied = _copy(quiz, program_id=cohort.pk, created_by_id=author.pk if author else None)
        copied.save()
        QuizQuestion.objects.bulk_create(_copy(question, quiz_id=copied.pk) for question in quiz.questions.all())

    invited = _invite(program=program, cohort=cohort, mentors=invite_mentors, unmatched=invite_unmatched)
    record_audit_event(organization=program.organization, actor=created_by, action="program.next_cohort", target=cohort,
                       details={"from_program": program.pk, "invited": invited})
    return NextCohort(cohort, invited)


def invitees(program: Program) -> tuple[dict[int, User], dict[int, User]]:
    """Who the next cohort may invite: the program's approved mentors, and the people it could not
    match (approved or waitlisted, never in a mentorship), by user id (1 query + 1)."""
    enrollments = Enrollment.objects.filter(program=program, membership__is_active=True).select_related("membership__user")
    matched = set(MentorshipMember.objects.filter(program=program).values_list("membership_id", flat=True))
    mentors: dict[int, User] = {}
    unmatched: dict[int, User] = {}
    for enrollment in enrollments:
        user = enrollment.membership.user
        if enrollment.role == EnrollmentRole.MENTOR:
            if enrollment.status == EnrollmentStatus.APPROVED:
                mentors[user.pk] = user
        elif enrollment.membership_id not in matched and enrollment.status in (
                EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED):
            unmatched[user.pk] = user
    return mentors, unmatched


def _invite(*, program: Program, cohort: Program, mentors: bool, unmatched: bool) -> int:
    """Tell this cohort's mentors, and the people it could not match, that they can join the next one."""
    chosen_mentors, chosen_unmatched = invitees(program)
    people = (chosen_mentors if mentors else {}) | (chosen_unmatched if unmatched else {})
    if people:
        notify(recipients=people.values(), organization=program.organization, kind="program.next_cohort",
               title=_("%(program)s is starting: you are welcome to join") % {"program": cohort.name},
               body=_("You took part in %(previous)s. Its next cohort starts on %(starts)s.") % {
                   "previous": program.name, "starts": cohort.starts_on.isoformat()},
               url=reverse("programs:detail", args=[program.organization.slug, cohort.pk]),
               dedupe_key=f"program.next_cohort:{cohort.pk}")
    return len(people)
