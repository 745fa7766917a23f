"""Program design and enrolment: the writes, their rules, and the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership, User
from mentora.core.errors import Conflict, DomainError, NotAllowed
from mentora.core.models import Organization, record_audit_event
from mentora.programs.models import (
    Enrollment,
    EnrollmentQuestion,
    EnrollmentRole,
    EnrollmentStatus,
    Form,
    Program,
    ProgramRetrospective,
    ProgramStatus,
    QuestionKind,
)
from mentora.programs.templates_catalog import PEER_PRESET, PURPOSE_PRESETS

PROGRAM_FIELDS = (
    "name", "description", "form", "purpose", "status", "starts_on", "ends_on", "enrollment_closes_on",
    "is_pilot", "eligible_departments", "eligible_levels", "eligible_locations", "roles_offered",
    "mentor_capacity_default", "circle_size_min", "circle_size_max", "matching_mode", "requires_approval",
    "target_match_percent", "target_meetings_per_month", "target_nps", "target_completion_percent",
)


def preset_for(purpose: str, *, starts_on: date | None = None) -> dict[str, Any]:
    """Initial program settings for a purpose template."""
    preset = dict(PURPOSE_PRESETS.get(purpose, PURPOSE_PRESETS["open"]))
    starts_on = starts_on or timezone.localdate() + timedelta(days=14)
    initial = {k: v for k, v in preset.items() if k not in ("duration_days", "questions")}
    initial["description"] = str(initial.get("description", ""))
    initial["starts_on"] = starts_on
    initial["ends_on"] = starts_on + timedelta(days=preset["duration_days"])
    initial["purpose"] = purpose
    return initial


def _validate_program(values: dict[str, Any]) -> None:
    roles = values.get("roles_offered") or []
    if not roles or any(role not in EnrollmentRole.values for role in roles):
        raise DomainError(_("Offer at least one role."), field="roles_offered")
    if values.get("form") == Form.PEER and set(roles) != {EnrollmentRole.PEER}:
        raise DomainError(_("Peer programs offer the peer role only."), field="roles_offered")
    if values.get("form") != Form.PEER and EnrollmentRole.PEER in roles:
        raise DomainError(_("The peer role is for peer programs."), field="roles_offered")
    if values["ends_on"] < values["starts_on"]:
        raise DomainError(_("The end date must be on or after the start date."), field="ends_on")
    closes = values.get("enrollment_closes_on")
    if closes and closes > values["ends_on"]:
        raise DomainError(_("Enrolment must close before the program ends."), field="enrollment_closes_on")
    if values.get("circle_size_min", 2) > values.get("circle_size_max", 2):
        raise DomainError(_("The smallest circle cannot be larger than the largest."), field="circle_size_min")
    for name in ("target_match_percent", "target_completion_percent"):
        if values.get(name) is not None and not 0 <= values[name] <= 100:
            raise DomainError(_("A share is between 0 and 100 %."), field=name)
    if values.get("target_nps") is not None and not -100 <= values["target_nps"] <= 100:
        raise DomainError(_("A net promoter score is between −100 and 100."), field="target_nps")
    meetings = values.get("target_meetings_per_month")
    if meetings is not None and not 0 <= meetings <= 31:
        raise DomainError(_("Between 0 and 31 meetings a month."), field="target_meetings_per_month")


@transaction.atomic
def create_program(
    *, organization: Organization, created_by: User, with_template_questions: bool = True, **values: Any
) -> Program:
    """Create a program; the purpose template adds its starter questions."""
    values = {k: v for k, v in values.items() if k in PROGRAM_FIELDS}
    if values.get("form") == Form.PEER:
        values.setdefault("roles_offered", PEER_PRESET["roles_offered"])
    _validate_program(values)
    program = Program.objects.create(organization=organization, created_by=created_by, **values)
    if with_template_questions:
        for position, question in enumerate(PURPOSE_PRESETS.get(program.purpose, {}).get("questions", [])):
            EnrollmentQuestion.objects.create(
                program=program, position=position, text=str(question["text"]), kind=question["kind"],
                choices=question.get("choices", []), roles=question.get("roles", []),
                use_in_matching=question.get("use_in_matching", False),
            )
    record_audit_event(organization=organization, actor=created_by, action="program.create", target=program)
    return program


@transaction.atomic
def update_program(*, program: Program, updated_by: User, **values: Any) -> Program:
    values = {k: v for k, v in values.items() if k in PROGRAM_FIELDS}
    merged = {name: getattr(program, name) for name in PROGRAM_FIELDS} | values
    _validate_program(merged)
    changed = sorted(k for k, v in values.items() if getattr(program, k) != v)
    for name, value in values.items():
        setattr(program, name, value)
    program.save()
    record_audit_event(
        organization=program.organization, actor=updated_by, action="program.update", target=program,
        details={"changed": changed},
    )
    return program


@transaction.atomic
def add_question(
    *, program: Program, text: str, kind: str, choices: list[str], roles: list[str],
    is_required: bool, use_in_matching: bool, added_by: User,
) -> EnrollmentQuestion:
    text = text.strip()
    if not text:
        raise DomainError(_("Write the question."), field="text")
    if kind not in QuestionKind.values:
        raise DomainError(_("Choose a question kind."), field="kind")
    choices = [c.strip() for c in choices if c.strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(choices) < 2:
        raise DomainError(_("Give at least two choices, one per line."), field="choices")
    if kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        choices = []
    position = program.questions.count()
    question = EnrollmentQuestion.objects.create(
        program=program, text=text, kind=kind, choices=choices, roles=roles,
        is_required=is_required, use_in_matching=use_in_matching, position=position,
    )
    record_audit_event(
        organization=program.organization, actor=added_by, action="program.question_add", target=question
    )
    return question


@transaction.atomic
def remove_question(*, question: EnrollmentQuestion, removed_by: User) -> None:
    record_audit_event(
        organization=question.program.organization, actor=removed_by, action="program.question_remove",
        target=question,
    )
    question.delete()


def clean_answers(program: Program, role: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Check answers against the program's questions for this role; return them keyed by id."""
    answers: dict[str, Any] = {}
    for question in program.questions.all():
        if not question.applies_to(role):
            continue
        value = raw.get(str(question.pk))
        if question.kind == QuestionKind.MULTIPLE:
            values = [v for v in (value or []) if v]
            if any(v not in question.choices for v in values):
                raise DomainError(_("Choose from the options given."), field=f"q_{question.pk}")
            value = values
        elif question.kind == QuestionKind.SINGLE:
            if value and value not in question.choices:
                raise DomainError(_("Choose from the options given."), field=f"q_{question.pk}")
        elif question.kind == QuestionKind.SCALE:
            if value not in (None, ""):
                try:
                    value = int(str(value))
                except (TypeError, ValueError):
                    value = 0
                if not 1 <= value <= 5:
                    raise DomainError(_("Choose a value from 1 to 5."), field=f"q_{question.pk}")
        else:
            value = (value or "").strip()[:2000]
        if question.is_required and value in (None, "", []):
            raise DomainError(_("“%(q)s” needs an answer.") % {"q": question.text}, field=f"q_{question.pk}")
        if value not in (None, "", []):
            answers[str(question.pk)] = value
    return answers


