"""A real ASGI server (Daphne, in its own process) for browser tests that need websockets.

pytest-django's live_server speaks WSGI only. This one runs `config.asgi:application` with the
test database file (so use `transactional_db`) and captures email as files (see `sent_emails`).
"""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from django.db import connections

REPO_ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class AsgiServer:
    url: str
    mail_dir: Path

    def clear_emails(self) -> None:
        for path in self.mail_dir.glob("*.log"):
            path.unlink()

    def sent_emails(self) -> list[Message]:
        """Every email the server has sent so far (the file backend writes them separated by dashes)."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk.strip() + b"\n"))
        return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def asgi_server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsgiServer]:
    settings_dict = connections["default"].settings_dict
    if not settings_dict["ENGINE"].endswith("sqlite3"):
        pytest.skip("The ASGI browser tests run on the SQLite test database file")
    mail_dir = tmp_path_factory.mktemp("asgi-mail")
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.e2e.asgi_settings", "MENTORA_E2E_DB": str(settings_dict["NAME"]),
           "MENTORA_E2E_MAIL_DIR": str(mail_dir), "PYTHONPATH": str(REPO_ROOT)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = (mail_dir.parent / "daphne.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"Daphne did not start; see {log.name}") from None
            time.sleep(0.2)
    # Warm up (imports, first database connection) so the first test's page loads are quick.
    import urllib.request

    urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=30).read()
    try:
        yield AsgiServer(url=f"http://127.0.0.1:{port}", mail_dir=mail_dir)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
