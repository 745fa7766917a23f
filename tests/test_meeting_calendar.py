"""A meeting's .ics download and the calendar feed name meetings exactly as the emailed invites do,
so a calendar that has both shows each meeting once (parsed back with the icalendar library)."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from mentora.meetings import services
from mentora.meetings.models import Meeting
from tests.conftest import World, client_for
from tests.test_meetings import PARIS, _book, _next_weekday, in_two_zones


@pytest.fixture
def zones(world: World) -> World:
    return in_two_zones(world)


def _events(body: bytes) -> list:
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


def _key(event) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    recurrence = event.get("recurrence-id")
    return str(event["uid"]), recurrence.dt if recurrence is not None else None


def _emailed(method: str) -> list:
    found = []
    for message in mail.outbox:
        for name, content, _mimetype in message.attachments:
            if name.endswith(".ics"):
                calendar = Calendar.from_ical(content)
                if str(calendar["method"]) == method:
                    found += list(calendar.walk("VEVENT"))
    return found


def _feed(world: World, client) -> list:  # type: ignore[no-untyped-def]
    feed = services.feed_for(user=world.mentee.user)
    return _events(client.get(reverse("calendar_feed:ics", args=[feed.token])).content)


def test_a_single_meeting_has_one_uid_in_the_invite_the_feed_and_the_download(zones: World, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _book(zones, _next_weekday(1, 15, PARIS))
    invite = _emailed("REQUEST")[0]
    feed = _feed(zones, client)
    download = client_for(zones.mentee).get(reverse("meetings:ics", args=["acme", meeting.pk]))
    assert download.status_code == HTTPStatus.OK and download["Content-Type"].startswith("text/calendar")
    assert "attachment" in download["Content-Disposition"]
    assert "METHOD" not in download.content.decode()
    [downloaded] = _events(download.content)
    assert _key(invite) == _key(feed[0]) == _key(downloaded) == (meeting.uid, None)
    assert invite["sequence"] == feed[0]["sequence"] == downloaded["sequence"] == 0

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_meeting(meeting=meeting, starts_at=meeting.starts_at + timedelta(hours=1),
                                    changed_by=zones.mentor.user, reason="Clash")
    update, [moved] = _emailed("REQUEST")[0], _feed(zones, client)
    assert _key(update) == _key(moved) == (meeting.uid, None)
    assert update["sequence"] == moved["sequence"] == 1
    assert moved["dtstart"].dt == update["dtstart"].dt


def test_a_series_in_the_feed_is_the_invites_master_and_occurrences(zones: World, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _book(zones, _next_weekday(0, 10, PARIS), interval_weeks=1, count=4)
    series = meeting.series
    master_invite = _emailed("REQUEST")[0]
    feed = _feed(zones, client)
    masters = [e for e in feed if e.get("recurrence-id") is None]
    assert len(masters) == 1 and _key(masters[0]) == _key(master_invite) == (series.uid, None)
    assert masters[0]["rrule"] == master_invite["rrule"] and masters[0]["sequence"] == master_invite["sequence"]
    assert masters[0]["dtstart"].dt == master_invite["dtstart"].dt
    occurrences = {e.get("recurrence-id").dt: e for e in feed if e.get("recurrence-id") is not None}
    assert set(occurrences) == set(Meeting.objects.filter(series=series).values_list("recurrence_id", flat=True))
    assert {str(e["uid"]) for e in feed} == {series.uid}  # never a made-up per-occurrence UID

    # Moving one occurrence: the invite and the feed address it by the same UID + RECURRENCE-ID and SEQUENCE.
    second = Meeting.objects.filter(series=series).order_by("starts_at")[1]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_meeting(meeting=second, starts_at=second.starts_at + timedelta(hours=2),
                                    changed_by=zones.mentee.user, reason="Workshop")
    update = _emailed("REQUEST")[0]
    feed = _feed(zones, client)
    override = next(e for e in feed if _key(e) == _key(update))
    assert override["sequence"] == update["sequence"] == 1
    assert override["dtstart"].dt == update["dtstart"].dt

    # Cancelling another: the invite cancels UID + RECURRENCE-ID; the feed excludes that date.
    third = Meeting.objects.filter(series=series).order_by("recurrence_id")[2]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting=third, cancelled_by=zones.mentor.user)
    cancel = _emailed("CANCEL")[0]
    feed = _feed(zones, client)
    master = next(e for e in feed if e.get("recurrence-id") is None)
    excluded = [d.dt for d in master["exdate"].dts] if not isinstance(master["exdate"], list) else [
        d.dt for x in master["exdate"] for d in x.dts]
    assert cancel["recurrence-id"].dt in excluded
    assert _key(cancel) not in {_key(e) for e in feed}


def test_the_download_is_for_the_meetings_members_only(zones: World):
    meeting = _book(zones, _next_weekday(1, 15, PARIS))
    url = reverse("meetings:ics", args=["acme", meeting.pk])
    for outsider in (zones.coordinator, zones.admin, zones.member):
        assert client_for(outsider).get(url).status_code == HTTPStatus.NOT_FOUND
    assert client_for(zones.outsider).get(reverse("meetings:ics", args=["globex", meeting.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client_for(zones.mentor).get(url).status_code == HTTPStatus.OK
    assert client_for(zones.mentor).get(reverse("meetings:ics", args=["acme", 987654])).status_code == HTTPStatus.NOT_FOUND


def test_the_meeting_page_and_list_offer_the_download(zones: World):
    meeting = _book(zones, _next_weekday(1, 15, PARIS))
    url = reverse("meetings:ics", args=["acme", meeting.pk])
    client = client_for(zones.mentee)
    assert url in client.get(reverse("meetings:detail", args=["acme", meeting.pk])).content.decode()
    assert url in client.get(reverse("meetings:list", args=["acme"])).content.decode()


def test_the_feed_runs_a_fixed_number_of_queries(zones: World, client):
    feed = services.feed_for(user=zones.mentee.user)
    url = reverse("calendar_feed:ics", args=[feed.token])
    _book(zones, _next_weekday(0, 10, PARIS), interval_weeks=1, count=3)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(captured)

    small = queries()
    _book(zones, _next_weekday(0, 14, PARIS), interval_weeks=1, count=6)
    _book(zones, _next_weekday(2, 9, PARIS))
    assert queries() == small
