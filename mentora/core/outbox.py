"""Saved is saved: background work goes through an outbox row written in the caller's transaction.

Every place that starts background work calls

    enqueue_on_commit(send_invitation_email, organization=invitation.organization, invitation_id=invitation.pk)

inside its transaction. That writes an `OutboxEntry` (so the work is committed with the change that
asked for it, or not at all) and, after commit, hands the entry to the task queue. Handing over can
fail (Redis down): the failure is logged, never raised, so a committed write never answers 500. The
periodic `drain_outbox` job hands over what is still waiting once the queue is back.

The queue carries only the entry's id (`mentora.core.tasks.run_outbox_entry`). Running an entry claims
it (one runner at a time), calls the real task, and on an exception schedules the next attempt after
`RETRY_DELAYS` (1, 5, 15, 30, 60 minutes: six tries over 111 minutes). After the last one the entry is
failed: organization admins (and platform superusers) see it on the "Failed deliveries" page and can
retry it. Nothing is dropped silently.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.mime.base import MIMEBase
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from mentora.core.models import Organization, OutboxEntry, OutboxStatus, record_audit_event

logger = logging.getLogger(__name__)

RETRY_DELAYS: Sequence[timedelta] = tuple(timedelta(minutes=m) for m in (1, 5, 15, 30, 60))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A running entry whose runner vanished (kill -9) is taken up again after this long.
RUNNING_LEASE = timedelta(minutes=15)
# An entry handed to the queue but still not run this long after it fell due is handed over again
# (the queue lost it, e.g. Redis restarted empty); the claim makes a duplicate run a no-op.
REDISPATCH_AFTER = timedelta(minutes=10)
KEEP_DONE_FOR = timedelta(days=7)
EMAIL_TASK = "mentora.core.tasks.send_email"
MAX_ATTACHMENT_BYTES = 256 * 1024  # the entry is a database row; bigger files are sent by their own task


def enqueue_on_commit(
    task: Task[Any, Any], *, organization: Organization | None = None, run_after: datetime | None = None,
    label: str = "", **task_kwargs: Any,
) -> OutboxEntry:
    """Record `task(**task_kwargs)` in the outbox now and queue it after commit (never raising then).

    `organization` decides whose admins see the entry if it fails; `run_after` defers it.
    """
    entry = OutboxEntry.objects.create(
        task_path=task.module_path, kwargs=task_kwargs, organization=organization,
        label=(label or _default_label(task, task_kwargs))[:300], max_attempts=MAX_ATTEMPTS,
        next_attempt_at=run_after or timezone.now(),
    )
    entry_id = entry.pk
    transaction.on_commit(lambda: dispatch(entry_id), robust=True)
    return entry


def queue_email(message: EmailMessage, *, organization: Organization | None = None, label: str = "") -> OutboxEntry:
    """Send an email through the outbox: retried with backoff, failed ones listed for admins."""
    from mentora.core.tasks import send_email

    payload: dict[str, Any] = {
        "subject": str(message.subject), "body": str(message.body), "from_email": message.from_email,
        "to": list(message.to), "cc": list(message.cc), "bcc": list(message.bcc),
        "reply_to": list(message.reply_to), "headers": dict(message.extra_headers),
        "content_subtype": message.content_subtype,
        "alternatives": [[str(alt[0]), alt[1]] for alt in getattr(message, "alternatives", [])],
        "attachments": [_stored_attachment(attachment) for attachment in message.attachments],
    }
    label = label or f"Email to {', '.join(message.to)}: {message.subject}"
    return enqueue_on_commit(send_email, organization=organization, label=label, **payload)


def _stored_attachment(attachment: Any) -> list[str]:
    """(filename, content, mimetype) as JSON: the content in base64. Small files only (calendar invites)."""
    if isinstance(attachment, MIMEBase):
        raise ValueError("queue_email carries (filename, content, mimetype) attachments, not MIME parts")
    filename, content, mimetype = attachment
    raw = content.encode() if isinstance(content, str) else bytes(content)
    if len(raw) > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"attachment {filename!r} is too large for the outbox ({len(raw)} bytes)")
    return [filename or "", base64.b64encode(raw).decode("ascii"), mimetype or "application/octet-stream"]


def build_email(payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The message `queue_email` stored, ready to send."""
    message = EmailMultiAlternatives(
        subject=payload["subject"], body=payload["body"], from_email=payload.get("from_email"), to=payload["to"],
        cc=payload.get("cc") or None, bcc=payload.get("bcc") or None, reply_to=payload.get("reply_to") or None,
        headers=payload.get("headers") or None,
    )
    message.content_subtype = payload.get("content_subtype") or "plain"
    for content, mimetype in payload.get("alternatives") or []:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in payload.get("attachments") or []:
        message.attach(filename or None, base64.b64decode(content), mimetype)
    return message


