"""The tasks the outbox puts on the queue: run one entry, and send one stored email."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def run_outbox_entry(*, entry_id: int) -> str:
    """Run one outbox entry (claimed, retried with backoff on failure); return its status after."""
    from mentora.core.outbox import run_entry

    return run_entry(entry_id)


@task()
def send_email(**payload: Any) -> None:
    """Send an email `queue_email` stored (the outbox retries it when the mail server fails)."""
    from mentora.core.outbox import build_email

    build_email(payload).send()
