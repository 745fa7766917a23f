"""Notify people: an in-app row each, and an email after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from mentora.accounts.models import User
from mentora.core import counts
from mentora.core.models import Organization
from mentora.core.outbox import enqueue_on_commit
from mentora.notifications.models import COORDINATOR_MESSAGE_KINDS, Notification, NotificationPreference


def notify(
    *, recipients: Iterable[User], organization: Organization, kind: str, title: str, body: str = "",
    url: str = "", email: bool = True, dedupe_key: str = "",
) -> list[Notification]:
    """Create one notification per recipient and email it after commit.

    With a non-empty `dedupe_key`, a recipient who already has a notification with that key gets
    nothing new (the database enforces it), so retried or repeated tasks notify at most once.
    """
    created: list[Notification] = []
    for recipient in {r.pk: r for r in recipients}.values():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient, organization=organization, kind=kind, title=title[:200],
                    body=body[:4000], url=url[:500], dedupe_key=dedupe_key[:200],
                )
        except IntegrityError:
            continue  # already notified under this key
        created.append(notification)
    counts.forget("notifications", user_ids=[n.recipient_id for n in created], organization_id=organization.pk)
    if email and created:
        from mentora.notifications.tasks import email_notification

        unwanted = opted_out_of_email([n.recipient_id for n in created]) if kind in COORDINATOR_MESSAGE_KINDS else set()
        for notification in created:
            if notification.recipient_id in unwanted:
                continue  # they asked for these in Mentora only
            enqueue_on_commit(email_notification, organization=organization,
                              label=f"Email to {notification.recipient.email}: {notification.title}"[:300],
                              notification_id=notification.pk)
    return created


def opted_out_of_email(user_ids: Iterable[int]) -> set[int]:
    """Of these people, those who asked not to get coordinators' messages by email (1 query)."""
    return set(NotificationPreference.objects.filter(user_id__in=list(user_ids), coordinator_messages_by_email=False)
               .values_list("user_id", flat=True))


def set_coordinator_messages_by_email(*, user: User, by_email: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"coordinator_messages_by_email": by_email})
    return preference


def mark_read(*, user: User, organization: Organization, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or the given ones) read; return how many changed."""
    unread = Notification.objects.unread().filter(recipient=user, organization=organization)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    counts.forget("notifications", user_ids=[user.pk], organization_id=organization.pk)
    return unread.update(read_at=timezone.now())


def unread_count(*, user_id: int, organization_id: int) -> int:
    """The bell's badge on every page (cached; `notify` and `mark_read` drop it)."""
    return counts.cached_count(
        "notifications", user_id=user_id, organization_id=organization_id,
        compute=lambda: Notification.objects.unread().filter(recipient=user_id, organization=organization_id).count())
