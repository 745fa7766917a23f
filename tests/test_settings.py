"""Production settings pass Django's deployment checks; environment switches work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))} | env
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-value-1234567890",
        DJANGO_ALLOWED_HOSTS="mentora.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.prod", DJANGO_SECRET_KEY="")
    assert result.returncode != 0


def test_database_and_redis_urls_switch_the_backends():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'],"
        " s.CHANNEL_LAYERS['default']['BACKEND'], s.TASKS['default']['BACKEND'])"
    )
    result = run_manage(
        "shell", "--no-imports", "-c", code, DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL="postgres://u@127.0.0.1:5432/db", REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql", "mentora.core.cache.FailOpenRedisCache",
        "channels_redis.core.RedisChannelLayer", "django_tasks_rq.RQBackend",
    ]


def test_the_embedded_defaults_are_sqlite_memory_layers_and_a_database_queue():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['OPTIONS']['transaction_mode'],"
        " s.CHANNEL_LAYERS['default']['BACKEND'], s.TASKS['default']['BACKEND'])"
    )
    result = run_manage("shell", "--no-imports", "-c", code, DJANGO_SETTINGS_MODULE="config.settings.dev")
    assert result.stdout.split() == [
        "django.db.backends.sqlite3", "IMMEDIATE", "channels.layers.InMemoryChannelLayer", "django_tasks_db.DatabaseBackend",
    ]


def test_postgresql_uses_a_bounded_connection_pool_from_the_environment():
    """Django's psycopg pool, sized from the environment; CONN_MAX_AGE must be 0 with a pool."""
    code = "from django.conf import settings as s; d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['OPTIONS']['pool'])"
    result = run_manage(
        "shell", "--no-imports", "-c", code, DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@127.0.0.1:5432/db",
        MENTORA_DB_POOL_MIN="1", MENTORA_DB_POOL_MAX="7", MENTORA_DB_POOL_TIMEOUT="2.5",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 {'min_size': 1, 'max_size': 7, 'timeout': 2.5}"


def test_the_pool_can_be_switched_off_and_sqlite_never_has_one():
    code = "from django.conf import settings as s; print(s.DATABASES['default'].get('OPTIONS', {}).get('pool'))"
    off = run_manage("shell", "--no-imports", "-c", code, DJANGO_SETTINGS_MODULE="config.settings.base",
                     DATABASE_URL="postgres://u@127.0.0.1:5432/db", MENTORA_DB_POOL="0")
    sqlite = run_manage("shell", "--no-imports", "-c", code, DJANGO_SETTINGS_MODULE="config.settings.base")
    assert (off.stdout.strip(), sqlite.stdout.strip()) == ("None", "None"), off.stderr + sqlite.stderr
