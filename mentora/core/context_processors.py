"""Template context: the organizations the user belongs to and the current membership."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def organizations(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return {
        "current_membership": membership,
        "current_org": membership.organization if membership else None,
    }
