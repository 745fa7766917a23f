"""Moving a meeting with the following occurrences of its series: wall-clock shift across DST,
all-or-none against clashes, cancelled occurrences left alone, one invite with every moved one
(parsed back with vobject, not the library that wrote it)."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from mentora.meetings import services
from mentora.meetings.models import Meeting, MeetingStatus
from tests.conftest import World, client_for
from tests.test_meetings import PARIS, _book, _invites, _next_weekday, in_two_zones

TZ = zoneinfo.ZoneInfo(PARIS)


@pytest.fixture
def zones(world: World) -> World:
    return in_two_zones(world)


def _weekly_series_across_spring_dst(world: World, count: int = 4) -> list[Meeting]:
    """Tuesdays 10:00 Paris from mid-March next year: the clocks change in between."""
    year = datetime.now(UTC).year + 1
    first = datetime(year, 3, 10, 10, tzinfo=TZ)
    while first.weekday() != 1:
        first += timedelta(days=1)
    meeting = _book(world, first.astimezone(UTC), interval_weeks=1, count=count)
    return list(Meeting.objects.filter(series=meeting.series).order_by("recurrence_id"))


def _local(meeting: Meeting) -> tuple[int, int, int]:
    local = meeting.starts_at.astimezone(TZ)
    return local.weekday(), local.hour, local.minute


def test_the_following_occurrences_move_by_the_same_wall_clock_shift(zones: World, django_capture_on_commit_callbacks):
    rows = _weekly_series_across_spring_dst(zones)
    second = rows[1]
    new_start = (second.starts_at.astimezone(TZ) + timedelta(days=2, hours=4, minutes=30)).astimezone(UTC)  # Thu 14:30
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_meeting(meeting=second, starts_at=new_start, duration_minutes=45, changed_by=zones.mentee.user,
                                    reason="Tuesdays are gone", following=True)
    after = list(Meeting.objects.filter(series=second.series).order_by("recurrence_id"))
    assert _local(after[0]) == (1, 10, 0)  # the first one stays
    assert [_local(m) for m in after[1:]] == [(3, 14, 30)] * 3  # 14:30 local before and after the change
    assert len({m.starts_at.astimezone(UTC).hour for m in after[1:]}) == 2
    assert all(m.duration == timedelta(minutes=45) and m.sequence == 1 for m in after[1:])
    assert all(m.attendees.filter(is_active=True).count() == 2 for m in after)
    assert after[0].sequence == 0

    # One message per person (not one per occurrence) with each moved occurrence as an override.
    assert len(mail.outbox) == 2
    invite = _invites("REQUEST")[0]
    events = sorted(invite.vevent_list, key=lambda e: e.recurrence_id.value)
    assert [e.recurrence_id.value.astimezone(UTC) for e in events] == [m.recurrence_id for m in after[1:]]
    assert [e.dtstart.value.astimezone(UTC) for e in events] == [m.starts_at for m in after[1:]]
    assert {e.uid.value for e in events} == {after[0].uid}
    assert "Tuesdays are gone" in mail.outbox[0].body and "following meeting(s)" in mail.outbox[0].body


def test_only_this_meeting_moves_without_following(zones: World):
    rows = _weekly_series_across_spring_dst(zones)
    services.reschedule_meeting(meeting=rows[1], starts_at=rows[1].starts_at + timedelta(hours=2), changed_by=zones.mentor.user)
    after = list(Meeting.objects.filter(series=rows[0].series).order_by("recurrence_id"))
    assert [_local(m)[1] for m in after] == [10, 12, 10, 10]


def test_one_clash_refuses_the_whole_move(zones: World):
    rows = _weekly_series_across_spring_dst(zones)
    # Another meeting where the last occurrence would land (same weekday and hour, two hours later).
    blocker = _book(zones, rows[3].starts_at + timedelta(hours=2))
    with pytest.raises(services.SlotTaken):
        services.reschedule_meeting(meeting=rows[1], starts_at=rows[1].starts_at + timedelta(hours=2),
                                    changed_by=zones.mentor.user, following=True)
    after = list(Meeting.objects.filter(series=rows[0].series).order_by("recurrence_id"))
    assert [(m.starts_at, m.sequence) for m in after] == [(m.starts_at, 0) for m in rows]
    assert all(m.attendees.filter(is_active=True).count() == 2 for m in after)
    assert blocker.attendees.filter(is_active=True).count() == 2


def test_cancelled_occurrences_stay_where_they_were(zones: World):
    rows = _weekly_series_across_spring_dst(zones)
    services.cancel_meeting(meeting=rows[2], cancelled_by=zones.mentor.user)
    services.reschedule_meeting(meeting=rows[1], starts_at=rows[1].starts_at + timedelta(hours=1),
                                changed_by=zones.mentor.user, following=True)
    after = {m.pk: m for m in Meeting.objects.filter(series=rows[0].series)}
    assert after[rows[2].pk].status == MeetingStatus.CANCELLED and after[rows[2].pk].starts_at == rows[2].starts_at
    assert _local(after[rows[3].pk])[1] == 11 and _local(after[rows[1].pk])[1] == 11


def test_the_meeting_page_offers_it_only_for_a_series_with_later_meetings(zones: World):
    rows = _weekly_series_across_spring_dst(zones, count=2)
    client = client_for(zones.mentor)
    page = client.get(reverse("meetings:detail", args=["acme", rows[0].pk])).content.decode()
    assert "Also move the following meetings of this series" in page
    page = client.get(reverse("meetings:detail", args=["acme", rows[1].pk])).content.decode()
    assert "Also move the following meetings of this series" not in page
    single = _book(zones, _next_weekday(0, 10, PARIS))
    assert "Also move the following" not in client.get(reverse("meetings:detail", args=["acme", single.pk])).content.decode()


def test_the_move_form_moves_the_following_meetings(zones: World):
    rows = _weekly_series_across_spring_dst(zones, count=3)
    local = (rows[0].starts_at.astimezone(zoneinfo.ZoneInfo(PARIS)) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    client = client_for(zones.mentor)  # the mentor's zone is Paris
    response = client.post(reverse("meetings:reschedule", args=["acme", rows[0].pk]),
                           {"starts_at": local, "duration_minutes": 60, "reason": "", "following": "on"})
    assert response.status_code == 302
    assert [_local(m)[1] for m in Meeting.objects.filter(series=rows[0].series).order_by("recurrence_id")] == [13, 13, 13]


def test_an_outsider_cannot_move_a_series(zones: World):
    rows = _weekly_series_across_spring_dst(zones, count=2)
    response = client_for(zones.member).post(reverse("meetings:reschedule", args=["acme", rows[0].pk]),
                                             {"starts_at": "2030-01-01T10:00", "duration_minutes": 60, "following": "on"})
    assert response.status_code == 404
    assert [m.starts_at for m in Meeting.objects.filter(series=rows[0].series).order_by("recurrence_id")] == [
        m.starts_at for m in rows]


def test_the_api_moves_a_series_and_refuses_outsiders(zones: World):
    rows = _weekly_series_across_spring_dst(zones, count=3)
    new_start = (rows[0].starts_at + timedelta(hours=1)).isoformat()
    outsider = client_for(zones.member).post(f"/api/orgs/acme/meetings/{rows[0].pk}/move",
                                             {"starts_at": new_start, "following": True}, content_type="application/json")
    assert outsider.status_code == 404
    response = client_for(zones.mentee).post(f"/api/orgs/acme/meetings/{rows[0].pk}/move",
                                             {"starts_at": new_start, "following": True}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert [m["id"] for m in response.json()] == [m.pk for m in rows]
    assert [_local(m)[1] for m in Meeting.objects.filter(series=rows[0].series).order_by("recurrence_id")] == [11, 11, 11]
    past = client_for(zones.mentee).post(f"/api/orgs/acme/meetings/{rows[0].pk}/move",
                                         {"starts_at": "2020-01-01T10:00:00+00:00"}, content_type="application/json")
    assert past.status_code == 422 and past.json()["field"] == "starts_at"
