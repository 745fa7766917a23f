"""The meetings API and URL coverage: every meetings/messaging URL has an access-matrix entry."""

from __future__ import annotations

from datetime import timedelta

from django.urls import get_resolver
from django.utils import timezone

from tests.conftest import World, client_for
from tests.test_access_matrix import CASES, _url_names

MY_NAMESPACES = ("meetings:", "messaging:", "calendar_feed:")


def test_every_meetings_and_messaging_url_has_an_access_entry():
    names = {n for n in _url_names(get_resolver()) if n.startswith(MY_NAMESPACES)}
    assert names, "no URLs found"
    assert names - {case.name for case in CASES} == set()


def test_booking_and_cancelling_through_the_api(world: World):
    client = client_for(world.mentee)
    starts_at = (timezone.now() + timedelta(days=4)).replace(microsecond=0)
    response = client.post(f"/api/orgs/acme/mentorships/{world.mentorship.pk}/meetings",
                           {"starts_at": starts_at.isoformat(), "timezone": "America/New_York"}, content_type="application/json")
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert meeting["timezone"] == "America/New_York" and meeting["status"] == "scheduled"
    clash = client.post(f"/api/orgs/acme/mentorships/{world.mentorship.pk}/meetings",
                        {"starts_at": starts_at.isoformat()}, content_type="application/json")
    assert clash.status_code == 409
    assert [m["id"] for m in client.get("/api/orgs/acme/meetings").json()["items"]] == [meeting["id"]]
    cancelled = client.post(f"/api/orgs/acme/meetings/{meeting['id']}/cancel", {"reason": "ill"},
                            content_type="application/json")
    assert cancelled.json()[0]["status"] == "cancelled"


def test_free_slots_through_the_api(world: World):
    from mentora.profiles.models import AvailabilitySlot

    for membership in (world.mentor, world.mentee):
        for day in range(7):
            AvailabilitySlot.objects.create(profile=membership.profile, weekday=day, start_minute=600, end_minute=720)
    slots = client_for(world.mentor).get(f"/api/orgs/acme/mentorships/{world.mentorship.pk}/free-slots?weeks=1").json()["items"]
    assert slots and {t["timezone"] for t in slots[0]["member_times"]} == {"Europe/Paris"}
