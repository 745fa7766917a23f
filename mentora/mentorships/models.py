"""The relationship: a pair, a peer pair or a circle, with an explicit state machine."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentora.accounts.models import Membership
from mentora.programs.models import Program


class MentorshipKind(models.TextChoices):
    PAIR = "pair", _("Mentor and mentee")
    PEER = "peer", _("Peer pair")
    CIRCLE = "circle", _("Circle")


class MentorshipStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")


# The only legal moves; the service refuses anything else.
TRANSITIONS: dict[str, set[str]] = {
    MentorshipStatus.PROPOSED: {MentorshipStatus.ACTIVE, MentorshipStatus.ENDED_EARLY},
    MentorshipStatus.ACTIVE: {MentorshipStatus.PAUSED, MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY},
    MentorshipStatus.PAUSED: {MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY},
    MentorshipStatus.COMPLETED: set(),
    MentorshipStatus.ENDED_EARLY: set(),
}
OPEN_STATUSES = (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)
CLOSED_STATUSES = (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def for_member(self, membership: Membership) -> MentorshipQuerySet:
        return self.filter(members__membership=membership, members__left_at__isnull=True)

    def open(self) -> MentorshipQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Mentorship(models.Model):
    """A mentoring relationship in a program, however it was created."""

    class Source(models.TextChoices):
        MATCH_RUN = "match_run", _("Published match")
        REQUEST = "request", _("Accepted request")
        MANUAL = "manual", _("Set up by a coordinator")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    kind = models.CharField(max_length=10, choices=MentorshipKind.choices, default=MentorshipKind.PAIR)
    status = models.CharField(max_length=12, choices=MentorshipStatus.choices, default=MentorshipStatus.PROPOSED)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MentorshipStatus.values), name="mentorship_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=MentorshipKind.values), name="mentorship_kind_valid"),
            # Closed relationships carry their end time; open ones do not (one state at a time).
            models.CheckConstraint(
                condition=(Q(status__in=CLOSED_STATUSES) & Q(ended_at__isnull=False))
                | (Q(status__in=OPEN_STATUSES) & Q(ended_at__isnull=True)),
                name="mentorship_ended_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.program}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def active_members(self) -> list[MentorshipMember]:
        """Current members (uses prefetched rows when present)."""
        return [m for m in self.members.all() if m.left_at is None]

    def member_names(self) -> str:
        return ", ".join(m.membership.user.display_name for m in self.active_members())


class MemberRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")
    PEER = "peer", _("Peer")
    FACILITATOR = "facilitator", _("Facilitator")


class MentorshipMember(models.Model):
    """A person in a mentorship. `program` and `is_open` are copied from the mentorship so the
    database can forbid a second open mentorship for the same mentee or peer in a program."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="members")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="mentorship_memberships")
    role = models.CharField(max_length=12, choices=MemberRole.choices)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    is_open = models.BooleanField(default=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "membership"], name="one_seat_per_person_per_mentorship"),
            models.UniqueConstraint(
                fields=["program", "membership", "role"],
                condition=Q(is_open=True, left_at__isnull=True, role__in=["mentee", "peer"]),
                name="one_open_mentorship_per_mentee_per_program",
            ),
            models.CheckConstraint(condition=Q(role__in=MemberRole.values), name="member_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} ({self.role})"


class MentorshipTransition(models.Model):
    """One change of state: who, when, why (the reason may be private to coordinators)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=MentorshipStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=MentorshipStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField(blank=True, max_length=2000)
    is_reason_private = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


def member_roles_for(kind: str) -> tuple[str, ...]:
    return {"pair": ("mentor", "mentee"), "peer": ("peer",), "circle": ("facilitator", "mentee")}.get(kind, ())


__all__: list[Any] = [
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "MemberRole",
    "Mentorship",
    "MentorshipKind",
    "MentorshipMember",
    "MentorshipStatus",
    "MentorshipTransition",
]
