"""In-app notifications (each also emailed unless asked otherwise)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mentora.core.models import Organization


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person in one organization."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=4000)
    url = models.CharField(max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "organization", "read_at"])]
        constraints = [
            # A reminder task that runs twice sends once.
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""), name="one_notification_per_dedupe_key"
            )
        ]

    def __str__(self) -> str:
        return self.title


#: Kinds a person may choose not to receive by email (they still arrive in Mentora): messages a
#: coordinator writes to many people at once. Everything about a person's own mentorship (requests,
#: decisions, meetings, agreements) is always emailed.
COORDINATOR_MESSAGE_KINDS = frozenset({"program.message", "nudge"})


class NotificationPreference(models.Model):
    """A person's choice about optional emails (no row: the defaults)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference")
    coordinator_messages_by_email = models.BooleanField(
        default=True, help_text="Email messages and nudges from program coordinators (they always appear in Mentora).")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"
