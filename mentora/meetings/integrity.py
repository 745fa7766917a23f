"""Invariants across rows of meetings (checked after a restore and by `manage.py check_integrity`)."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q

from mentora.core.integrity import invariant
from mentora.meetings.models import Attendee


@invariant("meetings.no_overlapping_meetings_per_person")
def no_overlapping_meetings_per_person() -> list[str]:
    """Nobody holds two active seats in meetings whose times overlap."""
    overlapping = Attendee.objects.filter(
        user=OuterRef("user"), is_active=True, starts_at__lt=OuterRef("ends_at"), ends_at__gt=OuterRef("starts_at"),
    ).exclude(pk=OuterRef("pk"))
    seats = Attendee.objects.filter(Exists(overlapping), is_active=True).order_by("user_id", "starts_at")
    return [f"user {s.user_id}: meeting {s.meeting_id} at {s.starts_at:%Y-%m-%d %H:%M} overlaps another" for s in seats]


@invariant("meetings.seats_carry_their_meetings_time")
def seats_carry_their_meetings_time() -> list[str]:
    """Every active seat copies its meeting's start and end (the overlap guard relies on the copy)."""
    stale = Attendee.objects.filter(
        Q(is_active=True) & (~Q(starts_at=F("meeting__starts_at")) | ~Q(ends_at=F("meeting__ends_at")))
    ).order_by("pk")
    return [f"seat {s.pk} of user {s.user_id} in meeting {s.meeting_id} has other times than the meeting" for s in stale]
