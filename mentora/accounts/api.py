"""API: who am I, and bearer-token authentication."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import HttpBearer

from mentora.accounts.models import ApiToken, Membership, User, hash_token
from mentora.core import security_log
from mentora.core.api_access import api_user
from mentora.core.api_responses import READ_ERRORS

router = Router(tags=["accounts"])


LAST_USED_PRECISION = timedelta(minutes=5)  # "last used" is rewritten at most this often


class TokenAuth(HttpBearer):
    """A personal token that has not expired, of an active user; every use goes to the security log."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = ApiToken.objects.usable().select_related("user").filter(key_hash=hash_token(token)).first()
        if found is None:
            security_log.event("token.refused")
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        security_log.event("token.used", user=found.user, token_id=found.pk)
        return found.user


class MembershipOut(Schema):
    organization: str
    organization_name: str
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    memberships: list[MembershipOut]


@router.get("/me", response={200: MeOut, **READ_ERRORS}, summary="The signed-in user and their organizations")
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = api_user(request)
    memberships = Membership.objects.for_user(user).select_related("organization")
    return {
        "id": user.pk, "email": user.email, "full_name": user.full_name,
        "memberships": [
            {"organization": m.organization.slug, "organization_name": m.organization.name, "role": m.role}
            for m in memberships
        ],
    }
