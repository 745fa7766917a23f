"""Background work for check-ins; run daily (see `manage.py enqueue_relationship_tasks`)."""

from __future__ import annotations

from django_tasks import task

from mentora.feedback.services import send_due_check_ins


@task()
def schedule_check_ins() -> int:
    """Open, send and re-send the check-ins that are due; idempotent."""
    return send_due_check_ins()
