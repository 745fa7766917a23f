"""Access-matrix entries for two-step sign-in (django-allauth's MFA pages under /accounts/2fa/).

Each person manages only their own: every page is for signed-in people; a passkey id that is not
theirs answers 404 like a missing one. The people in the matrix have not set up two-step sign-in, so
what needs it (turning the app off, recovery codes) is missing (404), and the pages that change it
ask them to confirm their password first (a redirect, before any passkey is looked up)."""

from tests.access_cases import MISSING, OK, REDIRECT, ROLES, Case

SIGNED_IN = ROLES[1:]


def _everyone(status: int) -> dict[str, int]:
    return {"anonymous": REDIRECT, **dict.fromkeys(SIGNED_IN, status)}


CASES: list[Case] = [
    Case("mfa_index", lambda w: [], _everyone(OK)),
    # The code step of signing in exists only half-way through a sign-in; otherwise back to the sign-in page.
    Case("mfa_authenticate", lambda w: [], _everyone(REDIRECT)),
    Case("mfa_reauthenticate", lambda w: [], _everyone(REDIRECT)),
    Case("mfa_activate_totp", lambda w: [], _everyone(REDIRECT)),
    Case("mfa_deactivate_totp", lambda w: [], _everyone(MISSING)),
    Case("mfa_view_recovery_codes", lambda w: [], _everyone(MISSING)),
    Case("mfa_generate_recovery_codes", lambda w: [], _everyone(REDIRECT)),
    Case("mfa_download_recovery_codes", lambda w: [], _everyone(MISSING)),
    Case("mfa_list_webauthn", lambda w: [], _everyone(OK)),
    Case("mfa_add_webauthn", lambda w: [], _everyone(REDIRECT)),
    Case("mfa_reauthenticate_webauthn", lambda w: [], _everyone(REDIRECT)),
    Case("mfa_remove_webauthn", lambda w: [999999], _everyone(REDIRECT)),
    Case("mfa_remove_webauthn", lambda w: [999999], _everyone(REDIRECT), "post"),
    Case("mfa_edit_webauthn", lambda w: [999999], _everyone(REDIRECT)),
]