@transaction.atomic
def enroll(
    *, program: Program, membership: Membership, role: str, answers: dict[str, Any],
    motivation: str = "", capacity: int | None = None,
) -> Enrollment:
    """Apply to a program in a role; a withdrawn application can be renewed."""
    if program.organization_id != membership.organization_id:
        raise NotAllowed(_("This program is not in your organization."))
    if not program.is_open:
        raise Conflict(_("This program is not open for enrolment."))
    if role not in program.roles_offered:
        raise DomainError(_("This program does not offer that role."), field="role")
    if not program.is_eligible(getattr(membership, "profile", None)):
        raise NotAllowed(_("You are not eligible for this program."))
    cleaned = clean_answers(program, role, answers)
    if role == EnrollmentRole.MENTOR:
        capacity = program.mentor_capacity_default if capacity is None else capacity
        if not 1 <= capacity <= 50:
            raise DomainError(_("Capacity must be between 1 and 50."), field="capacity")
    else:
        capacity = None
    status = EnrollmentStatus.APPLIED if program.requires_approval else EnrollmentStatus.APPROVED
    existing = Enrollment.objects.select_for_update().filter(program=program, membership=membership, role=role).first()
    if existing is not None:
        if existing.is_live:
            raise Conflict(_("You have already applied in this role."))
        if existing.status == EnrollmentStatus.REJECTED:
            raise Conflict(_("Your application for this role was not accepted."))
        existing.status, existing.answers, existing.capacity = status, cleaned, capacity
        existing.motivation, existing.decision_message = motivation, ""
        existing.decided_by, existing.decided_at = None, None
        existing.save()
        return existing
    return Enrollment.objects.create(
        program=program, membership=membership, role=role, status=status, answers=cleaned,
        capacity=capacity, motivation=motivation,
    )


DECISIONS = {
    "approve": EnrollmentStatus.APPROVED,
    "waitlist": EnrollmentStatus.WAITLISTED,
    "reject": EnrollmentStatus.REJECTED,
}


@transaction.atomic
def decide_enrollment(*, enrollment: Enrollment, decision: str, message: str, decided_by: User) -> Enrollment:
    """Approve, waitlist or reject an application, with an optional message to the person."""
    if decision not in DECISIONS:
        raise DomainError(_("Choose approve, waitlist or reject."), field="decision")
    locked = Enrollment.objects.select_for_update().select_related("program__organization", "membership__user").get(pk=enrollment.pk)
    if locked.status == EnrollmentStatus.WITHDRAWN:
        raise Conflict(_("This person has withdrawn."))
    previous = locked.status
    locked.status = DECISIONS[decision]
    locked.decision_message = message.strip()[:2000]
    locked.decided_by = decided_by
    locked.decided_at = timezone.now()
    locked.save()
    record_audit_event(
        organization=locked.program.organization, actor=decided_by, action=f"enrollment.{decision}",
        target=locked, details={"from": previous, "to": locked.status},
    )
    from django.urls import reverse

    from mentora.notifications.services import notify

    program = locked.program
    body = _("Your application to %(program)s as %(role)s: %(status)s.") % {
        "program": program.name, "role": locked.get_role_display(), "status": locked.get_status_display(),
    }
    notify(
        recipients=[locked.membership.user], organization=program.organization, kind=f"enrollment.{decision}",
        title=_("%(program)s: %(status)s") % {"program": program.name, "status": locked.get_status_display()},
        body=body + (f"\n\n{locked.decision_message}" if locked.decision_message else ""),
        url=reverse("programs:detail", args=[program.organization.slug, program.pk]),
    )
    return locked


