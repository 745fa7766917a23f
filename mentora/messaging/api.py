"""API: read and write a mentorship's conversation — the same services as the HTML views."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from mentora.core.api_access import api_membership, api_user
from mentora.core.api_pages import Pages
from mentora.core.api_responses import LIMITED_WRITE_ERRORS, READ_ERRORS
from mentora.core.markdown import render_markdown
from mentora.messaging import services
from mentora.messaging.access import access_conversation
from mentora.messaging.models import Message

router = Router(tags=["messaging"])


class MessageOut(Schema):
    id: int
    author_id: int | None
    author_name: str
    body: str
    body_html: str
    attachment_name: str
    created_at: datetime
    edited_at: datetime | None
    deleted: bool


class MessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=8000)


def _out(message: Message, blocked: set[int]) -> dict[str, Any]:
    hidden = message.author_id in blocked
    return {
        "id": message.pk, "author_id": message.author_id,
        "author_name": message.author.display_name if message.author else "",
        "body": "" if hidden else message.body, "body_html": "" if hidden else str(render_markdown(message.body)),
        "attachment_name": "" if hidden else message.attachment_name, "created_at": message.created_at,
        "edited_at": message.edited_at, "deleted": message.is_deleted,
    }


@router.get("/orgs/{org}/mentorships/{mentorship_id}/messages", response={200: list[MessageOut], **READ_ERRORS},
            summary="A conversation's messages (members only), newest last")
@paginate(Pages)
def list_messages(request: HttpRequest, org: str, mentorship_id: int, before: int | None = None) -> list[dict[str, Any]]:
    membership = api_membership(request, org)
    conversation = access_conversation(membership, mentorship_id)
    messages = conversation.messages.select_related("author").order_by("-pk")
    if before:
        messages = messages.filter(pk__lt=before)
    blocked = services.blocked_ids(membership.user, membership.organization)
    return [_out(m, blocked) for m in reversed(list(messages[:100]))]


@router.post("/orgs/{org}/mentorships/{mentorship_id}/messages", response={201: MessageOut, **LIMITED_WRITE_ERRORS},
             summary="Send a message")
def post_message(request: HttpRequest, org: str, mentorship_id: int, payload: MessageIn) -> Status[dict[str, Any]]:
    membership = api_membership(request, org)
    conversation = access_conversation(membership, mentorship_id)
    message = services.post_message(conversation=conversation, author=api_user(request), body=payload.body)
    return Status(201, _out(message, set()))
