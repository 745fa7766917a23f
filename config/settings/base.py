"""Settings shared by every environment; values come from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-insecure-key-change-me"
# Earlier secret keys, comma-separated, still accepted after a rotation (sessions, reset links, and the
# encrypted two-step sign-in secrets: docs/security.md "What is stored").
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("DJANGO_SECRET_KEY_FALLBACKS", "").split(",") if k]
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "ninja",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "mentora.core",
    "mentora.accounts",
    "mentora.profiles",
    "mentora.programs",
    "mentora.mentorships",
    "mentora.meetings",
    "mentora.messaging",
    "mentora.goals",
    "mentora.feedback",
    "mentora.notifications",
    "mentora.matching",
    "mentora.insights",
    "mentora.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mentora.core.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mentora.core.middleware.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mentora.accounts.middleware.SessionTimeoutMiddleware",
    # Outside the rate limit: it sees the final answer and never keeps a 429 (a retry must run again).
    "mentora.core.idempotency.IdempotencyMiddleware",
    "mentora.core.middleware.RateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mentora.core.middleware.TimezoneMiddleware",
    "mentora.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentora.core.context_processors.organizations",
            ],
        },
    }
]

# --- Database: SQLite by default, DATABASE_URL switches (e.g. to PostgreSQL) ---
SQLITE_PATH = Path(os.environ.get("MENTORA_SQLITE_PATH", BASE_DIR / "var" / "mentora.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # No persistent connections: under ASGI every request runs in its own thread, so CONN_MAX_AGE
    # gives no reuse and only leaves connections open until PostgreSQL's limit (FIELD-NOTES.md).
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("MENTORA_DB_POOL", True):
        # One psycopg pool per process, shared by its request threads: a process never holds more
        # than max_size connections; a request that finds none free waits up to `timeout` seconds.
        # MENTORA_DB_POOL=0 switches it off (e.g. behind pgbouncer in transaction mode).
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("MENTORA_DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("MENTORA_DB_POOL_MAX", "10")),
            "timeout": float(os.environ.get("MENTORA_DB_POOL_TIMEOUT", "10")),
        }
        # The pool checks a connection before handing it out (one empty query on loopback): after
        # PostgreSQL dropped them (restart, pg_terminate_backend) every pooled connection was dead
        # and each answered one request 500 (bench/faults.py F2).
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            # IMMEDIATE transactions + WAL: concurrent writers queue instead of failing
            # with "database is locked" (measured in FIELD-NOTES.md).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Where `manage.py backup` writes when given no path.
MENTORA_BACKUP_DIR = Path(os.environ.get("MENTORA_BACKUP_DIR", BASE_DIR / "var" / "backups"))

# --- Redis: REDIS_URL switches cache, channel layer and task queue ---
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis is optional at the edge (docs/operations-edge.md): the cache fails open with a
    # warning, and short timeouts keep a hung Redis from holding requests.
    REDIS_TIMEOUT = float(os.environ.get("MENTORA_REDIS_TIMEOUT", "1.0"))
    CACHES = {
        "default": {
            "BACKEND": "mentora.core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # No client read timeout: the layer's idle blocking pop waits 5 s on the server, and
            # redis-py 8's default 5 s socket timeout would kill every idle websocket (1011).
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None,
                                  "socket_connect_timeout": REDIS_TIMEOUT}]},
        }
    }
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": ["default"],
        }
    }
    # A Redis that does not answer fails an enqueue within 2 s (the outbox keeps the work for later).
    RQ_QUEUES = {"default": {"URL": REDIS_URL + ("&" if "?" in REDIS_URL else "?") + "socket_connect_timeout=2"}}
    # django-tasks-rq's job class runs a django-tasks Task; RQ's own Job would fail every job with
    # "'Task' object is not callable". `manage.py rqworker` (mentora.core's) also starts the scheduler.
    # The worker class restarts a dead scheduler within a minute, not RQ's 10 (mentora/core/rq_worker.py).
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job", "WORKER_CLASS": "mentora.core.rq_worker.Worker"}
    INSTALLED_APPS += ["django_rq"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Auth (django-allauth) ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("MENTORA_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
# allauth's "login_failed" counts per email: five wrong passwords from anywhere would lock the owner out.
# Failed sign-ins are throttled per (email, address) with exponential backoff instead
# (mentora/accounts/signin_throttle.py); allauth keeps its other limits (sign-up, reset, login per IP).
ACCOUNT_RATE_LIMITS = {"login_failed": False}
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {"signup": "mentora.accounts.signup.SignupForm"}
MENTORA_SIGNIN_FREE_ATTEMPTS = int(os.environ.get("MENTORA_SIGNIN_FREE_ATTEMPTS", "5"))
MENTORA_SIGNIN_MAX_WAIT = int(os.environ.get("MENTORA_SIGNIN_MAX_WAIT", "900"))
MENTORA_SIGNIN_PER_IP = os.environ.get("MENTORA_SIGNIN_PER_IP", "30/15m")
# Sessions end after this long without a request, and this long after signing in whatever the activity.
MENTORA_SESSION_IDLE_HOURS = float(os.environ.get("MENTORA_SESSION_IDLE_HOURS", "8"))
MENTORA_SESSION_MAX_DAYS = float(os.environ.get("MENTORA_SESSION_MAX_DAYS", "14"))
SESSION_COOKIE_AGE = int(MENTORA_SESSION_MAX_DAYS * 86400)
# API tokens expire (a person picks 30-365 days when creating one; this is the default).
MENTORA_API_TOKEN_DAYS = int(os.environ.get("MENTORA_API_TOKEN_DAYS", "90"))
# Writes people could flood, per person (mentora/core/ratelimit.py): "N/window", window s/m/h/d
# with an optional multiple ("5/15m"); MENTORA_RATE_LIMIT_<ACTION>="" turns one off.
MENTORA_RATE_LIMITS = {
    action: os.environ.get(f"MENTORA_RATE_LIMIT_{action.upper()}", default)
    for action, default in {"message": "30/m", "request": "20/d", "invitation": "200/h", "upload": "60/h"}.items()
}
ACCOUNT_ADAPTER = "mentora.accounts.adapter.AccountAdapter"
# Two-step sign-in (allauth.mfa; docs/security.md "Two-step sign-in"): an authenticator app (TOTP), passkeys
# or security keys (WebAuthn) as the second step after the password, and one-time recovery codes.
# Passkeys are a second step only: signing in with a passkey instead of a password stays off.
MFA_ADAPTER = "mentora.accounts.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = os.environ.get("MENTORA_MFA_ISSUER", "Mentora")
# One step of 30 s either side: a phone whose clock is a little off still works.
MFA_TOTP_TOLERANCE = 1
# Wrong codes are throttled like wrong passwords (mentora/accounts/mfa.py); allauth's own count is off
# with ACCOUNT_RATE_LIMITS["login_failed"].
MFA_FORMS = {
    "authenticate": "mentora.accounts.mfa.AuthenticateForm",
    "reauthenticate": "mentora.accounts.mfa.ReauthenticateForm",
    "activate_totp": "mentora.accounts.mfa.ActivateTOTPForm",
}
# WebAuthn needs HTTPS except on http://localhost during development and tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MENTORA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", False)
LOGIN_REDIRECT_URL = "core:home"
LOGIN_URL = "account_login"

# --- I18n / time ---
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MENTORA_MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Email ---
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# For django.core.mail.backends.filebased.EmailBackend (one file per message).
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Mentora <no-reply@mentora.local>")

# --- Security defaults (prod tightens further) ---
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

MENTORA_IMPORT_MAX_ROWS = int(os.environ.get("MENTORA_IMPORT_MAX_ROWS", "20000"))
# Goal evidence files: stored privately (never under MEDIA_URL), at most this many bytes each.
MENTORA_EVIDENCE_MAX_BYTES = int(os.environ.get("MENTORA_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# Profile photos and organization logos (JPEG/PNG/WebP, re-encoded; served only to the organization).
MENTORA_IMAGE_MAX_BYTES = int(os.environ.get("MENTORA_IMAGE_MAX_BYTES", str(5 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    # One JSON line per security event (mentora/core/security_log.py), through the root handler.
    "loggers": {"mentora.security": {"level": os.environ.get("MENTORA_SECURITY_LOG_LEVEL", "INFO")}},
}
MENTORA_BASE_URL = os.environ.get("MENTORA_BASE_URL", "http://127.0.0.1:8000")

# --- Meetings and messaging (issue 6) ---
# WebRTC ICE servers for the video room; none are needed on a LAN. Comma-separated URLs.
MENTORA_STUN_SERVERS = [u for u in os.environ.get("MENTORA_STUN_SERVERS", "").split(",") if u]
MENTORA_TURN_SERVERS = [u for u in os.environ.get("MENTORA_TURN_SERVERS", "").split(",") if u]
MENTORA_TURN_USERNAME = os.environ.get("MENTORA_TURN_USERNAME", "")
MENTORA_TURN_CREDENTIAL = os.environ.get("MENTORA_TURN_CREDENTIAL", "")
# Messages: how long authors may edit or delete, and which attachments are accepted.
MENTORA_MESSAGE_EDIT_MINUTES = int(os.environ.get("MENTORA_MESSAGE_EDIT_MINUTES", "15"))
MENTORA_ATTACHMENT_MAX_BYTES = int(os.environ.get("MENTORA_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))

# --- Input limits at the edge (mentora.core.middleware.InputGuardMiddleware; docs/operations-edge.md) ---
# JSON and form bodies (without files): 413 above this, in every environment.
MENTORA_MAX_BODY_BYTES = int(os.environ.get("MENTORA_MAX_BODY_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MENTORA_MAX_BODY_BYTES
# Multipart uploads: the largest single file any form accepts, plus room for the other fields.
MENTORA_MAX_UPLOAD_BYTES = int(os.environ.get(
    "MENTORA_MAX_UPLOAD_BYTES",
    str(max(MENTORA_ATTACHMENT_MAX_BYTES, MENTORA_EVIDENCE_MAX_BYTES) + 1024 * 1024)))
# Every API list is paginated (?limit=&offset=); a limit above the cap is refused (422).
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 100