class _QueueBreaker:
    """After the queue failed, skip it for a few seconds: a request that notifies fifty people while
    Redis is down waits for one connection timeout, not fifty (the drain hands the rest over)."""

    open_until = 0.0
    PAUSE_SECONDS = 15.0

    @classmethod
    def is_open(cls) -> bool:
        return time.monotonic() < cls.open_until

    @classmethod
    def trip(cls) -> None:
        cls.open_until = time.monotonic() + cls.PAUSE_SECONDS

    @classmethod
    def reset(cls) -> None:
        cls.open_until = 0.0


def dispatch(entry_id: int, *, respect_breaker: bool = True) -> bool:
    """Hand one entry to the task queue; log (not raise) when the queue is unreachable."""
    from django_tasks import default_task_backend

    from mentora.core.tasks import run_outbox_entry

    if respect_breaker and _QueueBreaker.is_open():
        return False
    entry = OutboxEntry.objects.filter(pk=entry_id, status=OutboxStatus.PENDING).only("next_attempt_at").first()
    if entry is None:
        return False
    now = timezone.now()
    task = run_outbox_entry
    if entry.next_attempt_at > now:
        if not default_task_backend.supports_defer:
            return False  # drain_outbox hands it over when it falls due
        # RQ's scheduler keeps whole seconds (it truncates): round up, or the job runs a fraction of a
        # second before the entry falls due and finds nothing to claim.
        run_after = entry.next_attempt_at.replace(microsecond=0)
        task = task.using(run_after=run_after if run_after == entry.next_attempt_at else run_after + timedelta(seconds=1))
    try:
        OutboxEntry.objects.filter(pk=entry_id).update(enqueued_at=now)
        task.enqueue(entry_id=entry_id)
    except Exception:
        OutboxEntry.objects.filter(pk=entry_id, status=OutboxStatus.PENDING).update(enqueued_at=None)
        _QueueBreaker.trip()
        logger.warning("outbox entry %s not queued (the queue is unreachable?); drain_outbox retries it",
                       entry_id, exc_info=True)
        return False
    _QueueBreaker.reset()
    return True


