"""Retention (GDPR Art. 5(1)(e)): the words of a closed mentorship are not kept for ever.

Each organization says how long (`Organization.retention_months`, default 24) after a mentorship
ended its notes, messages (and their files), check-ins, evaluations, feedback and self-assessments
are kept. `purge_expired` (daily, `privacy.purge_expired`) deletes them, and blanks the topics and
next steps of its session logs, whose dates and durations stay for the program's figures. The
mentorship itself, its members, goals and meetings stay: they are the program's record.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from mentora.core.models import Organization, record_audit_event
from mentora.feedback.models import CheckIn, Evaluation, Feedback, SelfAssessment
from mentora.mentorships.models import CLOSED_STATUSES, Mentorship, Note, SessionLog
from mentora.messaging.models import Message

DAYS_PER_MONTH = 30.44  # a month of retention is its average length


def expired_mentorships(organization: Organization, *, now: datetime) -> list[int]:
    cutoff = now - timedelta(days=round(organization.retention_months * DAYS_PER_MONTH))
    return list(Mentorship.objects.filter(program__organization=organization, status__in=CLOSED_STATUSES,
                                          ended_at__lt=cutoff).values_list("pk", flat=True))


def purge_expired(*, now: datetime | None = None) -> dict[str, int]:
    """Purge every organization's expired words; return how many rows went, by kind (all orgs;
    empty when nothing was due)."""
    now = now or timezone.now()
    totals: dict[str, int] = {}
    for organization in Organization.objects.all():
        ids = expired_mentorships(organization, now=now)
        if not ids:
            continue
        counts = _purge(ids)
        if not any(counts.values()):
            continue  # purged on an earlier day
        record_audit_event(organization=organization, actor=None, action="privacy.retention_purge",
                           target=organization, details=counts | {"mentorships": len(ids)})
        for kind, n in counts.items():
            totals[kind] = totals.get(kind, 0) + n
    return totals


@transaction.atomic
def _purge(mentorship_ids: list[int]) -> dict[str, int]:
    files = [(m.attachment.storage, m.attachment.name) for m in Message.objects.filter(
        conversation__mentorship__in=mentorship_ids).exclude(attachment="").only("attachment")]
    counts = {
        "messages": Message.objects.filter(conversation__mentorship__in=mentorship_ids).delete()[0],
        "notes": Note.objects.filter(mentorship__in=mentorship_ids).delete()[0],
        "check_ins": CheckIn.objects.filter(mentorship__in=mentorship_ids).delete()[0],
        "evaluations": Evaluation.objects.filter(mentorship__in=mentorship_ids).delete()[0],
        "feedback": Feedback.objects.filter(mentorship__in=mentorship_ids).delete()[0],
        "self_assessments": SelfAssessment.objects.filter(mentorship__in=mentorship_ids).delete()[0],
        "session_logs_blanked": SessionLog.objects.filter(mentorship__in=mentorship_ids).exclude(
            topics="", next_steps="").update(topics="", next_steps=""),
    }
    for storage, name in files:  # after commit: a rolled-back purge keeps its files
        transaction.on_commit(partial(storage.delete, name))
    return counts