MAX_BULK_DECISIONS = 200


@transaction.atomic
def decide_enrollments(
    *, program: Program, enrollment_ids: Iterable[int], decision: str, message: str, decided_by: User
) -> list[Enrollment]:
    """Give several of a program's applications the same decision: all of them, or none.

    Each one goes through `decide_enrollment` (audited, the person notified and emailed after
    commit). If any is refused — withdrawn meanwhile, not in this program — the whole batch is
    rolled back, so no decision is saved and no email leaves.
    """
    wanted = set(enrollment_ids)
    if not wanted:
        raise DomainError(_("Select at least one person."), field="enrollment")
    if len(wanted) > MAX_BULK_DECISIONS:
        raise DomainError(_("Decide at most %(n)d people at once.") % {"n": MAX_BULK_DECISIONS}, field="enrollment")
    if decision not in DECISIONS:
        raise DomainError(_("Choose approve, waitlist or not this time."), field="decision")
    chosen = list(program.enrollments.filter(pk__in=wanted).select_related("membership__user").order_by("pk"))
    if len(chosen) != len(wanted):
        raise DomainError(_("Some of the people selected are not in this program."), field="enrollment")
    decided: list[Enrollment] = []
    for enrollment in chosen:
        try:
            decided.append(decide_enrollment(enrollment=enrollment, decision=decision, message=message, decided_by=decided_by))
        except Conflict as error:
            name = enrollment.membership.user.display_name
            raise Conflict(_("%(name)s: %(reason)s Nothing was saved; unselect them and try again.")
                           % {"name": name, "reason": error.message}) from error
    return decided


@transaction.atomic
def withdraw_enrollment(*, enrollment: Enrollment, withdrawn_by: User) -> Enrollment:
    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if not locked.is_live:
        raise Conflict(_("This application is already closed."))
    locked.status = EnrollmentStatus.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def set_capacity(*, enrollment: Enrollment, capacity: int) -> Enrollment:
    if enrollment.role != EnrollmentRole.MENTOR:
        raise DomainError(_("Only mentors set a capacity."), field="capacity")
    if not 1 <= capacity <= 50:
        raise DomainError(_("Capacity must be between 1 and 50."), field="capacity")
    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if not locked.is_live:
        raise Conflict(_("This application is closed."))
    if capacity < locked.assigned:
        raise Conflict(
            _("You already mentor %(n)d people in this program; capacity cannot go below that.") % {"n": locked.assigned},
            field="capacity",
        )
    locked.capacity = capacity
    locked.save(update_fields=["capacity", "updated_at"])
    return locked


@transaction.atomic
def set_training(*, enrollment: Enrollment, completed: bool, by: User) -> Enrollment:
    """Record that a mentor has (or has not) completed the program's mentor training."""
    locked = Enrollment.objects.select_for_update().select_related("program__organization").get(pk=enrollment.pk)
    if locked.role != EnrollmentRole.MENTOR:
        raise DomainError(_("Only mentors take the mentor training."), field="completed")
    if completed == (locked.training_completed_at is not None):
        return locked
    locked.training_completed_at = timezone.now() if completed else None
    locked.save(update_fields=["training_completed_at", "updated_at"])
    record_audit_event(
        organization=locked.program.organization, actor=by,
        action="enrollment.training_completed" if completed else "enrollment.training_cleared", target=locked,
    )
    return locked


def mentor_load(membership: Membership) -> int:
    """Mentees a person has offered to take across all live programs (their total load)."""
    total = (
        Enrollment.objects.live()
        .filter(membership=membership, role=EnrollmentRole.MENTOR)
        .exclude(program__status=ProgramStatus.ARCHIVED)
        .aggregate(total=Sum("capacity"))["total"]
    )
    return int(total or 0)


@transaction.atomic
def save_retrospective(
    *, program: Program, worked: str, did_not_work: str, next_time: str, saved_by: User,
) -> ProgramRetrospective:
    """Write the program's retrospective notes (one set per program, kept up to date)."""
    retrospective, _created = ProgramRetrospective.objects.update_or_create(
        program=program, defaults={"worked": worked.strip(), "did_not_work": did_not_work.strip(),
                                   "next_time": next_time.strip(), "updated_by": saved_by},
    )
    record_audit_event(organization=program.organization, actor=saved_by, action="program.retrospective",
                       target=program, details={})
    return retrospective
