"""A production-shaped Mentora on loopback, for bench/faults.py and bench/load.py (not a test).

The processes of docs/deployment.md — web workers (Daphne, or another ASGI server to compare),
`manage.py rqworker default` and `manage.py run_periodic --loop` — on PostgreSQL and a private
redis-server, with the production settings. A supervisor restarts any process that exits after 2 s,
as `Restart=always` / `RestartSec=2` (systemd) or `restart: unless-stopped` (compose) would. Each
process names itself to PostgreSQL (`application_name`), so a drill can find its connections.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mentora_drills"
SECRET_KEY = "bench-only-secret-key-never-in-production-" + "x" * 20
HOST = "127.0.0.1"
ORG = "northwind"
RESTART_AFTER = 2.0  # seconds, like RestartSec=2 in deploy/systemd


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def with_application_name(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    query = dict(parse_qsl(parts.query)) | {"application_name": name}
    return urlunsplit(parts._replace(query=urlencode(query)))


def production_env(*, database_url: str, redis_url: str, smtp_port: int, app_name: str, **extra: str) -> dict[str, str]:
    """The environment of one production process (deploy/mentora.env.example, on loopback)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MENTORA_")) and k != "REDIS_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": with_application_name(database_url, app_name),
        "REDIS_URL": redis_url,
        "DJANGO_EMAIL_HOST": HOST,
        "DJANGO_EMAIL_PORT": str(smtp_port),
        "MENTORA_BASE_URL": f"https://{HOST}",
        "PYTHONUNBUFFERED": "1",
    }
    return env | extra


def port_open(port: int, timeout: float = 0.3) -> bool:
    try:
        socket.create_connection((HOST, port), timeout=timeout).close()
        return True
    except OSError:
        return False


def wait_for_port(port: int, timeout: float = 60) -> float:
    """Wait until something listens on `port`; return the seconds waited."""
    began = time.monotonic()
    while not port_open(port):
        if time.monotonic() - began > timeout:
            raise TimeoutError(f"nothing listens on {port} after {timeout:.0f} s")
        time.sleep(0.05)
    return time.monotonic() - began


def web_argv(server: str, port: int) -> list[str]:
    """The command of one web process serving config.asgi:application (HTTP and websockets), or, for
    "gunicorn", config.wsgi:application (HTTP only)."""
    app = "config.asgi:application"
    if server == "daphne":
        return [sys.executable, "-m", "daphne", "-b", HOST, "-p", str(port), app]
    if server == "uvicorn":
        # Channels' router has no lifespan handler: "off" avoids a warning at every start.
        return [sys.executable, "-m", "uvicorn", app, "--host", HOST, "--port", str(port), "--lifespan", "off",
                "--no-access-log", "--log-level", "warning"]
    if server == "gunicorn":
        # WSGI (HTTP only: websockets need one of the ASGI servers beside it): Django's sync views run
        # on gunicorn's threads directly, without ASGI's hop to the one thread that runs sync code.
        return [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-k", "gthread", "--threads", "4",
                "-w", "1", "-b", f"{HOST}:{port}", "--log-level", "warning"]
    if server == "gunicorn-uvicorn":
        return [sys.executable, "-m", "gunicorn", app, "-k", "uvicorn.workers.UvicornWorker", "-w", "1",
                "-b", f"{HOST}:{port}", "--log-level", "warning"]
    if server == "granian":
        return [sys.executable, "-m", "granian", "--interface", "asgi", "--host", HOST, "--port", str(port),
                "--workers", "1", "--no-log", app]
    raise ValueError(f"unknown server {server!r}")


