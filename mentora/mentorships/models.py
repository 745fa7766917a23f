"""The relationship: a pair, a peer pair or a circle, with an explicit state machine."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentora.accounts.models import Membership
from mentora.profiles.models import Cadence, Channel
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

    def member_names(self, *, excluding: Membership | AbstractBaseUser | None = None) -> str:
        """The current members' names; `excluding` (a membership or a user) leaves out the viewer,
        so nobody is told to meet themselves."""
        user_id = excluding.user_id if isinstance(excluding, Membership) else getattr(excluding, "pk", None)
        members = [m for m in self.active_members() if user_id is None or m.membership.user_id != user_id]
        return ", ".join(m.membership.user.display_name for m in members)


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


class ResponseTime(models.TextChoices):
    SAME_DAY = "same_day", _("Within a working day")
    TWO_DAYS = "two_days", _("Within two working days")
    WEEK = "week", _("Within a week")


class Agreement(models.Model):
    """One version of the mentorship's charter. A new version replaces the last one and is in
    force once every current member has confirmed it; until then the previous confirmed version
    stands."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField()
    mentee_wants = models.TextField(_("What the mentee wants from this mentorship"), max_length=4000)
    cadence = models.CharField(_("How often you meet"), max_length=10, choices=Cadence.choices)
    session_minutes = models.PositiveSmallIntegerField(_("How long a session lasts (minutes)"))
    channels = models.JSONField(_("Preferred channels"), default=list)
    response_time = models.CharField(_("Expected response time"), max_length=10, choices=ResponseTime.choices)
    boundaries = models.TextField(_("Boundaries and confidentiality"), max_length=4000)
    feedback_how = models.TextField(_("How you give each other feedback"), max_length=2000)
    ends_on = models.DateField(_("End date"))
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "version"], name="one_agreement_per_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="agreement_version_positive"),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=15, session_minutes__lte=240), name="agreement_session_length_range"
            ),
            models.CheckConstraint(condition=Q(cadence__in=Cadence.values), name="agreement_cadence_valid"),
            models.CheckConstraint(condition=Q(response_time__in=ResponseTime.values), name="agreement_response_time_valid"),
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.version} for mentorship {self.mentorship_id}"

    def channel_labels(self) -> list[str]:
        return [str(Channel(c).label) for c in self.channels if c in Channel.values]


class AgreementConfirmation(models.Model):
    """A member's confirmation of one agreement version."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="confirmations")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "membership"], name="one_confirmation_per_member_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} confirmed v{self.agreement_id}"


class SessionLog(models.Model):
    """A short record of one session: when, how long, how, what was discussed, what comes next."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="session_logs")
    logged_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    held_on = models.DateField(_("Date"))
    duration_minutes = models.PositiveSmallIntegerField(_("Duration (minutes)"))
    channel = models.CharField(_("Channel"), max_length=10, choices=Channel.choices)
    topics = models.TextField(_("Topics"), max_length=4000)
    next_steps = models.TextField(_("Next steps"), max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=600), name="session_duration_range"
            ),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="session_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"Session on {self.held_on}"

    def next_step_lines(self) -> list[str]:
        return [line.strip(" -*\t") for line in self.next_steps.splitlines() if line.strip(" -*\t")]


class NoteQuerySet(models.QuerySet["Note"]):
    def visible_to(self, membership: Membership) -> NoteQuerySet:
        """Shared notes, and the viewer's own private ones. Nobody else's private note, ever —
        not for coordinators or admins either."""
        return self.filter(Q(is_private=False) | Q(author=membership))


class Note(models.Model):
    """A note on a session: shared with the other side, or private to its author."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="notes")
    session_log = models.ForeignKey(SessionLog, on_delete=models.CASCADE, null=True, blank=True, related_name="notes")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("Note"), max_length=10000)
    is_private = models.BooleanField(_("Private to me"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{'Private' if self.is_private else 'Shared'} note {self.pk}"


class ConcernQuerySet(models.QuerySet["Concern"]):
    def visible_to(self, membership: Membership) -> ConcernQuerySet:
        if membership.is_coordinator:
            return self.filter(mentorship__program__organization_id=membership.organization_id)
        return self.filter(reporter=membership)


class Concern(models.Model):
    """A concern reported privately to the program's coordinators; the other side never sees it."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="concerns")
    reporter = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("What worries you?"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True) | Q(resolved_at__isnull=False),
                name="concern_resolver_only_when_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk} on mentorship {self.mentorship_id}"


def member_roles_for(kind: str) -> tuple[str, ...]:
    return {"pair": ("mentor", "mentee"), "peer": ("peer",), "circle": ("facilitator", "mentee")}.get(kind, ())

