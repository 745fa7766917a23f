"""allauth hooks: keep the full name in sync, honour pending invitations, send mail through the outbox,
throttle failed sign-ins per (account, address) instead of locking the account for everyone."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from mentora.accounts import signin_throttle
from mentora.core import security_log
from mentora.core.outbox import queue_email


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Sign-up is open (people arrive by invitation link or with an imported address);
        # an account without a membership sees nothing of any organization.
        return True

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        pending = request.session.get("pending_invitation")
        if pending:
            from django.urls import reverse

            return reverse("accounts:invitation_accept", args=[pending])
        return str(super().get_login_redirect_url(request))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render the mail now, send it through the outbox: a mail server that is down never turns
        sign-up or password reset into an error (the outbox retries; admins see what failed)."""
        request = allauth_context.request
        message = self.render_mail(template_prefix, email, {
            "request": request, "email": email, "current_site": get_current_site(request), **context,
        })
        queue_email(message, label=f"Account email ({template_prefix.rsplit('/', 1)[-1]}) to {email}")

    # allauth's own "login_failed" limit counts per email, so five wrong passwords from anywhere lock the
    # owner out (settings turn it off); ours counts per (email, address) and per address.
    def _login(self, credentials: dict[str, Any]) -> str:
        return str(credentials.get("email") or credentials.get("username") or "")

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        login, ip = self._login(credentials), self.get_client_ip(request)
        wait = signin_throttle.wait_for(email=login, ip=ip)
        if wait:
            security_log.event("signin.throttled", login=login[:254], wait_seconds=wait)
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None:
            signin_throttle.succeeded(email=self._login(credentials), ip=self.get_client_ip(request))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        login = self._login(credentials)
        wait = signin_throttle.failed(email=login, ip=self.get_client_ip(request))
        security_log.event("signin.failure", login=login[:254], wait_seconds=wait or None)
