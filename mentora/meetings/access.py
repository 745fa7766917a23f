"""Who may see a meeting: the current members of its mentorship (through core.access)."""

from __future__ import annotations

from django.http import Http404

from mentora.accounts.models import Membership
from mentora.core.access import access_mentorship, is_mentorship_member
from mentora.meetings.models import Meeting


def access_meeting(membership: Membership, meeting_id: int) -> Meeting:
    """Return the meeting if this member belongs to its mentorship; else 404 (coordinators too:
    agendas and notes are the pair's)."""
    meeting = (
        Meeting.objects.select_related("mentorship__program__organization", "series", "booked_by")
        .filter(pk=meeting_id, mentorship__program__organization=membership.organization).first()
    )
    if meeting is None:
        raise Http404
    mentorship = access_mentorship(membership, meeting.mentorship_id)
    if not is_mentorship_member(membership, mentorship):
        raise Http404
    return meeting


def access_member_mentorship(membership: Membership, mentorship_id: int) -> object:
    """A mentorship this person is a current member of (booking is for members only); else 404."""
    mentorship = access_mentorship(membership, mentorship_id)
    if not is_mentorship_member(membership, mentorship):
        raise Http404
    return mentorship
