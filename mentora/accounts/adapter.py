"""allauth hooks: keep the full name in sync and honour pending invitations."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


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
