"""A person's request to be erased, waiting for an admin of one of their organizations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ErasureStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an admin")
    DONE = "done", _("Erased")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class ErasureRequestQuerySet(models.QuerySet["ErasureRequest"]):
    def pending(self) -> ErasureRequestQuerySet:
        return self.filter(status=ErasureStatus.PENDING)

    def for_organization(self, organization_id: int) -> ErasureRequestQuerySet:
        """Requests of people who are members of this organization (the ones its admins decide)."""
        return self.filter(user__memberships__organization_id=organization_id).distinct()


class ErasureRequest(models.Model):
    """One account's request to be erased. The erasure covers the whole account, in every
    organization; an admin of any organization the person belongs to confirms or declines it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure_requests")
    status = models.CharField(max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # Why an admin declined (shown to the person); never their own words.
    decline_reason = models.TextField(blank=True, max_length=1000)

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(status="pending"), name="one_open_erasure_request_per_person"),
            models.CheckConstraint(condition=Q(status__in=ErasureStatus.values), name="erasure_request_status_valid"),
            models.CheckConstraint(condition=Q(status="pending") | Q(decided_at__isnull=False),
                                   name="erasure_request_decided_has_time"),
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} ({self.status})"
