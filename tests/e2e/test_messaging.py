"""Two people chat in real time in two browsers (websocket through Daphne), and see "Seen"; a voice
note recorded in one browser plays in the other."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from mentora.messaging.models import Message
from tests.conftest import World
from tests.e2e.conftest import VIEWPORT, assert_accessible, login, screenshot
from tests.e2e.live_asgi import AsgiServer, asgi_server  # noqa: F401 — the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_conversation(browser: Browser, server: AsgiServer, email: str, mentorship_id: int) -> Page:
    page = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC").new_page()
    page.set_default_timeout(15_000)
    login(page, server, email)
    page.goto(f"{server.url}/o/acme/mentorships/{mentorship_id}/conversation/")
    expect(page.locator("[data-chat][data-connected=true]")).to_be_attached()
    return page


def test_two_members_chat_in_real_time(browser: Browser, asgi_server: AsgiServer, world: World):  # noqa: F811
    mentor = open_conversation(browser, asgi_server, "mentor@acme.test", world.mentorship.pk)
    mentee = open_conversation(browser, asgi_server, "mentee@acme.test", world.mentorship.pk)
    assert_accessible(mentor)

    mentor.get_by_role("textbox", name="Message").fill("Hello from **Paris**! Ready for Thursday?")
    mentor.get_by_role("button", name="Send").click()

    log = mentee.get_by_role("log", name="Messages")
    expect(log).to_contain_text("Hello from Paris! Ready for Thursday?")
    expect(log.locator("strong", has_text="Paris")).to_be_visible()
    expect(mentor.locator("#seen")).to_contain_text("Seen by")

    mentee.get_by_role("textbox", name="Message").fill("Yes — see you then.")
    mentee.get_by_role("textbox", name="Message").press("Enter")
    expect(mentor.get_by_role("log", name="Messages")).to_contain_text("Yes — see you then.")
    expect(mentee.get_by_role("textbox", name="Message")).to_have_value("")
    assert_accessible(mentee)

    # The mentor deletes their message; it disappears live on the other side.
    mentor.get_by_role("button", name="Delete message").first.click()
    expect(log).to_contain_text("Message deleted.")
    expect(log).not_to_contain_text("Ready for Thursday?")


def test_a_voice_note_is_recorded_in_the_browser_and_plays_on_the_other_side(
        browser: Browser, asgi_server: AsgiServer, world: World):  # noqa: F811
    # Chromium runs with a fake microphone (a beep), granted without a prompt (tests/e2e/conftest.py).
    mentee = open_conversation(browser, asgi_server, "mentee@acme.test", world.mentorship.pk)
    mentor = open_conversation(browser, asgi_server, "mentor@acme.test", world.mentorship.pk)
    record = mentee.get_by_role("button", name="Record a voice note")
    record.click()
    stop = mentee.get_by_role("button", name="Stop and send the voice note")
    expect(stop).to_have_attribute("aria-pressed", "true")
    expect(mentee.locator("#voice-status")).to_contain_text("Recording… 2 s")
    assert_accessible(mentee)
    stop.click()
    expect(mentee.locator("#voice-status")).to_contain_text("Voice note sent.")
    expect(record).to_have_attribute("aria-pressed", "false")

    player = mentor.get_by_role("log", name="Messages").locator("audio[controls]")
    expect(player).to_have_count(1)
    # The recording is a real WebM file the server accepted by its content, and it plays.
    message = Message.objects.get(attachment_name="voice-note.webm")
    assert message.attachment_type == "audio/webm" and message.attachment_size > 1000
    duration = player.evaluate("""(audio) => new Promise((resolve) => {
        audio.preload = "auto";
        audio.addEventListener("loadedmetadata", () => resolve(audio.duration), { once: true });
        audio.addEventListener("error", () => resolve(-1), { once: true });
        audio.load();
    })""")
    assert duration != -1
    assert_accessible(mentor)


def test_a_file_sent_in_the_conversation_appears_live_and_downloads(
        browser: Browser, asgi_server: AsgiServer, world: World):  # noqa: F811
    mentee = open_conversation(browser, asgi_server, "mentee@acme.test", world.mentorship.pk)
    mentor = open_conversation(browser, asgi_server, "mentor@acme.test", world.mentorship.pk)
    mentee.get_by_label("Attach a file").set_input_files(
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
    mentee.get_by_role("button", name="Send").click()
    link = mentor.get_by_role("log", name="Messages").get_by_role("link", name="Attachment: plan.pdf (15 bytes)")
    expect(link).to_be_visible()
    expect(mentee.get_by_label("Attach a file")).to_have_value("")  # the form was reset after sending
    with mentor.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "plan.pdf"
    # A file whose content is not what its name says is refused with the reason, and nothing is sent.
    mentee.get_by_label("Attach a file").set_input_files(
        files=[{"name": "evil.pdf", "mimeType": "application/pdf", "buffer": b"<script>alert(1)</script>"}])
    mentee.get_by_role("button", name="Send").click()
    expect(mentee.locator("#chat-error")).to_contain_text("does not match its type")
    assert Message.objects.filter(attachment_name="evil.pdf").count() == 0
    assert_accessible(mentee)


# The websocket to the server fails (Redis behind the channel layer down, a proxy that drops
# upgrades) while window.__liveDown is true: the page's sockets go to a path the server refuses
# (same origin, so the page's Content-Security-Policy lets the attempt through, as a real one).
LIVE_DOWN = """
window.__liveDown = true;
const RealWebSocket = window.WebSocket;
window.WebSocket = function (url, protocols) {
  return new RealWebSocket(window.__liveDown ? url.replace("/ws/", "/ws-down/") : url, protocols);
};
window.WebSocket.prototype = RealWebSocket.prototype;
Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
"""


def test_when_live_updates_are_down_the_chat_says_so_still_sends_and_catches_up(
    browser: Browser, asgi_server: AsgiServer, world: World,  # noqa: F811
):
    mentee = open_conversation(browser, asgi_server, "mentee@acme.test", world.mentorship.pk)
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC")
    context.add_init_script(LIVE_DOWN)
    mentor = context.new_page()
    mentor.set_default_timeout(15_000)
    login(mentor, asgi_server, "mentor@acme.test")
    mentor.goto(f"{asgi_server.url}/o/acme/mentorships/{world.mentorship.pk}/conversation/")

    notice = mentor.get_by_role("status").filter(has_text="Live updates are paused")
    expect(notice).to_be_visible(timeout=10_000)  # after 3 s without a connection, not at the first blip
    expect(notice.get_by_role("link", name="Reload")).to_be_visible()
    assert_accessible(mentor)
    screenshot(mentor, "chat-paused", phone=True)

    # Sending still works without the socket: the form posts and the page reloads with the message.
    mentor.get_by_role("textbox", name="Message").fill("Sent while live updates were down")
    mentor.get_by_role("button", name="Send").click()
    expect(mentor.get_by_role("log", name="Messages")).to_contain_text("Sent while live updates were down")
    expect(mentee.get_by_role("log", name="Messages")).to_contain_text("Sent while live updates were down")

    # The mentee writes while the mentor's page is still cut off: it cannot arrive live...
    expect(notice).to_be_visible(timeout=10_000)
    mentee.get_by_role("textbox", name="Message").fill("Got it, thanks!")
    mentee.get_by_role("button", name="Send").click()
    expect(mentee.get_by_role("log", name="Messages")).to_contain_text("Got it, thanks!")
    expect(mentor.get_by_role("log", name="Messages")).not_to_contain_text("Got it, thanks!")

    # ...and when the connection is back, the notice goes and what was missed appears, no reload.
    mentor.evaluate("window.__liveDown = false")
    expect(mentor.locator("[data-chat][data-connected=true]")).to_be_attached(timeout=40_000)
    expect(notice).to_be_hidden()
    expect(mentor.get_by_role("log", name="Messages")).to_contain_text("Got it, thanks!")
    assert Message.objects.filter(conversation__mentorship=world.mentorship).count() == 2
    context.close()
