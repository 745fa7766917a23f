from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_messages(context: template.Context) -> int:
    """Unread messages across the viewer's conversations in the current organization (one query set)."""
    from mentora.messaging.services import total_unread

    membership = context.get("current_membership")
    if membership is None:
        return 0
    value: Any = total_unread(user=membership.user, organization=membership.organization)
    return int(value)
