"""Background work of insights: the scheduled reports."""

from __future__ import annotations

from django_tasks import task

from mentora.insights.reports import send_due_reports


@task()
def send_reports() -> int:
    """Queue the reports that are due today (run hourly; each report goes once per period)."""
    return send_due_reports()


@task()
def send_scheduled_messages() -> int:
    """Send the coordinators' messages whose time has come (run every five minutes)."""
    from mentora.insights.messages import send_due_scheduled

    return send_due_scheduled()
