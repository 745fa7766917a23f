"""One message as HTML for one viewer (used by the page and by the websocket consumer)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from mentora.core.markdown import render_markdown
from mentora.messaging.models import Message


def message_context(message: Message, *, viewer: Any, blocked: set[int], org_slug: str) -> dict[str, Any]:
    return {
        "message": message, "org_slug": org_slug, "is_own": message.author_id == viewer.pk,
        "is_blocked": message.author_id in blocked, "can_edit": message.is_editable_by(viewer),
        "body_html": render_markdown(message.body) if message.body else "",
    }


def render_message(message: Message, *, viewer: Any, blocked: set[int], org_slug: str) -> str:
    return render_to_string("messaging/_message.html", message_context(message, viewer=viewer, blocked=blocked, org_slug=org_slug))
