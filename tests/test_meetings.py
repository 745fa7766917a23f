"""Booking, invites (.ics parsed back with an independent parser), cancel, move, feeds, reminders, attendance."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
import vobject
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentora.meetings import services
from mentora.meetings.models import Attendee, Meeting, MeetingStatus
from mentora.mentorships.services import create_mentorship
from mentora.notifications.models import Notification
from mentora.profiles.models import AvailabilitySlot
from tests.conftest import World, client_for

PARIS, NEW_YORK = "Europe/Paris", "America/New_York"


def _next_weekday(weekday: int, hour: int, zone: str, days_ahead: int = 2) -> datetime:
    tz = zoneinfo.ZoneInfo(zone)
    day = (timezone.now() + timedelta(days=days_ahead)).astimezone(tz).date()
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz).astimezone(UTC)


def _book(world: World, starts_at: datetime, **kwargs) -> Meeting:
    return services.book_meeting(mentorship=world.mentorship, booked_by=world.mentor.user, starts_at=starts_at,
                                 timezone_name=kwargs.pop("timezone_name", PARIS), **kwargs)


def _invites(method: str) -> list[vobject.base.Component]:
    """Parse every captured email's .ics attachment with vobject (not the library that wrote it)."""
    found = []
    for message in mail.outbox:
        for name, content, mimetype in message.attachments:
            if name.endswith(".ics"):
                assert mimetype == "application/ics"
                calendar = vobject.readOne(content.decode() if isinstance(content, bytes) else content)
                if calendar.method.value == method:
                    found.append(calendar)
    return found


def in_two_zones(world: World) -> World:
    """Mentor in Paris, mentee in New York, both free weekdays 09:00–17:00 local."""
    for membership, zone in ((world.mentor, PARIS), (world.mentee, NEW_YORK)):
        membership.profile.timezone = zone
        membership.profile.save()
        for day in range(5):
            AvailabilitySlot.objects.create(profile=membership.profile, weekday=day, start_minute=540, end_minute=1020)
    return world


@pytest.fixture
def zones(world: World) -> World:
    return in_two_zones(world)


def test_booking_sends_each_member_a_standard_invite(zones: World, django_capture_on_commit_callbacks):
    """METHOD REQUEST, stable UID, SEQUENCE 0, the organiser's VTIMEZONE, ORGANIZER and one ATTENDEE each."""
    starts_at = _next_weekday(1, 15, PARIS)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _book(zones, starts_at, agenda="Career plan")
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@acme.test", "mentor@acme.test"]
    invites = _invites("REQUEST")
    assert len(invites) == 2
    event = invites[0].vevent
    assert event.uid.value == meeting.uid
    assert int(event.sequence.value) == 0
    assert event.dtstart.value == starts_at  # aware, in Europe/Paris, equal to the UTC instant
    assert event.dtstart.value.utcoffset() in (timedelta(hours=1), timedelta(hours=2))  # local Paris time, not UTC
    assert f"DTSTART;TZID={PARIS}:" in mail.outbox[0].attachments[0][1].decode()
    assert invites[0].vtimezone.tzid.value == PARIS
    assert event.organizer.value.startswith("mailto:")
    assert sorted(a.value for a in event.attendee_list) == ["mailto:mentee@acme.test", "mailto:mentor@acme.test"]
    assert "Career plan" in event.description.value
    # The other member gets an in-app notice; the booker does not.
    assert list(Notification.objects.values_list("recipient__email", "kind")) == [("mentee@acme.test", "meeting.booked")]


def test_each_member_reads_the_time_in_their_own_zone(zones: World, django_capture_on_commit_callbacks):
    starts_at = _next_weekday(1, 15, PARIS)
    with django_capture_on_commit_callbacks(execute=True):
        _book(zones, starts_at)
    by_person = {m.to[0]: m.subject for m in mail.outbox}
    assert "15:00 CE" in by_person["mentor@acme.test"]
    assert "09:00 E" in by_person["mentee@acme.test"]


