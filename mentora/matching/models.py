"""Matching in the product: per-program settings, runs with proposed matches, and requests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentora.accounts.models import Membership
from mentora.programs.models import Program

DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 3.0, "goals": 2.0, "text": 1.0, "availability": 2.0, "communication": 0.5, "languages": 0.5,
    "learning": 0.5, "seniority": 1.0, "department": 0.5, "site": 0.0, "generation": 0.0, "choices": 2.0,
}
FACTOR_LABELS: dict[str, Any] = {
    "skills": _("Skills wanted ↔ offered"), "goals": _("Goals and interests"), "text": _("Goals in their own words"),
    "availability": _("Shared availability"), "communication": _("Ways to meet"), "languages": _("Languages"),
    "learning": _("Learning style"), "seniority": _("Seniority gap"), "department": _("Department"),
    "site": _("Site"), "generation": _("Generation"), "choices": _("Mentee's own choices"),
}


class AttributeMode(models.TextChoices):
    AFFINITY = "affinity", _("Prefer the same")
    DIVERSITY = "diversity", _("Prefer different")
    IGNORE = "ignore", _("Ignore")


class Objective(models.TextChoices):
    MAX_TOTAL = "max_total", _("Best total fit")
    FAIR = "fair", _("Raise the worst-off match first")


class MatchingSettings(models.Model):
    """How a program matches: factor weights, must-match factors, hard rules and fairness."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="matching_settings")
    weights = models.JSONField(default=dict, blank=True)
    must_match = models.JSONField(default=list, blank=True, help_text=_("Factors that must be above zero."))
    objective = models.CharField(max_length=10, choices=Objective.choices, default=Objective.MAX_TOTAL)
    exclude_reporting_line = models.BooleanField(_("no one in the mentee's reporting line"), default=True)
    require_shared_language = models.BooleanField(_("shared language required"), default=True)
    require_training = models.BooleanField(_("mentors must have completed training"), default=False)
    max_time_zone_gap_hours = models.PositiveSmallIntegerField(_("largest time-zone gap (hours)"), null=True, blank=True)
    mentor_load_cap = models.PositiveSmallIntegerField(
        _("most mentees per mentor across all programs"), null=True, blank=True
    )
    department_mode = models.CharField(max_length=10, choices=AttributeMode.choices, default=AttributeMode.DIVERSITY)
    site_mode = models.CharField(max_length=10, choices=AttributeMode.choices, default=AttributeMode.IGNORE)
    reverse_mentoring = models.BooleanField(_("reverse mentoring (junior mentors senior)"), default=False)
    seniority_gap_min = models.SmallIntegerField(default=1)
    seniority_gap_max = models.SmallIntegerField(default=4)
    avoid_past_pairs = models.BooleanField(_("never repeat a past pair"), default=True)
    suggestions_count = models.PositiveSmallIntegerField(_("suggestions shown to a mentee"), default=5)
    max_open_requests = models.PositiveSmallIntegerField(_("open requests per mentee"), default=3)
    request_ttl_days = models.PositiveSmallIntegerField(_("days before a request expires"), default=7)
    peer_round_every_days = models.PositiveSmallIntegerField(
        _("peer programs: a new round every … days"), null=True, blank=True,
        help_text=_("Empty: rounds only when you run them. Each round ends the last one and never repeats a past pair."),
    )
    next_peer_round_on = models.DateField(_("next peer round on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(seniority_gap_min__lte=F("seniority_gap_max")), name="seniority_gap_ordered"),
            models.CheckConstraint(condition=Q(suggestions_count__gte=1, suggestions_count__lte=20), name="suggestions_1_to_20"),
            models.CheckConstraint(condition=Q(max_open_requests__gte=1), name="at_least_one_open_request"),
            models.CheckConstraint(condition=Q(request_ttl_days__gte=1), name="request_ttl_positive"),
            models.CheckConstraint(
                condition=Q(peer_round_every_days__isnull=True) | Q(peer_round_every_days__gte=1), name="peer_round_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Matching settings of {self.program}"

    def effective_weights(self) -> dict[str, float]:
        return {name: float(self.weights.get(name, default)) for name, default in DEFAULT_WEIGHTS.items()}


class TextEmbedding(models.Model):
    """A cached sentence embedding of a profile text, keyed by model and text digest."""

    model_id = models.CharField(max_length=80)
    digest = models.CharField(max_length=64)
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model_id", "digest"], name="one_embedding_per_text")]

    def __str__(self) -> str:
        return f"{self.model_id}:{self.digest[:8]}"


class RoundPause(models.Model):
    """A peer who sits out rounds: until a date (skipping a round), or until they resume (null)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="round_pauses")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="round_pauses")
    until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "membership"], name="one_round_pause_per_person")]

    def __str__(self) -> str:
        return f"{self.membership_id} paused in {self.program_id} until {self.until or 'resumed'}"


class MatchRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready to review")
    FAILED = "failed", _("Failed")
    PUBLISHED = "published", _("Published")


class MatchRun(models.Model):
    """One execution of the engine for a program: a reproducible snapshot and its outcome."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_runs")
    status = models.CharField(max_length=10, choices=MatchRunStatus.choices, default=MatchRunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    settings_snapshot = models.JSONField(default=dict)
    input_snapshot = models.JSONField(default=dict)
    solver = models.CharField(max_length=80, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    quality = models.JSONField(default=dict, blank=True)
    unmatched = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MatchRunStatus.values), name="matchrun_status_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="matchrun_progress_percent"),
            models.CheckConstraint(
                condition=Q(status="published", published_at__isnull=False) | (~Q(status="published") & Q(published_at__isnull=True)),
                name="matchrun_published_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.program}"

    @property
    def is_finished(self) -> bool:
        return self.status in (MatchRunStatus.DONE, MatchRunStatus.FAILED, MatchRunStatus.PUBLISHED)


class ProposedMatch(models.Model):
    """A pair (or peer pair, or circle seat) a run proposes, with its score and explanation."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="matches")
    mentee = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+",
                               help_text=_("Mentee, or the first peer of a peer pair, or a circle member."))
    mentor = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+",
                               help_text=_("Mentor, second peer, or the circle's facilitator."))
    group = models.PositiveIntegerField(null=True, blank=True, help_text=_("Circle number within the run."))
    topic = models.CharField(max_length=200, blank=True)
    score = models.FloatField()
    explanation = models.JSONField(default=list, blank=True)
    is_pinned = models.BooleanField(default=False)

    class Meta:
        ordering = ["group", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="one_proposal_per_mentee_per_run"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="proposal_score_in_0_1"),
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="proposal_no_self_match"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} ↔ {self.mentor_id} ({self.score:.2f})"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    QUESTION = "question", _("Mentor asked a question")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


OPEN_REQUEST_STATUSES = (RequestStatus.PENDING, RequestStatus.QUESTION)


def default_request_expiry() -> Any:
    return timezone.now() + timedelta(days=7)


class MentorshipRequestQuerySet(models.QuerySet["MentorshipRequest"]):
    def open(self) -> MentorshipRequestQuerySet:
        return self.filter(status__in=OPEN_REQUEST_STATUSES)


class MentorshipRequest(models.Model):
    """A mentee asks a mentor directly (self-select and hybrid programs)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorship_requests")
    mentee = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="requests_sent")
    mentor = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="requests_received")
    message = models.TextField(_("message"), max_length=2000)
    goals = models.TextField(_("what I hope to work on"), blank=True, max_length=2000)
    rank = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Hybrid programs: the mentee's ranking."))
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    mentor_reply = models.TextField(_("reply"), blank=True, max_length=2000)
    mentee_answer = models.TextField(_("answer"), blank=True, max_length=2000)
    score = models.FloatField(null=True, blank=True)
    expires_at = models.DateTimeField(default=default_request_expiry)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MentorshipRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee", "mentor"], condition=Q(status__in=["pending", "question"]),
                name="one_open_request_per_pair",
            ),
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="request_no_self"),
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="request_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Request {self.mentee_id} → {self.mentor_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES
