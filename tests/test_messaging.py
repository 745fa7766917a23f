"""Conversations: live over websockets (session auth, Origin, membership), history, unread and seen,
Markdown, edit/delete window, attachments, digests, block and report. Pushes only after commit."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.asgi import application
from mentora.accounts.models import Membership
from mentora.core.errors import DomainError
from mentora.messaging import services
from mentora.messaging.models import Message, Report
from mentora.notifications.models import Notification
from tests.conftest import World, client_for

ORIGIN = (b"origin", b"http://127.0.0.1")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def ws_headers(membership: Membership | None, *, origin: bool = True) -> list[tuple[bytes, bytes]]:
    headers = [ORIGIN] if origin else []
    if membership is not None:
        client = Client()
        client.force_login(membership.user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return headers


def conversation_socket(world: World, membership: Membership | None, **kwargs: Any) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/o/acme/conversations/{world.mentorship.pk}/",
                                 headers=ws_headers(membership, **kwargs))


async def receive_type(socket: WebsocketCommunicator, kind: str, timeout: float = 3) -> dict[str, Any]:
    while True:
        data: dict[str, Any] = await socket.receive_json_from(timeout=timeout)
        if data["type"] == kind:
            return data


@pytest.mark.django_db(transaction=True)
def test_a_message_sent_over_the_socket_appears_live_for_the_other_member(world: World):
    mentor, mentee = conversation_socket(world, world.mentor), conversation_socket(world, world.mentee)

    async def scenario() -> dict[str, Any]:
        assert (await mentor.connect())[0] and (await mentee.connect())[0]
        await mentor.send_json_to({"action": "send", "body": "Hello **there** <script>alert(1)</script>"})
        received = await receive_type(mentee, "message")
        echoed = await receive_type(mentor, "message")
        await mentor.disconnect()
        await mentee.disconnect()
        return {"received": received, "echoed": echoed}

    result = async_to_sync(scenario)()
    html = result["received"]["html"]
    assert "<strong>there</strong>" in html and "<script" not in html
    assert "Report" in html and "Edit" not in html  # the mentee may report, not edit
    assert "Edit" in result["echoed"]["html"]  # the author may edit
    assert Message.objects.get().body.startswith("Hello")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["coordinator", "admin", "member", "outsider", None])
def test_only_current_members_can_open_the_conversation_socket(world: World, who: str | None):
    """Coordinators too are refused: they never read conversations."""
    socket = conversation_socket(world, getattr(world, who) if who else None)

    async def scenario() -> bool:
        connected, _code = await socket.connect()
        await socket.disconnect()
        return connected

    assert async_to_sync(scenario)() is False


@pytest.mark.django_db(transaction=True)
def test_a_socket_without_an_allowed_origin_is_refused(world: World):
    socket = conversation_socket(world, world.mentee, origin=False)

    async def scenario() -> bool:
        connected, _code = await socket.connect()
        return connected

    assert async_to_sync(scenario)() is False


@pytest.mark.django_db(transaction=True)
def test_a_member_who_leaves_is_cut_off_at_their_next_message(world: World):
    socket = conversation_socket(world, world.mentee)

    async def scenario() -> Any:
        assert (await socket.connect())[0]
        from channels.db import database_sync_to_async

        await database_sync_to_async(
            lambda: world.mentorship.members.filter(membership=world.mentee).update(left_at=timezone.now()))()
        await socket.send_json_to({"action": "send", "body": "still here?"})
        return await socket.receive_output(timeout=3)

    output = async_to_sync(scenario)()
    assert output["type"] == "websocket.close"
    assert not Message.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_pushes_go_out_only_after_commit(world: World):
    """A message written in a transaction that rolls back is never pushed; a committed one is."""
    conversation = services.conversation_for(world.mentorship)

    socket = conversation_socket(world, world.mentee)

    async def scenario() -> list[dict[str, Any]]:
        from channels.db import database_sync_to_async

        assert (await socket.connect())[0]

        def rolled_back() -> None:
            with transaction.atomic():
                services.post_message(conversation=conversation, author=world.mentor.user, body="never")
                transaction.set_rollback(True)

        await database_sync_to_async(rolled_back)()
        assert await socket.receive_nothing(timeout=0.3)
        await database_sync_to_async(services.post_message)(conversation=conversation, author=world.mentor.user, body="kept")
        got = [await receive_type(socket, "message")]
        await socket.disconnect()
        return got

    got = async_to_sync(scenario)()
    assert "kept" in got[0]["html"]
    assert list(Message.objects.values_list("body", flat=True)) == ["kept"]


@pytest.mark.django_db(transaction=True)
def test_reading_tells_the_author_seen(world: World):
    mentor, mentee = conversation_socket(world, world.mentor), conversation_socket(world, world.mentee)

    async def scenario() -> dict[str, Any]:
        await mentor.connect()
        await mentee.connect()
        await mentor.send_json_to({"action": "send", "body": "Did you read the article?"})
        message = await receive_type(mentee, "message")
        await mentee.send_json_to({"action": "read", "message_id": message["id"]})
        seen = await receive_type(mentor, "seen")
        await mentor.disconnect()
        await mentee.disconnect()
        return seen

    assert async_to_sync(scenario)()["names"] == [world.mentee.user.display_name]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_message_crosses_two_workers_on_the_redis_layer(world: World, redis_url: str, settings):
    """Two consumers on two separate Redis channel-layer instances (as in two ASGI workers)."""
    import importlib

    from channels.layers import channel_layers

    import config.settings.base as base_settings
    from mentora.messaging.consumers import ConversationConsumer

    # The channel layer exactly as production configures it when REDIS_URL is set.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REDIS_URL", redis_url)
        production = importlib.reload(base_settings).CHANNEL_LAYERS
    importlib.reload(base_settings)
    layer = {**production["default"], "CONFIG": {**production["default"]["CONFIG"], "prefix": "mentora-test"}}
    settings.CHANNEL_LAYERS = {"default": layer, "worker2": layer}
    channel_layers.backends.clear()

    class SecondWorkerConsumer(ConversationConsumer):
        channel_layer_alias = "worker2"

    from channels.auth import AuthMiddlewareStack
    from channels.routing import URLRouter
    from django.urls import path

    second_worker = AuthMiddlewareStack(URLRouter([
        path("ws/o/<slug:org>/conversations/<int:mentorship_id>/", SecondWorkerConsumer.as_asgi())]))

    sender = conversation_socket(world, world.mentor)
    receiver = WebsocketCommunicator(second_worker, f"/ws/o/acme/conversations/{world.mentorship.pk}/",
                                     headers=ws_headers(world.mentee))

    async def scenario() -> dict[str, Any]:
        assert (await sender.connect())[0] and (await receiver.connect())[0]
        # Idle longer than the layer's 5 s blocking pop: the sockets must survive it (redis-py 8).
        await asyncio.sleep(6)
        await sender.send_json_to({"action": "send", "body": "across workers"})
        got = await receive_type(receiver, "message", timeout=5)
        await sender.disconnect()
        await receiver.disconnect()
        return got

    try:
        assert "across workers" in async_to_sync(scenario)()["html"]
    finally:
        channel_layers.backends.clear()


@pytest.fixture
def redis_url() -> str:
    """Redis for the cross-worker test: skipped when absent, a failure when MENTORA_REQUIRE_SERVICES=1."""
    from tests.test_services import REDIS_URL, REQUIRED, _redis_reachable

    problem = _redis_reachable()
    if problem:
        if REQUIRED:
            pytest.fail(f"Redis is required (MENTORA_REQUIRE_SERVICES=1) but not reachable at {REDIS_URL}: {problem}")
        pytest.skip(f"Redis not reachable at {REDIS_URL} ({problem}); set MENTORA_REDIS_URL or start redis-server")
    return REDIS_URL


# --- Services and pages (no sockets) --------------------------------------------------------------

def _post(world: World, who: Membership, body: str = "hi", **kwargs: Any) -> Message:
    return services.post_message(conversation=services.conversation_for(world.mentorship), author=who.user, body=body, **kwargs)


def test_history_unread_counts_and_marking_read(world: World):
    for text in ("one", "two", "three"):
        _post(world, world.mentor, text)
    conversation = services.conversation_for(world.mentorship)
    assert services.unread_counts(user=world.mentee.user, conversations=[conversation], organization=world.org) == {conversation.pk: 3}
    assert services.total_unread(user=world.mentor.user, organization=world.org) == 0  # own messages are read
    page = client_for(world.mentee).get(reverse("messaging:conversation", args=["acme", world.mentorship.pk]))
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert html.index("one") < html.index("two") < html.index("three")
    assert services.total_unread(user=world.mentee.user, organization=world.org) == 0  # opening the thread reads it


def test_the_nav_shows_the_unread_badge(world: World):
    _post(world, world.mentor)
    html = client_for(world.mentee).get(reverse("meetings:list", args=["acme"])).content.decode()
    assert "data-unread-messages" in html


def test_authors_edit_and_delete_their_own_messages_for_a_while(world: World, settings):
    message = _post(world, world.mentor, "Typo hre")
    with pytest.raises(DomainError):
        services.edit_message(message=message, editor=world.mentee.user, body="hijack")
    services.edit_message(message=message, editor=world.mentor.user, body="Typo here")
    message.refresh_from_db()
    assert message.body == "Typo here" and message.edited_at is not None
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=settings.MENTORA_MESSAGE_EDIT_MINUTES + 1))
    message.refresh_from_db()
    with pytest.raises(services.MessageLocked):
        services.delete_message(message=message, deleter=world.mentor.user)
    fresh = _post(world, world.mentor, "oops")
    services.delete_message(message=fresh, deleter=world.mentor.user)
    fresh.refresh_from_db()
    assert fresh.is_deleted and fresh.body == ""


def test_attachments_are_size_and_type_checked_and_served_to_members_only(world: World, settings):
    message = _post(world, world.mentor, "", attachment=SimpleUploadedFile("plan.png", PNG, content_type="image/png"))
    assert message.attachment_type == "image/png" and message.attachment_size == len(PNG)
    with pytest.raises(DomainError, match="does not match"):
        _post(world, world.mentor, "", attachment=SimpleUploadedFile("evil.png", b"<html><script>", content_type="image/png"))
    with pytest.raises(DomainError, match="cannot be attached"):
        _post(world, world.mentor, "", attachment=SimpleUploadedFile("run.exe", b"MZ....", content_type="application/octet-stream"))
    settings.MENTORA_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(DomainError, match="up to"):
        _post(world, world.mentor, "", attachment=SimpleUploadedFile("big.txt", b"x" * 11, content_type="text/plain"))
    url = reverse("messaging:attachment", args=["acme", message.pk])
    response = client_for(world.mentee).get(url)
    assert response.status_code == HTTPStatus.OK and response.content == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(world.coordinator).get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_voice_note_plays_inline_and_other_files_download(world: World):
    webm = b"\x1a\x45\xdf\xa3" + b"\x00" * 64
    note = _post(world, world.mentee, "", attachment=SimpleUploadedFile("voice-note.webm", webm, content_type="audio/webm"))
    doc = _post(world, world.mentee, "", attachment=SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain"))
    client = client_for(world.mentor)
    played = client.get(reverse("messaging:attachment", args=["acme", note.pk]))
    assert played["Content-Type"] == "audio/webm" and played["Content-Disposition"].startswith("inline")
    assert client.get(reverse("messaging:attachment", args=["acme", doc.pk]))["Content-Disposition"].startswith("attachment")
    page = client.get(reverse("messaging:conversation", args=["acme", world.mentorship.pk])).content.decode()
    assert page.count("<audio controls") == 1 and "Record a voice note" in page
    with pytest.raises(DomainError):  # not WebM inside
        _post(world, world.mentee, "", attachment=SimpleUploadedFile("fake.webm", b"RIFF....", content_type="audio/webm"))


def test_sending_a_file_through_the_form(world: World):
    client = client_for(world.mentee)
    url = reverse("messaging:send", args=["acme", world.mentorship.pk])
    response = client.post(url, {"body": "my notes", "attachment": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")})
    assert response.status_code == HTTPStatus.FOUND
    assert Message.objects.get().attachment_name == "notes.txt"
    bad = client.post(url, {"body": ""}, HTTP_ACCEPT="application/json")
    assert bad.status_code == HTTPStatus.UNPROCESSABLE_ENTITY


def test_unread_messages_are_emailed_once_after_the_persons_delay(world: World, mailoutbox):
    message = _post(world, world.mentor, "Are you free on Thursday?")
    services.set_digest_delay(user=world.mentee.user, minutes=60)
    assert services.send_due_digests(now=timezone.now() + timedelta(minutes=30)) == 0
    later = timezone.now() + timedelta(minutes=61)
    assert services.send_due_digests(now=later) == 1
    assert services.send_due_digests(now=later) == 0
    digest = Notification.objects.get(kind="message.digest")
    assert digest.recipient == world.mentee.user and "Are you free on Thursday?" in digest.body
    # Read messages and people who opted out get nothing.
    _post(world, world.mentee, "Yes")
    services.set_digest_delay(user=world.mentor.user, minutes=0)
    assert services.send_due_digests(now=later + timedelta(hours=2)) == 0
    assert message.pk


def test_blocking_hides_messages_and_digests(world: World):
    services.block_person(blocker=world.mentee.user, blocked=world.mentor.user, organization=world.org)
    _post(world, world.mentor, "you cannot see me")
    html = client_for(world.mentee).get(reverse("messaging:conversation", args=["acme", world.mentorship.pk])).content.decode()
    assert "you cannot see me" not in html and "you blocked this person" in html
    assert services.total_unread(user=world.mentee.user, organization=world.org) == 0
    assert services.send_due_digests(now=timezone.now() + timedelta(days=1)) == 0


def test_coordinators_see_reported_messages_but_never_the_conversation(world: World):
    _post(world, world.mentee, "private context")
    bad = _post(world, world.mentor, "something inappropriate")
    response = client_for(world.mentee).post(reverse("messaging:report", args=["acme", bad.pk]), {"reason": "Not OK"})
    assert response.status_code == HTTPStatus.FOUND
    report = Report.objects.get()
    assert report.message_body == "something inappropriate"
    assert Notification.objects.filter(recipient=world.coordinator.user, kind="message.reported").exists()
    coordinator = client_for(world.coordinator)
    reports_page = coordinator.get(reverse("messaging:reports", args=["acme"])).content.decode()
    assert "something inappropriate" in reports_page and "private context" not in reports_page
    assert coordinator.get(reverse("messaging:conversation", args=["acme", world.mentorship.pk])).status_code == HTTPStatus.NOT_FOUND
    home = coordinator.get(reverse("mentorships:home", args=["acme", world.mentorship.pk])).content.decode()
    assert "private context" not in home and "Open the conversation" not in home
    coordinator.post(reverse("messaging:resolve_report", args=["acme", report.pk]), {"resolution": "Talked to them"})
    assert Report.objects.get().resolved_at is not None


def test_a_closed_mentorship_keeps_its_history_read_only(world: World):
    from mentora.mentorships.services import transition_mentorship

    _post(world, world.mentor, "thanks for everything")
    transition_mentorship(mentorship=world.mentorship, to_status="completed", actor=world.coordinator.user)
    world.mentorship.refresh_from_db()
    with pytest.raises(DomainError):
        _post(world, world.mentor, "one more")
    html = client_for(world.mentee).get(reverse("messaging:conversation", args=["acme", world.mentorship.pk])).content.decode()
    assert "thanks for everything" in html and "read-only" in html


def test_the_messages_api(world: World):
    client = client_for(world.mentee)
    url = f"/api/orgs/acme/mentorships/{world.mentorship.pk}/messages"
    assert client.post(url, {"body": "via *API*"}, content_type="application/json").status_code == 201
    listed = client.get(url).json()["items"]
    assert listed[0]["body_html"] == "<p>via <em>API</em></p>"
    assert client_for(world.coordinator).get(url).status_code == 404


def test_wait_helper_is_not_flaky():
    """Guard: asyncio is importable in the sync test process (no running loop left behind)."""
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
