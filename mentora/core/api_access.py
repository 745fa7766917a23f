"""Access helpers for the API: same rules as the HTML views, through core.access."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja.errors import HttpError

from mentora.accounts.models import Membership
from mentora.core.access import get_membership, needs_mfa_setup


def api_membership(request: HttpRequest, org: str, *, role: str | None = None) -> Membership:
    membership = get_membership(api_user(request), org)
    if role == "coordinator" and not membership.is_coordinator:
        raise Http404
    if role == "admin" and not membership.is_admin:
        raise Http404
    if needs_mfa_setup(membership):
        raise HttpError(403, f"{membership.organization.name} requires two-step sign-in for admins and "
                             "coordinators: turn it on at /accounts/2fa/ and try again.")
    return membership


def api_user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "pk", None) else request.user
