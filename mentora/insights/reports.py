"""Scheduled reports: a program's health, or the organization's programs side by side, emailed to
chosen coordinators and admins every Monday or on the first of the month.

The email says in sentences what the health page says first (matched, meetings, quiet pairs, overdue
milestones, check-ins, NPS — thresholds applied), with a link to the page. It goes through the
outbox (`queue_email`), so a mail server that is down delays it, never loses it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership, User
from mentora.core.errors import DomainError
from mentora.core.models import Organization, record_audit_event
from mentora.core.outbox import queue_email
from mentora.programs.models import Program

from .health import program_insights
from .models import ReportFrequency, ReportSubscription
from .rollup import organization_rollup

__all__ = ["first_send_on", "next_after", "send_due_reports", "subscribe_report", "unsubscribe_report"]


def first_send_on(frequency: str, today: date) -> date:
    """The next Monday (weekly) or the next first of a month (monthly), after today.

    >>> first_send_on("weekly", date(2026, 12, 3)), first_send_on("monthly", date(2026, 12, 3))
    (datetime.date(2026, 12, 7), datetime.date(2027, 1, 1))
    """
    if frequency == ReportFrequency.WEEKLY:
        return today + timedelta(days=7 - today.weekday())
    return date(today.year + (today.month == 12), today.month % 12 + 1, 1)


def next_after(frequency: str, sent_on: date) -> date:
    return first_send_on(frequency, sent_on)


@transaction.atomic
def subscribe_report(*, organization: Organization, program: Program | None, recipient: Membership, frequency: str,
                     created_by: User) -> ReportSubscription:
    """Email `recipient` this program's report (or the roll-up) at `frequency`; one per recipient and program."""
    if frequency not in ReportFrequency.values:
        raise DomainError(_("Choose weekly or monthly."), field="frequency")
    if recipient.organization_id != organization.pk or not recipient.is_active or not recipient.is_coordinator:
        raise DomainError(_("Reports go to coordinators and admins of this organization."), field="recipient")
    if program is not None and program.organization_id != organization.pk:
        raise DomainError(_("That program is not in this organization."), field="program")
    try:
        with transaction.atomic():
            subscription = ReportSubscription.objects.create(
                organization=organization, program=program, recipient=recipient, frequency=frequency,
                next_send_on=first_send_on(frequency, timezone.localdate()), created_by=created_by)
    except IntegrityError:
        raise DomainError(_("%(name)s already gets this report.") % {"name": recipient.user.full_name or recipient.user.email},
                          field="recipient") from None
    record_audit_event(organization=organization, actor=created_by, action="insights.report_subscribe",
                       target=program or organization, details={"recipient": recipient.pk, "frequency": frequency})
    return subscription


@transaction.atomic
def unsubscribe_report(*, subscription: ReportSubscription, removed_by: User) -> None:
    record_audit_event(organization=subscription.organization, actor=removed_by, action="insights.report_unsubscribe",
                       target=subscription.program or subscription.organization,
                       details={"recipient": subscription.recipient_id})
    subscription.delete()


def _link(path: str) -> str:
    return settings.MENTORA_BASE_URL.rstrip("/") + path


def _report_email(subscription: ReportSubscription) -> EmailMultiAlternatives:
    organization = subscription.organization
    context: dict[str, object] = {"organization": organization, "subscription": subscription}
    if subscription.program is not None:
        program = subscription.program
        context |= {"program": program, "insights": program_insights(program),
                    "url": _link(reverse("insights:program", args=[organization.slug, program.pk]))}
        subject = _("[%(org)s] How %(program)s is going") % {"org": organization.name, "program": program.name}
    else:
        context |= {"rows": organization_rollup(organization),
                    "url": _link(reverse("insights:organization", args=[organization.slug]))}
        subject = _("[%(org)s] How your programs are going") % {"org": organization.name}
    text = render_to_string("insights/email/report.txt", context)
    message = EmailMultiAlternatives(subject, text, to=[subscription.recipient.user.email])
    message.attach_alternative(render_to_string("insights/email/report.html", context), "text/html")
    return message


def send_due_reports(*, today: date | None = None) -> int:
    """Queue every report that is due (idempotent: each is moved to its next date as it is queued)."""
    today = today or timezone.localdate()
    sent = 0
    due = (ReportSubscription.objects.filter(next_send_on__lte=today)
           .select_related("organization", "program", "recipient__user", "recipient__profile"))
    for subscription in due:
        with transaction.atomic():
            claimed = ReportSubscription.objects.filter(pk=subscription.pk, next_send_on=subscription.next_send_on).update(
                next_send_on=next_after(subscription.frequency, today), last_sent_at=timezone.now())
            if not claimed:
                continue  # another runner took it
            recipient = subscription.recipient
            if not (recipient.is_active and recipient.is_coordinator):
                continue  # no longer a coordinator: nothing goes out (the row stays for the audit trail)
            with translation.override(getattr(recipient.user, "language", None) or settings.LANGUAGE_CODE):
                queue_email(_report_email(subscription), organization=subscription.organization,
                            label=f"Insights report to {recipient.user.email}")
            sent += 1
    return sent
