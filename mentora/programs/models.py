"""Programs, their enrolment questions, and people's enrolments."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentora.accounts.models import Membership
from mentora.core.models import Organization


class Form(models.TextChoices):
    ONE_ON_ONE = "one_on_one", _("One-on-one")
    PEER = "peer", _("Peer mentoring")
    CIRCLE = "circle", _("Mentoring circles")


class Purpose(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding buddy")
    RETURNERS = "returners", _("Returning from leave")
    CAREER = "career", _("Career growth")
    AI_UPSKILLING = "ai_upskilling", _("AI & new-technology upskilling")
    REVERSE = "reverse", _("Reverse / cross-generational")
    OPEN = "open", _("Open")


class MatchingMode(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator matches")
    SELF_SELECT = "self_select", _("Participants choose")
    HYBRID = "hybrid", _("Both: participants rank, coordinator matches")


class EnrollmentRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")
    PEER = "peer", _("Peer")


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for enrolment")
    CLOSED = "closed", _("Enrolment closed")
    ARCHIVED = "archived", _("Archived")


class ProgramQuerySet(models.QuerySet["Program"]):
    def in_organization(self, organization: Organization) -> ProgramQuerySet:
        return self.filter(organization=organization)

    def open(self) -> ProgramQuerySet:
        return self.filter(status=ProgramStatus.OPEN)

    def with_enrollment_counts(self) -> ProgramQuerySet:
        """Annotate counts by role and status in one query (no N+1 on lists)."""
        counts: dict[str, Any] = {}
        for role in EnrollmentRole.values:
            for status in EnrollmentStatus.values:
                counts[f"n_{role}_{status}"] = Count(
                    "enrollments", filter=Q(enrollments__role=role, enrollments__status=status)
                )
        return self.annotate(n_enrollments=Count("enrollments"), **counts)


class Program(models.Model):
    """A run of mentoring with a form, a purpose, dates, eligibility and a matching mode."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True, max_length=8000)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, default=Form.ONE_ON_ONE)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.OPEN)
    status = models.CharField(
        _("status"), max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    enrollment_closes_on = models.DateField(_("enrolment closes on"), null=True, blank=True)
    is_pilot = models.BooleanField(_("pilot"), default=False)
    eligible_departments = models.JSONField(_("eligible departments"), default=list, blank=True)
    eligible_levels = models.JSONField(_("eligible job levels"), default=list, blank=True)
    eligible_locations = models.JSONField(_("eligible locations"), default=list, blank=True)
    roles_offered = models.JSONField(_("roles offered"), default=list)
    mentor_capacity_default = models.PositiveSmallIntegerField(_("mentees per mentor"), default=2)
    circle_size_min = models.PositiveSmallIntegerField(_("smallest circle"), default=4)
    circle_size_max = models.PositiveSmallIntegerField(_("largest circle"), default=6)
    matching_mode = models.CharField(
        _("matching mode"), max_length=20, choices=MatchingMode.choices, default=MatchingMode.COORDINATOR
    )
    requires_approval = models.BooleanField(_("coordinator approves enrolments"), default=True)
    # What success looks like, set before the program starts; the retrospective compares against it.
    target_match_percent = models.PositiveSmallIntegerField(
        _("target: share of approved people matched (%)"), null=True, blank=True)
    target_meetings_per_month = models.DecimalField(
        _("target: meetings per mentorship per month"), max_digits=3, decimal_places=1, null=True, blank=True)
    target_nps = models.SmallIntegerField(_("target: net promoter score (−100 to 100)"), null=True, blank=True)
    target_completion_percent = models.PositiveSmallIntegerField(
        _("target: share of mentorships completed (%)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="program_ends_after_start"),
            models.CheckConstraint(condition=Q(mentor_capacity_default__gte=1), name="program_capacity_positive"),
            models.CheckConstraint(
                condition=Q(circle_size_min__gte=2, circle_size_max__gte=F("circle_size_min")),
                name="program_circle_sizes_valid",
            ),
            models.CheckConstraint(condition=Q(form__in=Form.values), name="program_form_valid"),
            models.CheckConstraint(condition=Q(status__in=ProgramStatus.values), name="program_status_valid"),
            models.CheckConstraint(
                condition=Q(matching_mode__in=MatchingMode.values), name="program_matching_mode_valid"
            ),
            models.CheckConstraint(
                condition=(Q(target_match_percent__isnull=True) | Q(target_match_percent__lte=100))
                & (Q(target_completion_percent__isnull=True) | Q(target_completion_percent__lte=100))
                & (Q(target_nps__isnull=True) | Q(target_nps__gte=-100, target_nps__lte=100))
                & (Q(target_meetings_per_month__isnull=True) | Q(target_meetings_per_month__gte=0,
                                                                  target_meetings_per_month__lte=31)),
                name="program_targets_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        if self.status != ProgramStatus.OPEN:
            return False
        return self.enrollment_closes_on is None or self.enrollment_closes_on >= timezone.localdate()

    def is_eligible(self, profile: Any) -> bool:
        """Whether a person (by their profile) may enrol; an empty list means everyone."""
        if profile is None:
            return not (self.eligible_departments or self.eligible_levels or self.eligible_locations)
        if self.eligible_departments and profile.department not in self.eligible_departments:
            return False
        if self.eligible_levels and profile.level not in self.eligible_levels:
            return False
        return not (self.eligible_locations and profile.location not in self.eligible_locations)

    def role_labels(self) -> list[str]:
        return [str(EnrollmentRole(role).label) for role in self.roles_offered if role in EnrollmentRole.values]


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Free text")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale 1–5")


class EnrollmentQuestion(models.Model):
    """A custom question people answer when they enrol; answers can feed matching."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    roles = models.JSONField(_("asked of"), default=list, blank=True, help_text=_("Empty: everyone."))
    is_required = models.BooleanField(_("required"), default=False)
    use_in_matching = models.BooleanField(_("use in matching"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.text

    def applies_to(self, role: str) -> bool:
        return not self.roles or role in self.roles


class EnrollmentStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    WAITLISTED = "waitlisted", _("Waitlisted")
    REJECTED = "rejected", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def live(self) -> EnrollmentQuerySet:
        """Enrolments still in play (not withdrawn or rejected)."""
        return self.exclude(status__in=[EnrollmentStatus.WITHDRAWN, EnrollmentStatus.REJECTED])

    def for_membership(self, membership: Membership) -> EnrollmentQuerySet:
        return self.filter(membership=membership)


class Enrollment(models.Model):
    """A person's application to a program in one role."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(_("role"), max_length=10, choices=EnrollmentRole.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=EnrollmentStatus.choices, default=EnrollmentStatus.APPLIED
    )
    capacity = models.PositiveSmallIntegerField(
        _("mentees I can take"), null=True, blank=True, help_text=_("Mentors only.")
    )
    assigned = models.PositiveSmallIntegerField(
        default=0, help_text=_("Mentees currently matched to this mentor in this program.")
    )
    answers = models.JSONField(default=dict, blank=True)
    training_completed_at = models.DateTimeField(
        _("mentor training completed"), null=True, blank=True,
        help_text=_("Set by a coordinator; programs may match only trained mentors."),
    )
    motivation = models.TextField(_("why I want to join"), blank=True, max_length=2000)
    decision_message = models.TextField(_("message to the applicant"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "membership", "role"], name="one_enrollment_per_role"),
            models.CheckConstraint(condition=Q(role__in=EnrollmentRole.values), name="enrollment_role_valid"),
            models.CheckConstraint(condition=Q(status__in=EnrollmentStatus.values), name="enrollment_status_valid"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(role="mentor"), name="only_mentors_have_capacity"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__lte=50), name="capacity_at_most_50"
            ),
            models.CheckConstraint(
                condition=Q(training_completed_at__isnull=True) | Q(role="mentor"), name="only_mentors_are_trained"
            ),
            # Capacity can never be exceeded, whatever the code path or concurrency.
            models.CheckConstraint(
                condition=Q(assigned=0) | Q(capacity__isnull=False, assigned__lte=F("capacity")),
                name="assigned_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} → {self.program} ({self.role})"

    @property
    def is_live(self) -> bool:
        return self.status not in (EnrollmentStatus.WITHDRAWN, EnrollmentStatus.REJECTED)


class ProgramRetrospective(models.Model):
    """What the coordinators learned from a program (a pilot above all): kept with it, read before the next cohort."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="retrospective")
    worked = models.TextField(_("What worked"), blank=True, max_length=4000)
    did_not_work = models.TextField(_("What did not work"), blank=True, max_length=4000)
    next_time = models.TextField(_("What we will change next time"), blank=True, max_length=4000)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Retrospective of {self.program}"
