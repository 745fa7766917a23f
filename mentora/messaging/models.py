"""Conversations of a mentorship or circle: messages, who has read what, blocks and reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentora.core.models import Organization
from mentora.mentorships.models import Mentorship


class Conversation(models.Model):
    """The one conversation of a mentorship (a pair, peer pair or circle)."""

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE, related_name="conversation")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Conversation of {self.mentorship}"


def attachment_path(instance: Any, filename: str) -> str:
    return f"messages/{instance.conversation_id}/{timezone.now():%Y/%m}/{filename}"


class MessageQuerySet(models.QuerySet["Message"]):
    def visible(self) -> MessageQuerySet:
        return self.filter(deleted_at__isnull=True)


class Message(models.Model):
    """A message: Markdown text and/or one attachment. Deleting keeps a tombstone so the thread reads right."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("message"), blank=True, max_length=8000)
    attachment = models.FileField(upload_to=attachment_path, blank=True, max_length=300)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    attachment_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["conversation", "id"])]
        constraints = [
            # A live message says something; a deleted one keeps neither text nor file.
            models.CheckConstraint(
                condition=(Q(deleted_at__isnull=True) & (~Q(body="") | ~Q(attachment="")))
                | (Q(deleted_at__isnull=False) & Q(body="") & Q(attachment="")),
                name="message_has_content_unless_deleted",
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.conversation_id}"

    @property
    def is_voice_note(self) -> bool:
        """An audio attachment: played in the page (served inline) rather than downloaded."""
        return bool(self.attachment) and self.attachment_type.startswith("audio/")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def is_editable_by(self, user: Any, now: Any = None) -> bool:
        """Authors may edit or delete their own message for a while after sending it."""
        window = timedelta(minutes=settings.MENTORA_MESSAGE_EDIT_MINUTES)
        return (not self.is_deleted and self.author_id == getattr(user, "pk", None)
                and (now or timezone.now()) - self.created_at <= window)


class ReadMarker(models.Model):
    """How far a person has read a conversation, and how far their unread digest has covered."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="read_markers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)
    digested_up_to_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="one_read_marker_per_person")]

    def __str__(self) -> str:
        return f"{self.user} read {self.conversation_id} up to {self.last_read_id}"


class Block(models.Model):
    """One person no longer sees another's messages, nor gets digests of them."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "blocker", "blocked"], name="one_block_per_pair"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="no_blocking_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker} blocks {self.blocked}"


class ReportQuerySet(models.QuerySet["Report"]):
    def open(self) -> ReportQuerySet:
        return self.filter(resolved_at__isnull=True)


class Report(models.Model):
    """A message reported to the coordinators, with a snapshot of it (kept even if it is deleted)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("what is wrong?"), max_length=2000)
    message_author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    message_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    resolution = models.TextField(blank=True, max_length=2000)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="one_report_per_message_per_person")]

    def __str__(self) -> str:
        return f"Report of message {self.message_id}"


class MessagingPreference(models.Model):
    """How long after a message arrives unread a person wants an email digest (0: never)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messaging_preference")
    digest_delay_minutes = models.PositiveIntegerField(default=60)

    def __str__(self) -> str:
        return f"Messaging preferences of {self.user}"


DEFAULT_DIGEST_DELAY_MINUTES = 60
