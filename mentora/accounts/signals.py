"""Sign-in bookkeeping: a fresh session starts its timeout clocks; the security log hears of it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from mentora.accounts.middleware import mark_signed_in
from mentora.core import security_log


@receiver(user_logged_in, dispatch_uid="mentora_signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mark_signed_in(request)
    security_log.event("signin.success", user=user)


@receiver(user_logged_out, dispatch_uid="mentora_signed_out")
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        security_log.event("signout", user=user)
