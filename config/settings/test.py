"""Test settings: fast hashing, immediate tasks, captured email."""

import os

from .base import *
from .base import BASE_DIR, DATABASES, LOGGING

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]
# Passkeys in the browser tests, on the live server's http://localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
MENTORA_RATE_LIMITS = {}  # type: ignore[var-annotated]  # tests that check a limit set their own
# The security log is quiet in tests unless a test listens (caplog.at_level(logging.INFO, "mentora.security")).
LOGGING["loggers"]["mentora.security"]["level"] = "WARNING"  # type: ignore[index]
# Connections that channels' database_sync_to_async opens in its worker threads close after each
# call instead of living on (production keeps them 60 s): none is left to block the test database's
# teardown on PostgreSQL.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: live-server (browser) tests share it across threads.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("MENTORA_TEST_SQLITE", str(BASE_DIR / "var" / "test.sqlite3"))
    }
