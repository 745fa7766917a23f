"""allauth hooks: keep the full name in sync, honour pending invitations, send mail through the outbox."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

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
