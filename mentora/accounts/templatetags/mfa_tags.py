"""What the two-step sign-in pages need to know beyond allauth's context."""

from __future__ import annotations

from typing import Any

from django import template

from mentora.core.access import organizations_requiring_mfa

register = template.Library()


@register.simple_tag(takes_context=True)
def organizations_asking_for_mfa(context: template.Context) -> list[Any]:
    """The organizations that require two-step sign-in of the viewer (they are an admin or coordinator there)."""
    request = context.get("request")
    return organizations_requiring_mfa(getattr(request, "user", None))


@register.simple_tag
def has_passkey(user: Any) -> bool:
    """True when `user` added a passkey or security key (the sign-in step offers it then)."""
    from allauth.mfa.models import Authenticator

    return bool(getattr(user, "pk", None)) and Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.WEBAUTHN).exists()
