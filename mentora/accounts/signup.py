"""Sign-up that does not tell who has an account.

With email verification mandatory, allauth answers a sign-up for a taken address exactly like a
new one ("we sent you a link") and mails the owner instead. What still told them apart was time:
a new account hashes its password (~0.25 s), a taken address skipped that. Here both hash.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest


class SignupForm(AllauthSignupForm):  # type: ignore[misc]
    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")  # the same work as a new account
        return super().try_save(request)  # type: ignore[no-any-return]