@dataclass
class Process:
    """One supervised process."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    port: int | None = None
    held: bool = False  # a drill keeps it down: the supervisor leaves it alone
    restarts: int = 0
    popen: subprocess.Popen[bytes] | None = None
    died_at: float | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        log.close()
        self.died_at = None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
            self.popen.wait(timeout=20)

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Stack:
    """The supervised processes; `with Stack(...) as stack:` starts nothing, `stack.add(...)` does."""

    workdir: Path
    processes: list[Process] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def add(self, name: str, argv: list[str], env: dict[str, str], port: int | None = None) -> Process:
        if port is not None and port_open(port):
            raise RuntimeError(f"port {port} is taken: stop whatever listens there first")
        process = Process(name, argv, env, self.workdir / f"{name}.log", port=port)
        process.start()
        self.processes.append(process)
        return process

    def remove(self, process: Process) -> None:
        """Stop a process for good (the supervisor forgets it)."""
        self.processes.remove(process)
        process.stop()

    def by_name(self, name: str) -> Process:
        return next(p for p in self.processes if p.name == name)

    def __enter__(self) -> Stack:
        self._thread = threading.Thread(target=self._supervise, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for process in reversed(self.processes):
            process.stop()

    def _supervise(self) -> None:
        while not self._stop.wait(0.1):
            for process in self.processes:
                if process.held or process.popen is None or process.popen.poll() is None:
                    continue
                now = time.monotonic()
                if process.died_at is None:
                    process.died_at = now
                elif now - process.died_at >= RESTART_AFTER and not self._stop.is_set():
                    process.start()
                    process.restarts += 1


def cpu_seconds(process: Process) -> float:
    """CPU time (user + system) a supervised process and its children have used so far (Linux /proc)."""
    if process.popen is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [process.popen.pid]
    children = Path(f"/proc/{process.popen.pid}/task/{process.popen.pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += sum(int(value) for value in fields[11:15]) / tick  # utime, stime, cutime, cstime
    return total


def redis_argv(port: int, workdir: Path) -> list[str]:
    """A private redis-server, append-only like deploy/compose.yaml's (queued tasks survive a restart)."""
    return ["redis-server", "--port", str(port), "--bind", HOST, "--appendonly", "yes", "--save", "",
            "--dir", str(workdir), "--logfile", "", "--protected-mode", "no"]


def create_database(url: str) -> None:
    """CREATE DATABASE for a PostgreSQL URL when it does not exist (a new machine has only the defaults)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare_database(env: dict[str, str], *, people: int = 300) -> None:
    """Create the database if this machine has none, migrate, collect static files (the manifest storage
    needs them) and seed the demo (reused when present)."""
    create_database(env["DATABASE_URL"])
    for command in (["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"], ["seed_demo", "--people", str(people)]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def setup_django(env: dict[str, str]) -> None:
    """Use the database from this process too (no pool: the bench holds one connection)."""
    os.environ.update(env | {"MENTORA_DB_POOL": "0"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_participants(*, mentorships: int = 30) -> dict[str, Any]:
    """Signed-in people of the demo's running program: sessions and API tokens made in the database.

    Returns {"org", "members": [{user_id, mentorship_id, program_id, cookie, csrf, token}], "coordinator": {...}}.
    Call setup_django first.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from mentora.accounts.middleware import SEEN_AT, SIGNED_IN_AT
    from mentora.accounts.models import ApiToken, Membership, Role, User
    from mentora.mentorships.models import Mentorship, MentorshipMember

    def signed_in(user: User) -> dict[str, Any]:
        session = SessionStore()
        session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SIGNED_IN_AT] = session[SEEN_AT] = int(time.time())
        session.create()
        csrf = secrets.token_hex(16)  # 32 characters: a valid CSRF secret for the cookie and the header
        _, raw = ApiToken.issue(user=user, name="bench", days=1)
        return {"user_id": user.pk, "cookie": f"sessionid={session.session_key}; csrftoken={csrf}", "csrf": csrf,
                "token": raw}

    active = (Mentorship.objects.filter(program__organization__slug=ORG, status="active", kind="pair")
              .order_by("pk")[:mentorships])
    members = []
    for seat in (MentorshipMember.objects.filter(mentorship__in=list(active), is_open=True, left_at__isnull=True)
                 .select_related("membership__user").order_by("mentorship_id", "role")):
        members.append(signed_in(seat.membership.user) | {"mentorship_id": seat.mentorship_id,
                                                         "program_id": seat.program_id})
    coordinator = (Membership.objects.filter(organization__slug=ORG, role=Role.COORDINATOR, is_active=True)
                   .select_related("user").first())
    if not members or coordinator is None:
        raise RuntimeError("no active mentorships or coordinator in the demo organization: run seed_demo")
    return {"org": ORG, "members": members,
            "coordinator": signed_in(coordinator.user) | {"program_id": members[0]["program_id"]}}


def write_participants(path: Path, participants: dict[str, Any]) -> None:
    path.write_text(json.dumps(participants))