def test_a_recurring_booking_keeps_the_organisers_wall_clock_across_dst(zones: World, django_capture_on_commit_callbacks):
    """Every 2 weeks × 6 from late February crosses both DST changes; rows and the RRULE agree."""
    year = timezone.now().year + 1
    first = datetime(year, 2, 20, 15, tzinfo=zoneinfo.ZoneInfo(PARIS))
    while first.weekday() != 1:
        first += timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _book(zones, first.astimezone(UTC), interval_weeks=2, count=6)
    rows = list(Meeting.objects.filter(series=meeting.series).order_by("starts_at"))
    assert len(rows) == 6
    assert {row.starts_at.astimezone(zoneinfo.ZoneInfo(PARIS)).hour for row in rows} == {15}
    assert len({row.starts_at.astimezone(UTC).hour for row in rows}) == 2  # 14:00 UTC in winter, 13:00 in summer
    invite = _invites("REQUEST")[0]
    assert invite.vevent.rrule.value == "FREQ=WEEKLY;COUNT=6;INTERVAL=2"
    expanded = list(invite.vevent.getrruleset())
    assert [d.astimezone(UTC) for d in expanded] == [row.starts_at for row in rows]
    assert {r.uid for r in rows} == {invite.vevent.uid.value}


def test_nobody_can_be_double_booked_across_their_mentorships(zones: World):
    """The mentor's second mentorship cannot book over the first one's meeting."""
    other = create_mentorship(program=zones.program, members=[(zones.mentor, "mentor"), (zones.member, "mentee")],
                              created_by=zones.coordinator.user)
    starts_at = _next_weekday(2, 11, PARIS)
    _book(zones, starts_at)
    with pytest.raises(services.SlotTaken):
        services.book_meeting(mentorship=other, booked_by=zones.member.user, starts_at=starts_at + timedelta(minutes=30),
                              timezone_name=PARIS)
    assert Meeting.objects.count() == 1
    # Back to back is fine.
    services.book_meeting(mentorship=other, booked_by=zones.member.user, starts_at=starts_at + timedelta(hours=1),
                          timezone_name=PARIS)


def test_the_database_itself_refuses_overlapping_seats(zones: World):
    """Even a write that skips the service's check is refused (exclusion constraint / trigger)."""
    meeting = _book(zones, _next_weekday(2, 11, PARIS))
    clone = Meeting.objects.create(mentorship=meeting.mentorship, starts_at=meeting.starts_at, ends_at=meeting.ends_at,
                                   timezone=PARIS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendee.objects.create(meeting=clone, user=zones.mentor.user, starts_at=clone.starts_at + timedelta(minutes=10),
                                ends_at=clone.ends_at + timedelta(minutes=10))
    # An inactive (cancelled) seat does not block.
    Attendee.objects.filter(meeting=meeting).update(is_active=False)
    Attendee.objects.create(meeting=clone, user=zones.mentor.user, starts_at=clone.starts_at, ends_at=clone.ends_at)


def test_a_recurring_booking_that_clashes_once_books_nothing(zones: World):
    first = _next_weekday(3, 10, PARIS)
    _book(zones, first + timedelta(weeks=2))
    with pytest.raises(services.SlotTaken):
        _book(zones, first, interval_weeks=1, count=4)
    assert Meeting.objects.count() == 1


def test_cancelling_sends_cancel_with_the_same_uid_and_a_higher_sequence(zones: World, django_capture_on_commit_callbacks):
    meeting = _book(zones, _next_weekday(1, 15, PARIS))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting=meeting, cancelled_by=zones.mentee.user, reason="Sick today")
    cancel = _invites("CANCEL")
    assert len(cancel) == 2
    assert cancel[0].vevent.uid.value == meeting.uid
    assert int(cancel[0].vevent.sequence.value) == 1
    assert cancel[0].vevent.status.value == "CANCELLED"
    assert any("Reason: Sick today" in m.body for m in mail.outbox)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and not meeting.attendees.filter(is_active=True).exists()
    # The time is free again.
    _book(zones, meeting.starts_at)


