"""The meetings section of the mentorship home page."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from mentora.core.access import is_mentorship_member
from mentora.meetings.models import Meeting, MeetingStatus
from mentora.meetings.services import booking_refusal


def meetings_panel_context(membership: Any, mentorship: Any) -> dict[str, Any] | None:
    """Members see upcoming meetings and links; coordinators only see that meetings happen (counts)."""
    now = timezone.now()
    meetings = Meeting.objects.filter(mentorship=mentorship)
    is_member = is_mentorship_member(membership, mentorship)
    context: dict[str, Any] = {
        "mentorship": mentorship, "is_member": is_member, "booking_refusal": booking_refusal(mentorship),
        "upcoming_count": meetings.filter(status=MeetingStatus.SCHEDULED, ends_at__gt=now).count(),
        "held_count": meetings.filter(happened=True).count(),
    }
    if is_member:
        context["upcoming"] = list(meetings.filter(status=MeetingStatus.SCHEDULED, ends_at__gt=now).order_by("starts_at")[:5])
        context["to_record"] = list(meetings.filter(status=MeetingStatus.SCHEDULED, starts_at__lte=now, happened__isnull=True)
                                    .order_by("-starts_at")[:3])
    return context
