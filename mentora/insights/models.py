"""What insights write: the nudges coordinators send to pairs (everything else here only reads)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentora.mentorships.models import Mentorship


class NudgeAudience(models.TextChoices):
    PAIR = "pair", _("Everyone in the pair")
    MENTEE = "mentee", _("Only the mentee")


class Nudge(models.Model):
    """A coordinator's note to one mentorship's members: who sent what, to whom, when.

    A pair gets at most one nudge a week (`mentora.insights.services.NUDGE_INTERVAL`); the service
    checks it under a lock on the mentorships, since a sliding window is no unique constraint.
    """

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="nudges")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    audience = models.CharField(max_length=10, choices=NudgeAudience.choices, default=NudgeAudience.PAIR)
    message = models.TextField(max_length=2000, help_text=_("The template as written, merge fields and all."))
    recipient_count = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["mentorship", "-sent_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(audience__in=NudgeAudience.values), name="nudge_audience_valid"),
            models.CheckConstraint(condition=~Q(message=""), name="nudge_message_not_empty"),
            models.CheckConstraint(condition=Q(recipient_count__gte=1), name="nudge_has_recipients"),
        ]

    def __str__(self) -> str:
        return f"Nudge to mentorship {self.mentorship_id} on {self.sent_at:%Y-%m-%d}"


class ReportFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Every Monday")
    MONTHLY = "monthly", _("On the first of each month")


class ReportSubscription(models.Model):
    """A coordinator or admin who gets a program's health (or the organization's roll-up) by email."""

    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                help_text=_("Empty: every program of the organization side by side."))
    recipient = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=ReportFrequency.choices, default=ReportFrequency.WEEKLY)
    next_send_on = models.DateField()
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["next_send_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(frequency__in=ReportFrequency.values), name="report_frequency_valid"),
            models.UniqueConstraint(fields=["recipient", "program"], name="one_report_per_recipient_and_program"),
            models.UniqueConstraint(fields=["recipient"], condition=Q(program__isnull=True),
                                    name="one_rollup_report_per_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} report to {self.recipient_id}"


class HrEventKind(models.TextChoices):
    HIRE = "hire", _("Joined the organization")
    PROMOTION = "promotion", _("Promotion")
    ROLE_CHANGE = "role_change", _("Role change")
    EXIT = "exit", _("Left the organization")


class HrEvent(models.Model):
    """A career event from the HR system (imported as CSV): used only for outcome figures about groups."""

    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="hr_events")
    kind = models.CharField(max_length=12, choices=HrEventKind.choices)
    occurred_on = models.DateField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "pk"]
        indexes = [models.Index(fields=["organization", "kind", "occurred_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HrEventKind.values), name="hr_event_kind_valid"),
            models.UniqueConstraint(fields=["membership", "kind", "occurred_on"], name="one_hr_event_per_person_kind_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.membership_id} on {self.occurred_on}"


class ScheduledStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class ScheduledMessage(models.Model):
    """A message to the people behind a figure, written now and sent at `send_at` (by the periodic
    `insights.send_scheduled_messages`), unless cancelled first. The recipients are fixed when it is
    written: the people the coordinator previewed."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    message = models.TextField(max_length=2000)
    recipients = models.ManyToManyField("accounts.Membership", related_name="+")
    label = models.CharField(max_length=200, help_text=_("Who it is for, in words (the figure it came from)."))
    send_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ScheduledStatus.choices, default=ScheduledStatus.SCHEDULED)
    sent_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["send_at", "pk"]
        indexes = [models.Index(fields=["status", "send_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ScheduledStatus.values), name="scheduled_message_status_valid"),
            models.CheckConstraint(condition=~Q(message=""), name="scheduled_message_not_empty"),
            models.CheckConstraint(condition=Q(status="scheduled") | Q(finished_at__isnull=False),
                                   name="scheduled_message_finished_when_done"),
        ]

    def __str__(self) -> str:
        return f"Message for {self.label} at {self.send_at:%Y-%m-%d %H:%M}"
