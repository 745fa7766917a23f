"""Locust users for bench/load.py: signed-in people on Mentora's main pages, plus writes.

bench/load.py starts Locust with this file and sets:
  MENTORA_LOAD_PARTICIPANTS  JSON from bench/stack.make_participants (sessions, CSRF secrets, API tokens)
  MENTORA_LOAD_PORTS         the web workers' ports, "8730,8731": user i talks to port i mod N
  MENTORA_LOAD_SLOT_BASE     ISO time after every existing meeting: bookings take 15-minute slots from there
  MENTORA_LOAD_PER_USER      requests per second per user (constant throughput, default 1)
"""

from __future__ import annotations

import itertools
import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant_throughput, task

PARTICIPANTS: dict[str, Any] = json.loads(Path(os.environ["MENTORA_LOAD_PARTICIPANTS"]).read_text())
PORTS = [int(p) for p in os.environ["MENTORA_LOAD_PORTS"].split(",")]
SLOT_BASE = datetime.fromisoformat(os.environ["MENTORA_LOAD_SLOT_BASE"])
ORG = PARTICIPANTS["org"]
_users = itertools.count()
_slots = itertools.count()  # one Locust process runs every user: a module counter is global
_messages = itertools.count()


class Member(FastHttpUser):
    host = f"http://127.0.0.1:{PORTS[0]}"
    wait_time = constant_throughput(float(os.environ.get("MENTORA_LOAD_PER_USER", "1")))

    def on_start(self) -> None:
        n = next(_users)
        self.base = f"http://127.0.0.1:{PORTS[n % len(PORTS)]}"
        self.member = PARTICIPANTS["members"][n % len(PARTICIPANTS["members"])]
        self.coordinator = PARTICIPANTS["coordinator"]
        # What the TLS proxy adds (deploy/nginx.conf): the scheme, so the HTTPS redirect stays quiet.
        self.page_headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Cookie": self.member["cookie"]}
        self.api_headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Content-Type": "application/json",
                            "Authorization": f"Bearer {self.member['token']}"}

    def _page(self, path: str, name: str, headers: dict[str, str] | None = None) -> None:
        self.client.get(self.base + path, name=name, headers=headers or self.page_headers)

    @task(4)
    def home(self) -> None:
        self._page(f"/o/{ORG}/", "home")

    @task(2)
    def program(self) -> None:
        self._page(f"/o/{ORG}/programs/{self.member['program_id']}/", "program")

    @task(3)
    def mentorship(self) -> None:
        self._page(f"/o/{ORG}/mentorships/{self.member['mentorship_id']}/", "mentorship")

    @task(2)
    def conversation(self) -> None:
        self._page(f"/o/{ORG}/mentorships/{self.member['mentorship_id']}/conversation/", "conversation")

    @task(2)
    def messages(self) -> None:
        self._page(f"/o/{ORG}/messages/", "messages")

    @task(1)
    def insights(self) -> None:
        headers = {**self.page_headers, "Cookie": self.coordinator["cookie"]}
        self._page(f"/o/{ORG}/programs/{self.coordinator['program_id']}/insights/", "insights", headers)

    @task(2)
    def send_message(self) -> None:
        headers = {**self.page_headers, "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
                   "X-CSRFToken": self.member["csrf"], "Origin": "https://127.0.0.1"}
        self.client.post(f"{self.base}/o/{ORG}/mentorships/{self.member['mentorship_id']}/conversation/send/",
                         name="send message", headers=headers, data=f"body=load+{next(_messages)}")

    @task(1)
    def save_note(self) -> None:
        self.client.post(f"{self.base}/api/orgs/{ORG}/mentorships/{self.member['mentorship_id']}/notes",
                         name="save note", headers=self.api_headers, data=json.dumps({"body": "load note"}))

    @task(1)
    def book_meeting(self) -> None:
        starts_at = SLOT_BASE + timedelta(minutes=30 * next(_slots))
        body = {"starts_at": starts_at.isoformat(), "duration_minutes": 15, "agenda": "load"}
        self.client.post(f"{self.base}/api/orgs/{ORG}/mentorships/{self.member['mentorship_id']}/meetings",
                         name="book meeting", headers=self.api_headers, data=json.dumps(body))


class Probe(FastHttpUser):
    """Only /healthz (no database, no template): what the server itself costs per request."""

    host = f"http://127.0.0.1:{PORTS[0]}"
    wait_time = constant_throughput(float(os.environ.get("MENTORA_LOAD_PER_USER", "1")))

    def on_start(self) -> None:
        self.base = f"http://127.0.0.1:{PORTS[next(_users) % len(PORTS)]}"

    @task
    def healthz(self) -> None:
        self.client.get(self.base + "/healthz", name="healthz", headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