def run_entry(entry_id: int) -> str:
    """Claim and run one entry; return its status afterwards ("" when someone else had it)."""
    now = timezone.now()
    claimable = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.RUNNING, locked_until__lt=now
    )
    entry = OutboxEntry.objects.filter(claimable, pk=entry_id).first()
    if entry is None:
        if OutboxEntry.objects.filter(pk=entry_id, status=OutboxStatus.PENDING, next_attempt_at__gt=now).exists():
            dispatch(entry_id)  # early (another clock, a rounded schedule): wait in the queue until it is due
        return ""
    claimed = OutboxEntry.objects.filter(claimable, pk=entry_id, attempts=entry.attempts).update(
        status=OutboxStatus.RUNNING, locked_until=now + RUNNING_LEASE, attempts=entry.attempts + 1
    )
    if not claimed:
        return ""
    attempts = entry.attempts + 1
    try:
        task: Task[Any, Any] = import_string(entry.task_path)
        task.call(**entry.kwargs)
    except Exception as error:
        logger.exception("outbox entry %s (%s) failed, attempt %s of %s", entry_id, entry.label, attempts,
                         entry.max_attempts)
        message = f"{type(error).__name__}: {error}"[:2000]
        if attempts >= entry.max_attempts:
            OutboxEntry.objects.filter(pk=entry_id).update(
                status=OutboxStatus.FAILED, last_error=message, locked_until=None, finished_at=timezone.now()
            )
            return OutboxStatus.FAILED
        delay = RETRY_DELAYS[min(attempts - 1, len(RETRY_DELAYS) - 1)]
        OutboxEntry.objects.filter(pk=entry_id).update(
            status=OutboxStatus.PENDING, last_error=message, locked_until=None, enqueued_at=None,
            next_attempt_at=timezone.now() + delay,
        )
        dispatch(entry_id)
        return OutboxStatus.PENDING
    done = OutboxEntry.objects.filter(pk=entry_id)
    if entry.task_path == EMAIL_TASK:
        done.update(kwargs={})  # a sent message (maybe a password-reset link) is not kept
    done.update(status=OutboxStatus.DONE, locked_until=None, last_error="", finished_at=timezone.now())
    return OutboxStatus.DONE


def drain_outbox(*, limit: int = 500) -> int:
    """Hand the queue every entry that is due and not waiting in it (or lost from it); return how many."""
    now = timezone.now()
    due = OutboxEntry.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REDISPATCH_AFTER, next_attempt_at__lt=now - REDISPATCH_AFTER))
        | Q(status=OutboxStatus.RUNNING, locked_until__lt=now)
    ).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    handed = 0
    for entry_id in list(due):
        if not dispatch_now(entry_id):
            break  # the queue is down: try again at the next drain
        handed += 1
    return handed


def dispatch_now(entry_id: int) -> bool:
    """Like dispatch, but also takes up an entry whose runner vanished."""
    OutboxEntry.objects.filter(pk=entry_id, status=OutboxStatus.RUNNING, locked_until__lt=timezone.now()).update(
        status=OutboxStatus.PENDING, locked_until=None
    )
    return dispatch(entry_id, respect_breaker=False)


def prune_outbox() -> int:
    """Delete entries done more than KEEP_DONE_FOR ago; failed ones stay until retried."""
    deleted, _ = OutboxEntry.objects.filter(
        status=OutboxStatus.DONE, finished_at__lt=timezone.now() - KEEP_DONE_FOR
    ).delete()
    return deleted


@transaction.atomic
def retry_entry(*, entry: OutboxEntry, retried_by: Any) -> OutboxEntry:
    """Give a failed entry a fresh set of attempts, now; audited."""
    from mentora.core.errors import Conflict

    locked = OutboxEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status != OutboxStatus.FAILED:
        raise Conflict("This delivery is not failed (it may have been retried already).")
    locked.status, locked.attempts, locked.next_attempt_at = OutboxStatus.PENDING, 0, timezone.now()
    locked.enqueued_at = locked.finished_at = None
    locked.save(update_fields=["status", "attempts", "next_attempt_at", "enqueued_at", "finished_at"])
    record_audit_event(organization=locked.organization, actor=retried_by, action="delivery.retry", target=locked,
                       details={"task": locked.task_path, "last_error": locked.last_error[:300]})
    entry_id = locked.pk
    transaction.on_commit(lambda: dispatch(entry_id), robust=True)
    return locked


def _default_label(task: Task[Any, Any], task_kwargs: dict[str, Any]) -> str:
    name = task.name.replace("_", " ").capitalize()
    ids = ", ".join(f"{key.removesuffix('_id')} {value}" for key, value in task_kwargs.items() if key.endswith("_id"))
    return f"{name} ({ids})" if ids else name
