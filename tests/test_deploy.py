"""The production recipes in deploy/ (image, compose file, systemd units) name commands that exist,
supervise every long-running process, and keep to their rules (non-root, loopback ports, checks)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from functools import cache
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
LONG_RUNNING = {"web1", "web2", "worker", "periodic", "proxy", "db", "redis"}


@pytest.fixture(scope="module")
def compose() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


@cache
def _production_commands() -> set[str]:
    """manage.py's commands as production has them (REDIS_URL adds django_rq's rqworker)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")} | {
        "DJANGO_SETTINGS_MODULE": "config.settings.base", "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run([sys.executable, "manage.py", "help", "--commands"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    return set(result.stdout.split()) | set(get_commands())


def _assert_runs_here(command: list[str]) -> None:
    """A command from a recipe is a manage.py command Django knows, or Daphne on config.asgi."""
    if command[:2] == ["python", "manage.py"]:
        assert command[2] in _production_commands(), f"no management command {command[2]!r}"
    else:
        assert Path(command[0]).name == "daphne", command
        assert command[-1] == "config.asgi:application"
        from config.asgi import application

        assert application is not None


def test_compose_runs_two_web_processes_a_worker_the_periodic_loop_postgresql_and_redis(compose: dict):
    services = compose["services"]
    assert set(services) == LONG_RUNNING | {"migrate"}
    for name in LONG_RUNNING:
        assert services[name]["restart"] == "unless-stopped", name
    assert services["migrate"]["restart"] == "no"
    assert services["worker"]["command"] == ["python", "manage.py", "rqworker", "default"]
    assert services["periodic"]["command"] == ["python", "manage.py", "run_periodic", "--loop"]
    for name in ("migrate", "web1", "web2", "worker", "periodic"):
        _assert_runs_here(services[name]["command"])


def test_compose_starts_the_app_only_after_healthy_services_and_migrations(compose: dict):
    services = compose["services"]
    for name in ("web1", "web2", "worker", "periodic"):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == depends["redis"]["condition"] == "service_healthy", name
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
    for name in ("db", "redis", "proxy"):
        assert services[name]["healthcheck"]["test"], name
    # Web processes use the image's /healthz check; non-web roles switch it off explicitly.
    for name in ("worker", "periodic", "migrate"):
        assert services[name]["healthcheck"] == {"disable": True}
    assert services["proxy"]["depends_on"] == {"web1": {"condition": "service_healthy"},
                                               "web2": {"condition": "service_healthy"}}


def test_compose_publishes_nothing_beyond_loopback(compose: dict):
    published = [port for service in compose["services"].values() for port in service.get("ports", [])]
    assert published and all(str(port).startswith("127.0.0.1:") for port in published)


def test_the_proxy_balances_both_web_processes():
    config = (DEPLOY / "nginx.conf").read_text()
    assert re.findall(r"server (web\d):8000", config) == ["web1", "web2"]
    assert "proxy_set_header Upgrade $http_upgrade;" in config  # websockets


def test_the_image_is_slim_non_root_with_static_files_and_a_health_check():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert re.search(r"^RUN pip install \.", dockerfile, re.M)
    assert "manage.py collectstatic --no-input" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n\s+CMD \[\"python\", \"deploy/healthcheck.py\"\]", dockerfile, re.M)
    assert "config.asgi:application" in dockerfile


@pytest.mark.django_db(transaction=True)
def test_the_image_health_check_passes_on_a_live_server_and_fails_without_one(live_server):
    port = live_server.url.rsplit(":", 1)[1]
    # Warm up (the first request loads the URL map, slow on a busy machine); the probe allows 4 s.
    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60).close()
    env = os.environ | {"PORT": port, "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1"}
    healthy = subprocess.run([sys.executable, "deploy/healthcheck.py"], cwd=ROOT, env=env, capture_output=True, timeout=30)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = str(probe.getsockname()[1])
    down = subprocess.run([sys.executable, "deploy/healthcheck.py"], cwd=ROOT, env=env | {"PORT": closed_port},
                          capture_output=True, timeout=30)
    assert (healthy.returncode, down.returncode) == (0, 1), healthy.stderr


def _unit(name: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), value.strip())
    return values


@pytest.mark.parametrize("name", ["mentora-web@.service", "mentora-worker@.service", "mentora-periodic.service"])
def test_every_systemd_process_restarts_always_with_the_environment_file(name: str):
    unit = _unit(name)
    assert unit["Restart"] == "always"
    assert unit["EnvironmentFile"] == "/etc/mentora/mentora.env"
    assert unit["User"] == "mentora"
    command = unit["ExecStart"].replace("%i", "8001").split()
    command[0] = "python" if command[0].endswith("/python") else command[0]
    _assert_runs_here(command)


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path):
    """Verified with this checkout's paths (systemd checks that each ExecStart is executable)."""
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed here")
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/opt/mentora/.venv", sys.prefix).replace("/opt/mentora", str(ROOT))
        (tmp_path / unit.name).write_text(text.replace("/etc/mentora/mentora.env", str(DEPLOY / "mentora.env.example")))
    units = ["mentora-web@8001.service", "mentora-worker@1.service", "mentora-periodic.service",
             "mentora-migrate.service", "mentora-backup.service", "mentora-backup.timer", "mentora.target"]
    result = subprocess.run(["systemd-analyze", "verify", *units], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.strip() == "", result.stderr
