"""Video-room signalling: members of an open room meet each other and exchange WebRTC messages;
nobody else can join, and the room only opens shortly before the start."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from config.asgi import application
from mentora.meetings import services
from mentora.meetings.models import Meeting
from tests.conftest import World
from tests.test_messaging import receive_type, ws_headers

pytestmark = pytest.mark.django_db(transaction=True)


def _meeting(world: World, starts_in: timedelta) -> Meeting:
    meeting = services.book_meeting(mentorship=world.mentorship, booked_by=world.mentor.user,
                                    starts_at=timezone.now() + timedelta(days=1), timezone_name="UTC")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + starts_in,
                                                 ends_at=timezone.now() + starts_in + timedelta(hours=1))
    return meeting


def room_socket(meeting: Meeting, membership: Any) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/o/acme/meetings/{meeting.pk}/room/", headers=ws_headers(membership))


def test_two_members_find_each_other_and_relay_offers(world: World, settings):
    settings.MENTORA_STUN_SERVERS = ["stun:stun.example.org:3478"]
    meeting = _meeting(world, timedelta(minutes=5))
    mentor, mentee = room_socket(meeting, world.mentor), room_socket(meeting, world.mentee)

    async def scenario() -> dict[str, Any]:
        assert (await mentor.connect())[0]
        welcome = await receive_type(mentor, "welcome")
        assert (await mentee.connect())[0]
        mentee_welcome = await receive_type(mentee, "welcome")
        joined = await receive_type(mentor, "join")
        await mentor.send_json_to({"type": "signal", "to": joined["peer_id"], "data": {"sdp": {"type": "offer", "sdp": "v=0"}}})
        offer = await receive_type(mentee, "signal")
        await mentee.disconnect()
        left = await receive_type(mentor, "leave")
        await mentor.disconnect()
        return {"welcome": welcome, "mentee_welcome": mentee_welcome, "joined": joined, "offer": offer, "left": left}

    got = async_to_sync(scenario)()
    assert got["welcome"]["ice_servers"] == [{"urls": "stun:stun.example.org:3478"}]
    assert got["joined"]["peer_id"] == got["mentee_welcome"]["peer_id"]
    assert got["joined"]["name"] == world.mentee.user.display_name
    assert got["offer"]["from"] == got["welcome"]["peer_id"] and got["offer"]["data"]["sdp"]["type"] == "offer"
    assert got["left"]["peer_id"] == got["joined"]["peer_id"]


@pytest.mark.parametrize("who", ["coordinator", "admin", "member", "outsider", None])
def test_a_non_member_cannot_join_the_signalling(world: World, who: str | None):
    meeting = _meeting(world, timedelta(minutes=5))
    socket = room_socket(meeting, getattr(world, who) if who else None)

    async def scenario() -> bool:
        connected, _ = await socket.connect()
        await socket.disconnect()
        return connected

    assert async_to_sync(scenario)() is False


@pytest.mark.parametrize(("starts_in", "is_open"), [
    (timedelta(hours=1), False), (timedelta(minutes=9), True), (timedelta(hours=-1, minutes=-20), True),
    (timedelta(hours=-2), False),
])
def test_the_room_opens_ten_minutes_before_and_closes_half_an_hour_after(world: World, starts_in: timedelta, is_open: bool):
    meeting = _meeting(world, starts_in)
    socket = room_socket(meeting, world.mentee)

    async def scenario() -> bool:
        connected, _ = await socket.connect()
        await socket.disconnect()
        return connected

    assert async_to_sync(scenario)() is is_open


def test_a_signal_for_another_room_is_dropped(world: World):
    """A peer id from another room cannot be used to inject messages (the receiver checks the room)."""
    from mentora.messaging import realtime

    meeting = _meeting(world, timedelta(minutes=5))
    mentee = room_socket(meeting, world.mentee)

    async def scenario() -> bool:
        await mentee.connect()
        welcome = await receive_type(mentee, "welcome")
        await realtime.relay_to_peer(welcome["peer_id"], {"room": meeting.pk + 999, "from": "x", "name": "x", "data": {}})
        nothing = await mentee.receive_nothing(timeout=0.3)
        await mentee.disconnect()
        return nothing

    assert async_to_sync(scenario)() is True
