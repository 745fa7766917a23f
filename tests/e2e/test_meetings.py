"""Across time zones in the browser: find a time, book a recurring meeting, receive the invite (.ics
parsed back), cancel it (CANCEL), and meet in the video room with fake camera and microphone."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

import pytest
import vobject
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from mentora.meetings.models import Meeting
from mentora.profiles.models import AvailabilitySlot
from tests.conftest import World
from tests.e2e.conftest import VIEWPORT, assert_accessible, login, screenshot
from tests.e2e.live_asgi import AsgiServer, asgi_server  # noqa: F401 — the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zones(world: World) -> World:
    """The mentor works in Paris, the mentee in New York; both are free weekdays 09:00–17:00 local."""
    for membership, zone in ((world.mentor, "Europe/Paris"), (world.mentee, "America/New_York")):
        membership.profile.timezone = zone
        membership.profile.save()
        for day in range(5):
            AvailabilitySlot.objects.create(profile=membership.profile, weekday=day, start_minute=540, end_minute=1020)
    return world


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC").new_page()
    page.set_default_timeout(15_000)
    return page


def invites(server: AsgiServer, method: str) -> dict[str, vobject.base.Component]:
    """Recipient → parsed .ics of every captured email carrying a calendar with that METHOD."""
    found = {}
    for message in server.sent_emails():
        for part in message.walk():
            if part.get_filename() and part.get_filename().endswith(".ics"):
                calendar = vobject.readOne(part.get_payload(decode=True).decode())
                if calendar.method.value == method:
                    found[message["To"]] = calendar
    return found


def test_book_a_recurring_meeting_across_two_zones_then_cancel_it(browser: Browser, asgi_server: AsgiServer, zones: World):  # noqa: F811
    asgi_server.clear_emails()
    page = new_page(browser)
    login(page, asgi_server, "mentor@acme.test")
    page.goto(f"{asgi_server.url}/o/acme/mentorships/{zones.mentorship.pk}/")
    page.get_by_role("link", name="Find a time").click()
    expect(page.get_by_role("heading", name="Find a time", level=1)).to_be_visible()
    expect(page.get_by_text("America/New_York").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "find-a-time")

    # Paris 15:00 is New York 09:00 (or 10:00 in the weeks the two DST dates differ): the only overlap.
    first_slot = page.locator(".slot-list a").first
    expect(first_slot).to_contain_text("Book 1")
    first_slot.click()
    expect(page.get_by_role("heading", name="Book a meeting")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Repeat:").select_option(label="Every 2 weeks")
    page.get_by_label("Number of meetings (when repeating)").fill("6")
    page.get_by_role("button", name="Book and send invites").click()
    expect(page.get_by_role("status")).to_contain_text("Booked")
    expect(page.get_by_text("every 2 weeks, 6 times")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "meeting", phone=True)

    requests = invites(asgi_server, "REQUEST")
    assert set(requests) == {"mentor@acme.test", "mentee@acme.test"}
    event = requests["mentee@acme.test"].vevent
    assert event.rrule.value == "FREQ=WEEKLY;COUNT=6;INTERVAL=2"
    assert requests["mentee@acme.test"].vtimezone.tzid.value == "Europe/Paris"
    assert event.dtstart.value.astimezone(timezone.get_fixed_timezone(0)).hour in (13, 14)  # 15:00 Paris in UTC
    assert sorted(a.value for a in event.attendee_list) == ["mailto:mentee@acme.test", "mailto:mentor@acme.test"]
    uid = event.uid.value

    # Move the whole series an hour later from its first meeting: one updated invite per person
    # with every occurrence, each still at the same Paris wall-clock time across DST.
    asgi_server.clear_emails()
    first = Meeting.objects.filter(series__isnull=False).order_by("starts_at").first()
    assert first is not None
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    later = (first.starts_at.astimezone(paris) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("New start (your time)").fill(later)
    page.get_by_label("Reason (shared with the others)").first.fill("An hour later suits New York.")
    page.get_by_label("Also move the following meetings of this series").check()
    page.get_by_role("button", name="Move the meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Moved, with the following meetings of the series")
    assert_accessible(page)
    moved = list(Meeting.objects.filter(series=first.series).order_by("starts_at"))
    assert {m.starts_at.astimezone(paris).hour for m in moved} == {16} and {m.sequence for m in moved} == {1}
    updates = invites(asgi_server, "REQUEST")
    assert set(updates) == {"mentor@acme.test", "mentee@acme.test"}
    assert len(updates["mentee@acme.test"].vevent_list) == 6

    page.get_by_label("Reason (shared with the others)").last.fill("The program was rescheduled.")
    page.get_by_label("Cancel all remaining meetings of this series").check()
    page.get_by_role("button", name="Cancel the meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Cancelled")
    cancels = invites(asgi_server, "CANCEL")
    assert set(cancels) == {"mentor@acme.test", "mentee@acme.test"}
    assert cancels["mentee@acme.test"].vevent.uid.value == uid
    assert int(cancels["mentee@acme.test"].vevent.sequence.value) == 1  # the series itself never moved
    assert not Meeting.objects.filter(status="scheduled").exists()


def test_both_sides_join_the_video_room_and_see_each_other(browser: Browser, asgi_server: AsgiServer, world: World):  # noqa: F811
    from mentora.meetings.services import book_meeting

    meeting = book_meeting(mentorship=world.mentorship, booked_by=world.mentor.user,
                           starts_at=timezone.now() + timedelta(days=1), timezone_name="UTC")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + timedelta(minutes=5),
                                                 ends_at=timezone.now() + timedelta(minutes=65))
    pages = []
    for email in ("mentor@acme.test", "mentee@acme.test"):
        page = new_page(browser)
        login(page, asgi_server, email)
        page.goto(f"{asgi_server.url}/o/acme/meetings/{meeting.pk}/room/")
        page.get_by_role("button", name="Join with camera and microphone").click()
        pages.append(page)
    for page in pages:
        # Frames from the other side's fake camera are decoded and playing.
        page.wait_for_function(
            "() => { const v = document.querySelector('#remote-videos video');"
            " return v && v.videoWidth > 0 && v.currentTime > 0; }", timeout=20_000)
        expect(page.get_by_role("status")).to_contain_text("Connected with 1 other")
    frames = pages[1].evaluate("""async () => {
        const v = document.querySelector('#remote-videos video');
        const t0 = v.currentTime; await new Promise(r => setTimeout(r, 500)); return v.currentTime - t0; }""")
    assert frames > 0
    mic = pages[0].get_by_role("button", name="Microphone", exact=True)
    mic.click()
    expect(mic).to_have_attribute("aria-pressed", "false")
    assert_accessible(pages[0])
    # Screen share replaces the camera track for the other side (the picture turns from the fake
    # camera's 4:3 into the screen's shape), and stopping it brings the camera back. Shapes, not
    # sizes: WebRTC scales the picture down when the machine is busy.
    local_label = "() => document.querySelector('#local-video').srcObject.getVideoTracks()[0].label"
    remote_shape = ("() => { const v = document.querySelector('#remote-videos video');"
                    " return v.videoHeight ? Math.round(100 * v.videoWidth / v.videoHeight) : 0; }")
    camera_label = pages[0].evaluate(local_label)
    assert pages[1].evaluate(remote_shape) == 133
    share = pages[0].get_by_role("button", name="Share screen")
    share.click()
    expect(share).to_have_attribute("aria-pressed", "true")
    assert pages[0].evaluate(local_label) != camera_label
    pages[1].wait_for_function(f"() => ({remote_shape})() !== 133", timeout=20_000)
    share.click()
    expect(share).to_have_attribute("aria-pressed", "false")
    assert pages[0].evaluate(local_label) == camera_label
    pages[1].wait_for_function(f"() => ({remote_shape})() === 133", timeout=20_000)
    pages[1].get_by_role("button", name="Leave").click()
    expect(pages[0].locator("#remote-videos video")).to_have_count(0)
