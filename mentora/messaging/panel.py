"""The messages section of the mentorship home page (members only: coordinators never read conversations)."""

from __future__ import annotations

from typing import Any

from mentora.core.access import is_mentorship_member
from mentora.messaging import services


def messages_panel_context(membership: Any, mentorship: Any) -> dict[str, Any] | None:
    if not is_mentorship_member(membership, mentorship):
        return None
    conversation = services.conversation_for(mentorship)
    unread = services.unread_counts(user=membership.user, conversations=[conversation], organization=membership.organization)
    return {"mentorship": mentorship, "unread": unread.get(conversation.pk, 0)}
