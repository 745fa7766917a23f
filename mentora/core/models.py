"""Tenancy and the audit log: the models every other app points at."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def organization_logo_path(instance: Organization, filename: str) -> str:
    """A random name per upload; the extension is the one we encoded, not the upload's."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "png"
    return f"organization-logos/{instance.pk}/{uuid4().hex}.{extension}"


class Organization(models.Model):
    """A tenant. All data belongs to one; nobody sees another's data."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    diversity_enabled = models.BooleanField(
        _("collect optional diversity attributes"),
        default=False,
        help_text=_("Show the consented diversity questions on profiles."),
    )
    # Branding: the logo is served to members by `core:organization_logo` (never under MEDIA_URL);
    # the accent colour carries white text, so it must reach 4.5:1 against white (checked on save).
    logo = models.FileField(_("logo"), upload_to=organization_logo_path, max_length=200, blank=True)
    accent_color = models.CharField(_("accent colour"), max_length=7, blank=True)
    # How long the words of a closed mentorship (notes, messages, check-ins, evaluations, feedback)
    # are kept after it ended; `mentora.privacy.retention` purges them daily.
    retention_months = models.PositiveSmallIntegerField(
        _("keep a closed mentorship's notes and messages for (months)"), default=24)
    # The smallest group any figure shown to coordinators may describe (k in k-anonymity): smaller
    # groups are hidden with complements (`mentora.core.suppression`). 3 to 11; 5 unless set.
    min_group_size = models.PositiveSmallIntegerField(_("smallest group a figure may describe"), default=5)
    # Admins and coordinators of this organization must set up two-step sign-in before they reach any
    # of its pages or its API (mentora.core.access.needs_mfa_setup); mentors and mentees are never forced.
    require_mfa_for_staff = models.BooleanField(
        _("require two-step sign-in for admins and coordinators"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accent_color="") | Q(accent_color__regex=r"^#[0-9a-f]{6}$"),
                name="organization_accent_color_hex",
            ),
            models.CheckConstraint(condition=Q(retention_months__gte=1, retention_months__lte=120),
                                   name="organization_retention_1_to_120_months"),
            models.CheckConstraint(condition=Q(min_group_size__gte=3, min_group_size__lte=11),
                                   name="organization_min_group_3_to_11"),
        ]

    def __str__(self) -> str:
        return self.name


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_organization(self, organization: Organization) -> AuditEventQuerySet:
        return self.filter(organization=organization)


class AuditEvent(models.Model):
    """Who did what to whom, for coordinator and admin actions and sensitive reads."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="audit_events", null=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_label}"


def record_audit_event(
    *,
    organization: Organization | None,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry to the audit log and return it (security-relevant actions also go to the security log)."""
    from mentora.core import security_log

    if action in security_log.AUDITED:
        security_log.event(action, user=actor if getattr(actor, "pk", None) else None,
                           organization=organization.slug if organization is not None else None,
                           target_type=target._meta.label_lower if target is not None else None,
                           target_id=str(target.pk) if target is not None else None)
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        details=details or {},
    )


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class OutboxEntryQuerySet(models.QuerySet["OutboxEntry"]):
    def failed(self) -> OutboxEntryQuerySet:
        return self.filter(status=OutboxStatus.FAILED)

    def visible_to(self, user: Any, organization: Organization | None) -> OutboxEntryQuerySet:
        """An organization's entries for its admins; platform superusers also see those of no organization."""
        if organization is not None:
            return self.filter(organization=organization)
        return self.filter(organization__isnull=True) if getattr(user, "is_superuser", False) else self.none()


class OutboxEntry(models.Model):
    """One piece of background work (an email, a match run …), written in the same transaction as the
    change that asked for it, so a committed write never loses its follow-up (see mentora.core.outbox)."""

    task_path = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, blank=True)
    label = models.CharField(max_length=300, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="outbox_entries", null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=6)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "outbox entries"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["organization", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OutboxStatus.values), name="outbox_status_valid"),
            models.CheckConstraint(condition=Q(attempts__lte=F("max_attempts")), name="outbox_attempts_within_max"),
        ]

    def __str__(self) -> str:
        return self.label or self.task_path


class IdempotentRequest(models.Model):
    """One API POST made with an `Idempotency-Key`, and its answer (`mentora.core.idempotency`)."""

    caller = models.CharField(max_length=80)  # "token:<sha256>" or "user:<id>"
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField(null=True)  # None until the answer is stored
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="one_answer_per_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'pending'})"
