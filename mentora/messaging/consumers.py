"""The conversation websocket: live messages, "seen", and sending without a page load.

Authenticated by the session (AuthMiddlewareStack) behind AllowedHostsOriginValidator; the
person's membership is checked on connect, on every message they send, and before every push
is rendered for them — someone removed from a mentorship stops receiving at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404
from django.utils import timezone

from mentora.core.access import get_membership, needs_mfa_setup, viewer_zone
from mentora.core.errors import DomainError
from mentora.core.middleware import has_control_characters
from mentora.messaging import realtime, services
from mentora.messaging.access import access_conversation
from mentora.messaging.models import Message
from mentora.messaging.rendering import render_message

CLOSE_NOT_FOUND = 4404
P = ParamSpec("P")
R = TypeVar("R")


def db(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """channels' database_sync_to_async (closes stale connections), typed."""
    wrapped: Callable[P, Awaitable[R]] = database_sync_to_async(function)
    return wrapped


class ConversationConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    conversation_id: int | None = None

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        self.org_slug, self.mentorship_id = str(kwargs["org"]), int(kwargs["mentorship_id"])
        self.conversation_id = await self._authorise()
        if self.conversation_id is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.group = realtime.conversation_group(self.conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.conversation_id is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    @db
    def _authorise(self) -> int | None:
        """The conversation id if the connected user is (still) a current member; else None."""
        try:
            membership = get_membership(self.scope.get("user"), self.org_slug)
            conversation = access_conversation(membership, self.mentorship_id)
        except Http404:
            return None
        if needs_mfa_setup(membership):  # as on the pages: their organization asks for two-step sign-in first
            return None
        self.user, self.organization = membership.user, membership.organization
        # Pushed messages are rendered here, per reader: in the reader's zone, as the page is.
        self.zone = viewer_zone(membership)
        return conversation.pk

    def _conversation_id(self) -> int:
        assert self.conversation_id is not None
        return self.conversation_id

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if await self._authorise() != self.conversation_id:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        action = content.get("action") if isinstance(content, dict) else None
        try:
            if action == "send":
                body = str(content.get("body", ""))[:10000]
                if has_control_characters(body):  # the websocket's edge, as InputGuardMiddleware is HTTP's
                    await self.send_json({"type": "error", "message": "Messages cannot contain control characters."})
                    return
                await self._send(body)
            elif action == "read":
                await self._read(content.get("message_id"))
            else:
                await self.send_json({"type": "error", "message": "Unknown action."})
        except DomainError as error:
            await self.send_json({"type": "error", "message": error.message})

    @db
    def _send(self, body: str) -> None:
        from mentora.messaging.models import Conversation

        services.post_message(conversation=Conversation.objects.select_related("mentorship").get(pk=self._conversation_id()),
                              author=self.user, body=body)

    @db
    def _read(self, message_id: Any) -> None:
        from mentora.messaging.models import Conversation

        upto = int(message_id) if isinstance(message_id, int | str) and str(message_id).isdigit() else None
        services.mark_read(conversation=Conversation.objects.get(pk=self._conversation_id()), user=self.user, message_id=upto)

    # --- pushes from mentora.messaging.realtime ---------------------------------------------

    async def conversation_message(self, event: dict[str, Any]) -> None:
        html = await self._render(int(event["message_id"]))
        if html is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.send_json({"type": "message", "id": event["message_id"], "event": event["event"], "html": html})

    @db
    def _render(self, message_id: int) -> str | None:
        message = Message.objects.select_related("author", "conversation").filter(pk=message_id).first()
        if message is None or not services.is_member(self.user, message.conversation):
            return None
        with timezone.override(self.zone):
            return render_message(message, viewer=self.user,
                                  blocked=services.blocked_ids(self.user, self.organization), org_slug=self.org_slug)

    async def conversation_read(self, event: dict[str, Any]) -> None:
        if event["user_id"] == self.user.pk:
            return
        seen = await self._seen()
        await self.send_json({"type": "seen", "names": seen})

    @db
    def _seen(self) -> list[str]:
        from mentora.messaging.models import Conversation

        conversation = Conversation.objects.get(pk=self._conversation_id())
        last_own = conversation.messages.filter(author=self.user).order_by("-pk").first()
        return services.seen_by(conversation, last_own) if last_own else []
