"""Background work for messaging (enqueued after commit)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_unread_digests() -> int:
    """Email the unread-message digests that are due (each message at most once per person)."""
    from mentora.messaging.services import send_due_digests

    return send_due_digests()
