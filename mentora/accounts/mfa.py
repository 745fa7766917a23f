"""Two-step sign-in (django-allauth's MFA): wrong codes throttled like wrong passwords, and every
change or use of a second step written to the security log.

After the password, allauth asks for a code from the person's authenticator app or one of their
recovery codes. allauth counts wrong codes with its "login_failed" limit, which Mentora turns off
(it locks an account for everyone, see signin_throttle); so the code step uses our throttle, per
(account, address) with exponential backoff, on a count of its own: a correct password clears the
password count, and must not buy five more guesses at the code.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import (
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
    authenticator_used,
)
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from cryptography.fernet import Fernet, MultiFernet
from django import forms
from django.conf import settings
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from mentora.accounts import signin_throttle
from mentora.core import security_log


def _throttle_key(user: Any) -> str:
    return f"mfa-code:{user.pk}"


def _plain_code_field(field: forms.Field, label: Any) -> None:
    """A code box phones open with the number pad and fill from the authenticator app."""
    field.label = label
    field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": ""})


class ActivateTOTPForm(AllauthActivateTOTPForm):  # type: ignore[misc]
    """Setting up the app: the first code it shows confirms it was set up right."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_code_field(self.fields["code"], _("Code the app shows"))


class ThrottledCodeMixin(forms.Form):
    """Refuse codes while a wait runs (without checking them); count each wrong one."""

    user: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_code_field(self.fields["code"], _("Code"))

    def clean_code(self) -> str:
        request = allauth_context.request
        ip = get_account_adapter().get_client_ip(request)
        key = _throttle_key(self.user)
        wait = signin_throttle.wait_for(email=key, ip=ip)
        if wait:
            security_log.event("mfa.throttled", user=self.user, wait_seconds=wait)
            raise get_account_adapter().validation_error("too_many_login_attempts")
        try:
            code: str = super().clean_code()  # type: ignore[misc]
        except forms.ValidationError:
            wait = signin_throttle.failed(email=key, ip=ip)
            security_log.event("mfa.failure", user=self.user, wait_seconds=wait or None)
            raise
        signin_throttle.succeeded(email=key, ip=ip)
        return code


class AuthenticateForm(ThrottledCodeMixin, AllauthAuthenticateForm):  # type: ignore[misc]
    """The code asked for after the password."""


class ReauthenticateForm(ThrottledCodeMixin, AllauthReauthenticateForm):  # type: ignore[misc]
    """The code asked for before a sensitive change (turning two-step sign-in off, new recovery codes)."""


# --- The security log hears of every change and use (never the secret or the code) ---

@receiver(authenticator_added, dispatch_uid="mentora_mfa_added")
def _added(sender: Any, request: Any, user: Any, authenticator: Authenticator, **kwargs: Any) -> None:
    security_log.event("mfa.enabled", user=user, kind=authenticator.type, authenticator_id=authenticator.pk)


@receiver(authenticator_removed, dispatch_uid="mentora_mfa_removed")
def _removed(sender: Any, request: Any, user: Any, authenticator: Authenticator, **kwargs: Any) -> None:
    security_log.event("mfa.disabled", user=user, kind=authenticator.type, authenticator_id=authenticator.pk)


@receiver(authenticator_reset, dispatch_uid="mentora_mfa_reset")
def _reset(sender: Any, request: Any, user: Any, authenticator: Authenticator, **kwargs: Any) -> None:
    security_log.event("mfa.recovery_codes_regenerated", user=user, authenticator_id=authenticator.pk)


@receiver(authenticator_used, dispatch_uid="mentora_mfa_used")
def _used(sender: Any, request: Any, user: Any, authenticator: Authenticator, **kwargs: Any) -> None:
    name = "mfa.recovery_code_used" if authenticator.type == Authenticator.Type.RECOVERY_CODES else "mfa.used"
    security_log.event(name, user=user, kind=authenticator.type,
                       reauthenticated=1 if kwargs.get("reauthenticated") else None)



ENCRYPTED = "enc1:"


def _keys() -> list[Fernet]:
    """One Fernet key per secret key, current first: rotating SECRET_KEY with the old one kept in
    SECRET_KEY_FALLBACKS leaves every authenticator app working."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"mentora.mfa|{secret}".encode()).digest()))
            for secret in secrets]


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """The authenticator app's key and the recovery codes' seed encrypted at rest (a copy of the
    database or a backup does not give away anyone's codes); plain names for passkeys (allauth
    suggests "Master key", "Backup key")."""

    def encrypt(self, text: str) -> str:
        return ENCRYPTED + _keys()[0].encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(ENCRYPTED):
            return encrypted_text  # stored before encryption at rest existed
        return MultiFernet(_keys()).decrypt(encrypted_text[len(ENCRYPTED):].encode()).decode()

    def generate_authenticator_name(self, user: Any, type: Authenticator.Type) -> str:
        count = Authenticator.objects.filter(user_id=user.pk, type=type).count()
        return str(_("My passkey")) if count == 0 else str(_("Passkey %(n)d") % {"n": count + 1})
