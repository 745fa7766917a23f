"""Template context: the organizations the user belongs to and the current membership."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def organizations(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    unread = 0
    if membership is not None:
        from mentora.notifications.services import unread_count

        unread = unread_count(user_id=membership.user_id, organization_id=membership.organization_id)
    return {
        "current_membership": membership,
        "current_org": membership.organization if membership else None,
        "unread_notifications": unread,
    }