def test_cancelling_one_occurrence_or_the_whole_series(zones: World, django_capture_on_commit_callbacks):
    first = _next_weekday(0, 10, PARIS)
    meeting = _book(zones, first, interval_weeks=1, count=4)
    second = Meeting.objects.filter(series=meeting.series).order_by("starts_at")[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting=second, cancelled_by=zones.mentor.user)
    one = _invites("CANCEL")[0].vevent
    assert one.uid.value == meeting.series.uid
    assert one.recurrence_id.value == second.recurrence_id
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.cancel_meeting(meeting=meeting, cancelled_by=zones.mentor.user, whole_series=True)
    assert len(cancelled) == 3
    master = _invites("CANCEL")[0].vevent
    assert not hasattr(master, "recurrence_id") and hasattr(master, "rrule")
    assert int(master.sequence.value) == 1
    assert not Meeting.objects.filter(status=MeetingStatus.SCHEDULED).exists()


def test_moving_an_occurrence_sends_a_request_for_that_occurrence(zones: World, django_capture_on_commit_callbacks):
    meeting = _book(zones, _next_weekday(0, 10, PARIS), interval_weeks=2, count=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_meeting(meeting=meeting, starts_at=meeting.starts_at + timedelta(hours=2),
                                    changed_by=zones.mentee.user, reason="Clash with a workshop")
    update = _invites("REQUEST")[0].vevent
    assert update.recurrence_id.value == meeting.recurrence_id
    assert update.dtstart.value == meeting.starts_at + timedelta(hours=2)
    assert int(update.sequence.value) == 1
    assert Notification.objects.filter(recipient=zones.mentor.user, kind="meeting.rescheduled").exists()


def test_moving_onto_a_busy_time_is_refused_and_changes_nothing(zones: World):
    a = _book(zones, _next_weekday(0, 10, PARIS))
    b = _book(zones, a.starts_at + timedelta(hours=3))
    with pytest.raises(services.SlotTaken):
        services.reschedule_meeting(meeting=b, starts_at=a.starts_at, changed_by=zones.mentor.user)
    b.refresh_from_db()
    assert b.starts_at == a.starts_at + timedelta(hours=3) and b.attendees.filter(is_active=True).count() == 2


def test_free_slots_leave_out_booked_meetings(zones: World):
    start = _next_weekday(1, 0, "UTC")
    before = services.find_free_slots(mentorship=zones.mentorship, start=start, weeks=1)
    assert before
    taken = before[0]
    _book(zones, taken.starts_at)
    after = services.find_free_slots(mentorship=zones.mentorship, start=start, weeks=1)
    assert all(s.ends_at <= taken.starts_at or s.starts_at >= taken.ends_at for s in after)
    times = {t.timezone: t.starts_at.hour for t in before[0].member_times}
    assert times[PARIS] - times[NEW_YORK] == 6 or times[PARIS] - times[NEW_YORK] == 5


def test_the_calendar_feed_is_private_and_revocable(zones: World, client):
    meeting = _book(zones, _next_weekday(1, 15, PARIS))
    feed = services.feed_for(user=zones.mentee.user)
    response = client.get(reverse("calendar_feed:ics", args=[feed.token]))
    assert response.status_code == HTTPStatus.OK
    calendar = vobject.readOne(response.content.decode())
    assert calendar.vevent.uid.value == meeting.uid
    assert not hasattr(calendar, "method")
    services.revoke_feed(user=zones.mentee.user)
    assert client.get(reverse("calendar_feed:ics", args=[feed.token])).status_code == HTTPStatus.NOT_FOUND


def test_reminders_go_out_once_however_often_the_sweep_runs(zones: World):
    meeting = _book(zones, _next_weekday(1, 15, PARIS, days_ahead=3))
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=meeting.starts_at - timedelta(days=3))
    assert services.send_due_reminders(now=meeting.starts_at - timedelta(days=2)) == 0
    day_before = meeting.starts_at - timedelta(hours=23)
    assert services.send_due_reminders(now=day_before) == 2
    assert services.send_due_reminders(now=day_before + timedelta(minutes=5)) == 0
    services.set_reminder_preference(user=zones.mentee.user, minutes_before=[15], by_email=False)
    assert services.send_due_reminders(now=meeting.starts_at - timedelta(minutes=10)) == 2
    assert Notification.objects.filter(kind="meeting.reminder").count() == 4


