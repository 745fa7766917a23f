"""Local development: the embedded defaults (SQLite, in-memory channels, in-process worker)."""

import os

from .base import *

DEBUG = True
# Verification stays mandatory in dev too (the link is printed on the console): with it optional, a
# sign-up for a taken address must say so, which tells anyone who has an account.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("MENTORA_EMAIL_VERIFICATION", "mandatory")
# Passkeys on http://localhost (browsers allow WebAuthn there; fido2 needs telling).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
