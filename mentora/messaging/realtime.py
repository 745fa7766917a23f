"""Every realtime push in Mentora goes through this module, and only after the transaction commits.

Consumers subscribe to the groups named here; services call the `push_*` functions, which
queue a `group_send` with `transaction.on_commit`, so nobody is told about a row that was
rolled back (and a reader who reloads on the push finds the row). Payloads carry ids, not
content: each consumer re-reads and renders for its own user (blocks, "edit" buttons).

The video room's signalling is a relay between browsers (no database write), so it does not
wait for a commit; its helpers live here too so every group name and send is in one place.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

__all__ = [
    "conversation_group",
    "push_message",
    "push_read",
    "relay_to_peer",
    "room_broadcast",
    "room_group",
]

logger = logging.getLogger(__name__)


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def room_group(meeting_id: int) -> str:
    return f"room.{meeting_id}"


def _send_after_commit(group: str, payload: dict[str, Any]) -> None:
    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        # The write is committed: a push that cannot go out (Redis down) must not turn it into an
        # error response. Readers miss the live update; the page shows the message on reload.
        try:
            async_to_sync(layer.group_send)(group, payload)
        except Exception as error:  # any layer failure: the write stands
            logger.warning("realtime push to %s not sent (%s: %s)", group, type(error).__name__, error)

    transaction.on_commit(send)


def push_message(*, conversation_id: int, message_id: int, event: str) -> None:
    """A message was created, edited or deleted (`event`); members re-render it."""
    _send_after_commit(conversation_group(conversation_id),
                       {"type": "conversation.message", "message_id": message_id, "event": event})


def push_read(*, conversation_id: int, user_id: int, message_id: int) -> None:
    """Someone read up to a message (for "seen")."""
    _send_after_commit(conversation_group(conversation_id),
                       {"type": "conversation.read", "user_id": user_id, "message_id": message_id})


async def room_broadcast(meeting_id: int, payload: dict[str, Any]) -> None:
    """Tell everyone in a video room (join / leave)."""
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(room_group(meeting_id), {"type": "room.event", **payload})


async def relay_to_peer(channel_name: str, payload: dict[str, Any]) -> None:
    """Forward one signalling message (SDP offer/answer, ICE candidate) to one peer's connection."""
    layer = get_channel_layer()
    if layer is not None:
        await layer.send(channel_name, {"type": "room.signal", **payload})