def test_attendance_is_recorded_after_the_start(zones: World):
    meeting = _book(zones, _next_weekday(1, 15, PARIS))
    with pytest.raises(services.DomainError):
        services.record_attendance(meeting=meeting, happened=True, recorded_by=zones.mentee.user)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=2),
                                                 ends_at=timezone.now() - timedelta(hours=1))
    meeting.refresh_from_db()
    services.record_attendance(meeting=meeting, happened=True, note="Good talk", recorded_by=zones.mentee.user)
    assert Meeting.objects.get(pk=meeting.pk).happened is True


# --- Through the HTML views ---------------------------------------------------------------------

def test_find_a_time_shows_slots_in_the_viewers_zone_with_everyones_local_time(zones: World):
    response = client_for(zones.mentee).get(reverse("meetings:find", args=["acme", zones.mentorship.pk]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Book 09:00" in html or "Book 09:30" in html or "Book 10:00" in html  # New York local times
    assert "America/New_York" in html and "Europe/Paris" in html


def test_find_a_time_labels_each_person_with_their_own_clock(zones: World):
    """Issue 13: the other person's time was printed in the viewer's zone ("Chloé Thu 17:00" when her
    local time was 06:30). Each name now carries that person's own wall clock, DST included."""
    import re

    from mentora.meetings.services import find_free_slots

    start = (timezone.now() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    [first, *_rest] = find_free_slots(mentorship=zones.mentorship, start=start, weeks=4, duration_minutes=60)
    html = client_for(zones.mentee).get(reverse("meetings:find", args=["acme", zones.mentorship.pk])).content.decode()
    expected = " · ".join(f"{t.name} {t.starts_at.astimezone(zoneinfo.ZoneInfo(t.timezone)):%a %H:%M}"
                          for t in first.member_times)
    assert expected in html
    paris = first.starts_at.astimezone(zoneinfo.ZoneInfo(PARIS))
    new_york = first.starts_at.astimezone(zoneinfo.ZoneInfo(NEW_YORK))
    assert paris.strftime("%H:%M") != new_york.strftime("%H:%M")
    labels = re.findall(r'<span class="muted">([^<]*)</span></li>', html)
    assert labels and labels[0] == expected


def test_booking_through_the_form_and_a_clash_answers_422(zones: World):
    client = client_for(zones.mentee)
    starts_local = _next_weekday(1, 10, NEW_YORK).astimezone(zoneinfo.ZoneInfo(NEW_YORK))
    data = {"starts_at": starts_local.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60, "channel": "video",
            "location": "", "agenda": "", "interval_weeks": 0, "count": ""}
    url = reverse("meetings:book", args=["acme", zones.mentorship.pk])
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    meeting = Meeting.objects.get()
    assert meeting.starts_at == starts_local and meeting.timezone == NEW_YORK
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "already has a meeting" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_the_mentorship_page_shows_the_meetings_panel(zones: World):
    _book(zones, _next_weekday(1, 15, PARIS))
    member_page = client_for(zones.mentee).get(reverse("mentorships:home", args=["acme", zones.mentorship.pk]))
    assert "Find a time" in member_page.content.decode()
    coordinator_page = client_for(zones.coordinator).get(reverse("mentorships:home", args=["acme", zones.mentorship.pk]))
    assert "1 upcoming meeting" in coordinator_page.content.decode()
    assert "Find a time" not in coordinator_page.content.decode()


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Asia/Tokyo",
                                  "Europe/Dublin", "America/Santiago", "Pacific/Chatham", "UTC"])
def test_the_vtimezone_agrees_with_the_time_zone_database(zone: str):
    """Parsed by vobject, our VTIMEZONE gives the same UTC offset as zoneinfo every week for five years."""
    from mentora.meetings.ics import vtimezone

    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n" + vtimezone(zone).to_ical().decode() + "END:VCALENDAR\r\n"
    parsed = vobject.readOne(text).vtimezone.gettzinfo()
    reference = zoneinfo.ZoneInfo(zone)
    moment = datetime(timezone.now().year, 1, 1, 12)
    for _week in range(5 * 52):
        assert moment.replace(tzinfo=parsed).utcoffset() == moment.replace(tzinfo=reference).utcoffset(), (zone, moment)
        moment += timedelta(days=7)
