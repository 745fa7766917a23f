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
