"""The video room's signalling websocket: members of the meeting's mentorship exchange WebRTC
offers, answers and ICE candidates; media flows browser to browser (peer-to-peer).

Checked on connect and on every message: the session's user is a current member and the room
is open (from a few minutes before the start until a while after the end). Each connection holds a
`RoomSeat`: one per person (joining from a new window closes the old one) and at most
ROOM_CAPACITY people per room — a peer-to-peer mesh beyond that overloads everyone's uplink.
Browsers ping every 30 s; a seat not seen for SEAT_TIMEOUT (a crashed worker's) is given up.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from mentora.core.access import get_membership, needs_mfa_setup
from mentora.meetings.access import access_meeting
from mentora.meetings.models import Meeting, RoomSeat
from mentora.messaging import realtime
from mentora.messaging.consumers import db

CLOSE_NOT_FOUND = 4404
CLOSE_REPLACED = 4409
CLOSE_FULL = 4429
MAX_SIGNAL_BYTES = 64_000
ROOM_CAPACITY = 8
SEAT_TIMEOUT = timedelta(seconds=90)


class VideoRoomConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    meeting_id: int | None = None

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        self.org_slug, requested = str(kwargs["org"]), int(kwargs["meeting_id"])
        self.meeting_id = requested if await self._authorise(requested) else None
        if self.meeting_id is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        admitted, replaced = await self._take_seat(self.meeting_id)
        if not admitted:
            self.meeting_id = None
            await self.accept()
            await self.send_json({"type": "full", "capacity": ROOM_CAPACITY})
            await self.close(code=CLOSE_FULL)
            return
        for channel in replaced:
            await self.channel_layer.send(channel, {"type": "room.replaced"})
        await self.channel_layer.group_add(realtime.room_group(self.meeting_id), self.channel_name)
        await self.accept()
        from mentora.meetings.views import ice_servers

        await self.send_json({"type": "welcome", "peer_id": self.channel_name, "ice_servers": ice_servers()})
        await realtime.room_broadcast(self.meeting_id, {"event": "join", "peer_id": self.channel_name, "name": self.name})

    async def disconnect(self, code: int) -> None:
        if self.meeting_id is not None:
            await self._leave_seat()
            await self.channel_layer.group_discard(realtime.room_group(self.meeting_id), self.channel_name)
            await realtime.room_broadcast(self.meeting_id, {"event": "leave", "peer_id": self.channel_name, "name": self.name})

    @db
    def _take_seat(self, meeting_id: int) -> tuple[bool, list[str]]:
        """Seat this connection: (admitted, the same person's older connections to close)."""
        user = self.scope["user"]
        with transaction.atomic():
            list(Meeting.objects.select_for_update().filter(pk=meeting_id))  # one join at a time per room
            seats = RoomSeat.objects.filter(meeting_id=meeting_id)
            seats.filter(seen_at__lt=timezone.now() - SEAT_TIMEOUT).delete()
            mine = list(seats.filter(user=user).values_list("channel_name", flat=True))
            if seats.exclude(user=user).count() >= ROOM_CAPACITY:
                return False, []
            seats.filter(user=user).delete()
            RoomSeat.objects.create(meeting_id=meeting_id, user=user, channel_name=self.channel_name)
        return True, mine

    @db
    def _leave_seat(self) -> None:
        RoomSeat.objects.filter(channel_name=self.channel_name).delete()

    @db
    def _touch_seat(self) -> None:
        RoomSeat.objects.filter(channel_name=self.channel_name).update(seen_at=timezone.now())

    @db
    def _authorise(self, meeting_id: int) -> bool:
        try:
            membership = get_membership(self.scope.get("user"), self.org_slug)
            meeting = access_meeting(membership, meeting_id)
        except Http404:
            return False
        if needs_mfa_setup(membership):  # as on the pages: their organization asks for two-step sign-in first
            return False
        self.name = membership.user.display_name
        return meeting.room_is_open()

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.meeting_id is None or not await self._authorise(self.meeting_id):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if isinstance(content, dict) and content.get("type") == "ping":
            await self._touch_seat()
            return
        if not isinstance(content, dict) or content.get("type") != "signal":
            return
        target, data = content.get("to"), content.get("data")
        if not isinstance(target, str) or not isinstance(data, dict) or len(str(data)) > MAX_SIGNAL_BYTES:
            return
        # The receiving consumer drops it unless it is in the same room (see room_signal).
        await realtime.relay_to_peer(target, {"room": self.meeting_id, "from": self.channel_name, "name": self.name,
                                              "data": data})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        if text_data is not None and len(text_data) > MAX_SIGNAL_BYTES:
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)

    # --- events from mentora.messaging.realtime ---------------------------------------------

    async def room_event(self, event: dict[str, Any]) -> None:
        if event["peer_id"] != self.channel_name:
            await self.send_json({"type": event["event"], "peer_id": event["peer_id"], "name": event["name"]})

    async def room_replaced(self, event: dict[str, Any]) -> None:
        """The same person joined from another window: this connection leaves the room now (the
        others drop it at once; its seat went to the new window)."""
        meeting_id, self.meeting_id = self.meeting_id, None
        if meeting_id is not None:
            await self.channel_layer.group_discard(realtime.room_group(meeting_id), self.channel_name)
            await realtime.room_broadcast(meeting_id, {"event": "leave", "peer_id": self.channel_name, "name": self.name})
        await self.send_json({"type": "replaced"})
        await self.close(code=CLOSE_REPLACED)

    async def room_signal(self, event: dict[str, Any]) -> None:
        if event.get("room") == self.meeting_id:
            await self.send_json({"type": "signal", "from": event["from"], "name": event["name"], "data": event["data"]})
