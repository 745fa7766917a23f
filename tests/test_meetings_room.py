"""Video-room signalling: members of an open room meet each other and exchange WebRTC messages;
nobody else can join, the room only opens shortly before the start, holds at most eight people,
and one window per person."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
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


def _circle_meeting(world: World, people: int) -> tuple[Meeting, list[Any]]:
    """A circle of `people` (a facilitator and mentees) with a meeting whose room is open."""
    from mentora.mentorships.services import create_mentorship
    from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory

    program = ProgramFactory(organization=world.org, form="circle", circle_size_max=people)
    members = [MembershipFactory(organization=world.org) for _ in range(people)]
    EnrollmentFactory(program=program, membership=members[0], role="mentor", capacity=people)
    circle = create_mentorship(program=program, created_by=world.coordinator.user,
                               members=[(members[0], "facilitator"), *[(m, "mentee") for m in members[1:]]])
    meeting = services.book_meeting(mentorship=circle, booked_by=members[0].user,
                                    starts_at=timezone.now() + timedelta(days=1), timezone_name="UTC")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + timedelta(minutes=5),
                                                 ends_at=timezone.now() + timedelta(minutes=65))
    return meeting, members


def test_a_room_holds_eight_people_and_the_ninth_is_told_it_is_full(world: World):
    from mentora.meetings.consumers import CLOSE_FULL, ROOM_CAPACITY
    from mentora.meetings.models import RoomSeat

    meeting, members = _circle_meeting(world, ROOM_CAPACITY + 1)
    sockets = [room_socket(meeting, m) for m in members]
    again = room_socket(meeting, members[ROOM_CAPACITY])

    async def scenario() -> tuple[list[bool], dict[str, Any], dict[str, Any], bool]:
        joined = []
        for socket in sockets[:ROOM_CAPACITY]:
            joined.append((await socket.connect())[0])
            await receive_type(socket, "welcome")
        ninth = sockets[ROOM_CAPACITY]
        await ninth.connect()
        full = await ninth.receive_json_from(timeout=3)
        closed = await ninth.receive_output(timeout=3)
        # Someone leaves: the ninth person gets in.
        await sockets[0].disconnect()
        admitted = (await again.connect())[0] and (await receive_type(again, "welcome"))["type"] == "welcome"
        for socket in [*sockets[1:ROOM_CAPACITY], again]:
            await socket.disconnect()
        return joined, full, closed, admitted

    joined, full, closed, admitted = async_to_sync(scenario)()
    assert joined == [True] * ROOM_CAPACITY
    assert full == {"type": "full", "capacity": ROOM_CAPACITY}
    assert closed == {"type": "websocket.close", "code": CLOSE_FULL}
    assert admitted
    assert not RoomSeat.objects.exists()  # every seat freed on disconnect


def test_joining_from_a_second_window_closes_the_first(world: World):
    from mentora.meetings.consumers import CLOSE_REPLACED
    from mentora.meetings.models import RoomSeat

    meeting = _meeting(world, timedelta(minutes=5))
    first, second, mentor = room_socket(meeting, world.mentee), room_socket(meeting, world.mentee), room_socket(meeting, world.mentor)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], str, str, int]:
        await mentor.connect()
        await receive_type(mentor, "welcome")
        await first.connect()
        old = (await receive_type(first, "welcome"))["peer_id"]
        await second.connect()
        await receive_type(second, "welcome")
        replaced = await receive_type(first, "replaced")
        closed = await first.receive_output(timeout=3)
        left = await receive_type(mentor, "leave")  # the mentor drops the old window's connection
        seats = await database_sync_to_async(RoomSeat.objects.filter(meeting=meeting).count)()
        for socket in (second, mentor):
            await socket.disconnect()
        return replaced, closed, left["peer_id"], old, seats

    replaced, closed, left_peer, old_peer, seats = async_to_sync(scenario)()
    assert replaced == {"type": "replaced"}
    assert closed == {"type": "websocket.close", "code": CLOSE_REPLACED}
    assert left_peer == old_peer
    assert seats == 2


def test_a_seat_not_seen_for_a_while_is_given_up(world: World):
    """A worker that died without closing its sockets leaves seats behind; they expire, and a ping keeps a live one."""
    from mentora.meetings.consumers import ROOM_CAPACITY, SEAT_TIMEOUT
    from mentora.meetings.models import RoomSeat

    meeting, members = _circle_meeting(world, ROOM_CAPACITY + 1)
    stale = timezone.now() - SEAT_TIMEOUT - timedelta(seconds=1)
    for index, member in enumerate(members[:ROOM_CAPACITY]):
        RoomSeat.objects.create(meeting=meeting, user=member.user, channel_name=f"dead.{index}", seen_at=stale)
    late = room_socket(meeting, members[ROOM_CAPACITY])

    async def scenario() -> tuple[bool, bool]:
        connected = (await late.connect())[0] and (await receive_type(late, "welcome"))["type"] == "welcome"
        before = await database_sync_to_async(lambda: RoomSeat.objects.get(user=members[ROOM_CAPACITY].user).seen_at)()
        await late.send_json_to({"type": "ping"})
        await late.receive_nothing(timeout=0.3)
        after = await database_sync_to_async(lambda: RoomSeat.objects.get(user=members[ROOM_CAPACITY].user).seen_at)()
        await late.disconnect()
        return connected, after > before

    connected, pinged = async_to_sync(scenario)()
    assert connected and pinged
    assert not RoomSeat.objects.filter(channel_name__startswith="dead.").exists()
