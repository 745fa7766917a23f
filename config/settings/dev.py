"""Local development: the embedded defaults (SQLite, in-memory channels, in-process worker)."""

from .base import *

DEBUG = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
