"""Two people book overlapping times for the same person at the same moment: exactly one wins.

Runs with real transactions and two threads (two database connections), on SQLite (the guarded
write: IMMEDIATE transactions + triggers) and on PostgreSQL (the exclusion constraint) when the
suite runs with DATABASE_URL.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from mentora.core.errors import Conflict
from mentora.meetings import services
from mentora.meetings.models import Attendee, Meeting
from mentora.mentorships.services import create_mentorship
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_overlapping_bookings_result_in_exactly_one(world: World):
    second = create_mentorship(program=world.program, members=[(world.mentor, "mentor"), (world.member, "mentee")],
                               created_by=world.coordinator.user)
    starts_at = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    jobs = [(world.mentorship, world.mentee.user, starts_at), (second, world.member.user, starts_at + timedelta(minutes=30))]
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def book(mentorship, user, at) -> None:
        try:
            barrier.wait(timeout=10)
            services.book_meeting(mentorship=mentorship, booked_by=user, starts_at=at, timezone_name="UTC")
            outcomes.append("booked")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    for _round in range(3):
        outcomes.clear()
        Meeting.objects.all().delete()
        threads = [threading.Thread(target=book, args=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["booked", "refused"], outcomes
        assert Meeting.objects.count() == 1
        mentor_seats = Attendee.objects.filter(user=world.mentor.user, is_active=True)
        assert mentor_seats.count() == 1


def test_the_guard_is_the_databases_own(world: World):
    """PostgreSQL carries the exclusion constraint; SQLite the triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT conname FROM pg_constraint WHERE conname = 'no_double_booking' AND contype = 'x'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'meetings_attendee_no_overlap%'")
        assert cursor.fetchall()
