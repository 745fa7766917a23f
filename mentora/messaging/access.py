"""Who may read a conversation: its mentorship's current members only — never coordinators
(privacy); they see reported messages instead. All checks go through core.access."""

from __future__ import annotations

from django.http import Http404

from mentora.accounts.models import Membership
from mentora.core.access import access_mentorship, is_mentorship_member
from mentora.messaging.models import Conversation, Message
from mentora.messaging.services import conversation_for


def access_conversation(membership: Membership, mentorship_id: int) -> Conversation:
    mentorship = access_mentorship(membership, mentorship_id)
    if not is_mentorship_member(membership, mentorship):
        raise Http404
    return conversation_for(mentorship)


def access_message(membership: Membership, message_id: int) -> Message:
    message = (Message.objects.select_related("conversation__mentorship__program__organization", "author")
               .filter(pk=message_id, conversation__mentorship__program__organization=membership.organization).first())
    if message is None:
        raise Http404
    access_conversation(membership, message.conversation.mentorship_id)
    return message
