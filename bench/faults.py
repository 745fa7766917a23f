"""Fault drills against a production-shaped Mentora on loopback; prints figures (not a test).

    .venv/bin/python bench/faults.py --quick     # short phases (about 5 minutes, mostly waiting for mail)
    .venv/bin/python bench/faults.py             # F3 Redis down 60 s, F5 SMTP down 45 s (about 8 minutes)

What runs (bench/stack.py): N Daphne workers (`--workers`, default 2) on the production settings,
`manage.py rqworker default`, `manage.py run_periodic --loop`, PostgreSQL (database mentora_drills,
`--database-url`), a private redis-server on port 6391 (append-only, as in deploy/compose.yaml) and an
SMTP sink (aiosmtpd) on port 8725. A supervisor restarts any process that exits, after 2 s. The
client spreads requests over the workers round-robin and, like nginx's `proxy_next_upstream error`,
tries the next worker when one refuses the connection; a request cut off mid-way gets no answer
(nginx would answer 502) and counts as failed.

The load (~20 req/s, open loop) is signed-in people of the demo's running program: page views (home,
mentorship, conversation, messages, program; insights for a coordinator) and writes through the real
endpoints: sending a message (the chat form, session + CSRF), saving a note and booking a meeting
(the API, bearer token). Every write carries a unique marker, so afterwards the database says which
were saved. Each booking emails an invitation to every attendee through the outbox.

Phases, in turn, each under load: F0 no fault (baseline), F1 kill -9 of a web worker (restarted by
the supervisor), F2 pg_terminate_backend of every connection the app holds, F3 Redis down, F5 SMTP
down then back. For each: requests, failed, 5xx, writes acknowledged vs saved (every acknowledged
write must be saved; no saved write may answer 5xx), invitation mail delivered vs expected (the
outbox retries after 1 minute, and hands over what Redis missed at its next drain, within 90 s), and
time to recover (last failed request after the fault ended). Targets: 0 lost, 0 saved-but-5xx, all
mail delivered, recovery < 5 s.
"""

from __future__ import annotations

import argparse
import email
import http.client
import itertools
import json
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stack import (
    DEFAULT_DATABASE_URL,
    HOST,
    Stack,
    load_average,
    make_participants,
    port_open,
    prepare_database,
    production_env,
    redis_argv,
    setup_django,
    wait_for_port,
    web_argv,
)

WEB_PORT = 8721  # 8721, 8722, … one per worker
SMTP_PORT = 8725
REDIS_PORT = 6391
EXPECTED = {"view": 200, "message": 204, "note": 201, "meeting": 201}
MEETING_ID = re.compile(rb"/meetings/(\d+)/")


class MailSink:
    """An SMTP server on loopback that keeps (time, recipient, meeting id) of every message."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[tuple[float, str, int | None]] = []
        self._controller: Any = None

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content)
        parts = [part.get_payload(decode=True) or b"" for part in message.walk() if not part.is_multipart()]
        found = next((hit for hit in map(MEETING_ID.search, parts) if hit), None)
        meeting_id = int(found[1]) if found else None
        now = time.monotonic()
        self.received.extend((now, rcpt.lower(), meeting_id) for rcpt in envelope.rcpt_tos)
        return "250 OK"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname=HOST, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
        self._controller = None


@dataclass
class Outcome:
    kind: str
    started: float
    ended: float
    status: int  # 0: no answer (connection cut, nginx would say 502)
    error: str = ""
    marker: str = ""

    @property
    def failed(self) -> bool:
        return self.status != EXPECTED[self.kind]


@dataclass
class Load:
    """Open-loop mixed load at `rate` requests per second, spread over the web workers."""

    ports: list[int]
    participants: dict[str, Any]
    rate: float
    run_id: str
    slot_base: datetime
    outcomes: list[Outcome] = field(default_factory=list)
    _slots: itertools.count[int] = field(default_factory=itertools.count)
    _turn: itertools.count[int] = field(default_factory=itertools.count)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _pool: ThreadPoolExecutor | None = None

    def start(self, phase: str) -> None:
        self.phase, self.outcomes, self._stop = phase, [], threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=64)
        self._thread = threading.Thread(target=self._schedule, daemon=True)
        self._thread.start()

    def stop(self) -> list[Outcome]:
        self._stop.set()
        assert self._thread is not None and self._pool is not None
        self._thread.join()
        self._pool.shutdown(wait=True)
        return self.outcomes

    def _schedule(self) -> None:
        assert self._pool is not None
        chooser = random.Random(f"{self.run_id}-{self.phase}")
        next_at = time.monotonic()
        for n in itertools.count():
            if self._stop.is_set():
                return
            self._pool.submit(self._one, n, chooser.random(), chooser.randrange(1 << 30))
            next_at += 1 / self.rate
            time.sleep(max(0.0, next_at - time.monotonic()))

    def _one(self, n: int, roll: float, pick: int) -> None:
        org = self.participants["org"]
        members = self.participants["members"]
        member = members[pick % len(members)]
        m, p = member["mentorship_id"], member["program_id"]
        marker = f"drill {self.run_id} {self.phase} {n}"
        if roll < 0.55:
            pages = [f"/o/{org}/", f"/o/{org}/mentorships/{m}/", f"/o/{org}/mentorships/{m}/conversation/",
                     f"/o/{org}/messages/", f"/o/{org}/programs/{p}/"]
            self._send("view", "GET", pages[pick % len(pages)], member["cookie"])
        elif roll < 0.65:
            coordinator = self.participants["coordinator"]
            pages = [f"/o/{org}/insights/", f"/o/{org}/programs/{coordinator['program_id']}/insights/"]
            self._send("view", "GET", pages[pick % len(pages)], coordinator["cookie"])
        elif roll < 0.80:
            self._send("message", "POST", f"/o/{org}/mentorships/{m}/conversation/send/", member["cookie"],
                       body=urlencode({"body": marker}).encode(), marker=marker,
                       headers={"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
                                "X-CSRFToken": member["csrf"], "Origin": f"https://{HOST}"})
        elif roll < 0.92:
            self._send("note", "POST", f"/api/orgs/{org}/mentorships/{m}/notes", "", marker=marker,
                       body=json.dumps({"body": marker}).encode(), headers=self._bearer(member))
        else:
            # Every booking gets its own 15-minute slot (30 minutes apart): no clash, whoever books.
            starts_at = self.slot_base + timedelta(minutes=30 * next(self._slots))
            body = {"starts_at": starts_at.isoformat(), "duration_minutes": 15, "agenda": marker}
            self._send("meeting", "POST", f"/api/orgs/{org}/mentorships/{m}/meetings", "", marker=marker,
                       body=json.dumps(body).encode(), headers=self._bearer(member))

    @staticmethod
    def _bearer(member: dict[str, Any]) -> dict[str, str]:
        return {"Authorization": f"Bearer {member['token']}", "Content-Type": "application/json"}

    def _send(self, kind: str, method: str, path: str, cookie: str, *, body: bytes | None = None, marker: str = "",
              headers: dict[str, str] | None = None) -> None:
        # What the TLS proxy adds (deploy/nginx.conf): the scheme, so the HTTPS redirect stays quiet.
        all_headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Connection": "close", **(headers or {})}
        if cookie:
            all_headers["Cookie"] = cookie
        started = time.monotonic()
        status, error = 0, "every worker refused the connection"
        first = next(self._turn)
        for i in range(len(self.ports)):
            connection = http.client.HTTPConnection(HOST, self.ports[(first + i) % len(self.ports)], timeout=30)
            try:
                connection.connect()
            except ConnectionRefusedError:
                continue  # nothing was sent: try the next worker, as nginx does
            except OSError as exc:
                status, error = 0, type(exc).__name__
                break
            try:
                connection.request(method, path, body=body, headers=all_headers)
                response = connection.getresponse()
                response.read()
                status, error = response.status, ""
            except (OSError, http.client.HTTPException) as exc:
                status, error = 0, type(exc).__name__
            finally:
                connection.close()
            break
        self.outcomes.append(Outcome(kind, started, time.monotonic(), status, error, marker))


def saved_markers(prefix: str) -> set[str]:
    from mentora.meetings.models import Meeting
    from mentora.mentorships.models import Note
    from mentora.messaging.models import Message

    return (set(Message.objects.filter(body__startswith=prefix).values_list("body", flat=True))
            | set(Note.objects.filter(body__startswith=prefix).values_list("body", flat=True))
            | set(Meeting.objects.filter(agenda__startswith=prefix).values_list("agenda", flat=True)))


def expected_mail(prefix: str) -> set[tuple[str, int]]:
    """(recipient, meeting id) of every invitation the phase's saved bookings owe."""
    from mentora.meetings.models import Attendee

    seats = Attendee.objects.filter(meeting__agenda__startswith=prefix, is_active=True)
    return {(email_address.lower(), meeting_id) for meeting_id, email_address in
            seats.values_list("meeting_id", "user__email")}


def terminate_app_connections() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()"
                       " AND application_name LIKE 'mentora-%%' AND application_name <> 'mentora-bench'")
        return int(cursor.fetchone()[0])


@dataclass
class Phase:
    key: str
    title: str
    inject: Callable[[], str]  # returns a note on what it did
    down_seconds: float = 0.0
    restore: Callable[[], str] | None = None


def run_phase(phase: Phase, load: Load, sink: MailSink, *, pre: float, post: float, mail_wait: float,
              run_id: str) -> dict[str, Any]:
    load.start(phase.key)
    time.sleep(pre)
    fault_at = time.monotonic()
    notes = [phase.inject()]
    cleared_at = fault_at  # a kill or a drop is over once done: recovery counts from it
    if phase.restore is not None:
        time.sleep(phase.down_seconds)
        notes.append(phase.restore())
        cleared_at = time.monotonic()
    time.sleep(post)
    outcomes = load.stop()
    stopped_at = time.monotonic()

    prefix = f"drill {run_id} {phase.key} "
    saved = saved_markers(prefix)
    writes = [o for o in outcomes if o.marker]
    acknowledged = {o.marker for o in writes if o.status == EXPECTED[o.kind]}
    answered_5xx = {o.marker for o in writes if o.status >= 500}
    unanswered = {o.marker for o in writes if o.status == 0}
    expected = expected_mail(prefix)
    deadline = time.monotonic() + mail_wait
    while True:
        got = Counter((rcpt, mid) for _, rcpt, mid in sink.received if (rcpt, mid) in expected)
        if len(got) == len(expected) or time.monotonic() > deadline:
            break
        time.sleep(1)
    arrivals = [t for t, rcpt, mid in sink.received if (rcpt, mid) in expected]
    failed = [o for o in outcomes if o.failed]
    return {
        "phase": phase, "notes": [n for n in notes if n], "requests": len(outcomes), "failed": len(failed),
        "status_5xx": sum(o.status >= 500 for o in outcomes), "no_answer": sum(o.status == 0 for o in outcomes),
        "statuses": Counter(f"{o.kind} {o.status or o.error}" for o in failed),
        "writes": len(writes), "acknowledged": len(acknowledged), "saved": len(saved & {o.marker for o in writes}),
        "lost": len(acknowledged - saved), "saved_5xx": len(answered_5xx & saved),
        "saved_unanswered": len(unanswered & saved),
        "mail_expected": len(expected), "mail_delivered": len(got), "mail_duplicates": sum(got.values()) - len(got),
        "mail_after": (max(arrivals) - stopped_at) if arrivals and len(got) == len(expected) else None,
        "recovery": max(0.0, max(o.ended for o in failed) - cleared_at) if failed else 0.0,
        "fault_seconds": cleared_at - fault_at,
        "p95_ms": _p95([1000 * (o.ended - o.started) for o in outcomes]),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def report(result: dict[str, Any]) -> bool:
    phase: Phase = result["phase"]
    ok = (result["lost"] == 0 and result["saved_5xx"] == 0 and result["mail_delivered"] == result["mail_expected"]
          and result["recovery"] < 5)
    mail_after = "—" if result["mail_after"] is None else f"{max(0, result['mail_after']):.0f} s after"
    print(f"\n{phase.key} {phase.title}: {'; '.join(result['notes'])}")
    print(f"  requests {result['requests']}, failed {result['failed']} (5xx {result['status_5xx']}, no answer "
          f"{result['no_answer']}), p95 {result['p95_ms']:.0f} ms")
    if result["statuses"]:
        print("  failures: " + ", ".join(f"{k} ×{v}" for k, v in result["statuses"].most_common()))
    print(f"  writes {result['writes']}: acknowledged {result['acknowledged']}, saved {result['saved']}, "
          f"acknowledged but lost {result['lost']}, saved but answered 5xx {result['saved_5xx']}, "
          f"saved but unanswered {result['saved_unanswered']}")
    print(f"  invitation mail delivered {result['mail_delivered']} of {result['mail_expected']} "
          f"(duplicates {result['mail_duplicates']}), the last {mail_after} the load stopped")
    print(f"  fault lasted {result['fault_seconds']:.0f} s, recovered {result['recovery']:.1f} s after it ended"
          f"  → {'OK' if ok else 'MISSED A TARGET'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short phases: F3 and F5 down 15 s")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second (default 20)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--only", default="", help="comma-separated phases to run, e.g. F2,F3 (F0 always runs)")
    args = parser.parse_args()
    pre, post = (5.0, 10.0) if args.quick else (10.0, 20.0)
    redis_down, smtp_down = (15.0, 15.0) if args.quick else (60.0, 45.0)
    mail_wait = 150.0  # the outbox's first retry is 1 minute after a failure; the drain runs every minute

    workdir = Path(tempfile.mkdtemp(prefix="mentora-faults-"))
    redis_url = f"redis://{HOST}:{REDIS_PORT}/0"

    def env(name: str) -> dict[str, str]:
        return production_env(database_url=args.database_url, redis_url=redis_url, smtp_port=SMTP_PORT, app_name=name)

    for port in (REDIS_PORT, SMTP_PORT, *range(WEB_PORT, WEB_PORT + args.workers)):
        if port_open(port):
            raise SystemExit(f"port {port} is taken: stop whatever listens there first")
    print(f"Mentora fault drills — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {load_average()}")
    print(f"(a shared 2-core machine: other work runs beside this, so timings are noisy). Logs: {workdir}")
    sink = MailSink(SMTP_PORT)
    sink.start()
    with Stack(workdir) as stack:
        redis = stack.add("redis", redis_argv(REDIS_PORT, workdir), env("redis"), port=REDIS_PORT)
        wait_for_port(REDIS_PORT)
        prepare_database(env("mentora-bench"))
        setup_django(env("mentora-bench"))
        participants = make_participants()
        from mentora.core.models import OutboxEntry, OutboxStatus
        from mentora.meetings.models import Meeting

        # Mail left waiting by an earlier, interrupted run would be sent first and delay this run's:
        # the drills measure their own mail, so an old backlog is set aside (marked done) and counted.
        stale = OutboxEntry.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.RUNNING]).update(
            status=OutboxStatus.DONE)
        if stale:
            print(f"set aside {stale} outbox entries left waiting by earlier runs")

        latest = Meeting.objects.order_by("-starts_at").values_list("starts_at", flat=True).first()
        slot_base = max(latest or datetime.now(UTC), datetime.now(UTC) + timedelta(days=30)).replace(
            second=0, microsecond=0) + timedelta(days=1)
        ports = [WEB_PORT + i for i in range(args.workers)]
        webs = [stack.add(f"web-{port}", web_argv("daphne", port), env(f"mentora-web-{port}"), port=port)
                for port in ports]
        stack.add("worker", [sys.executable, "manage.py", "rqworker", "default"], env("mentora-worker"))
        stack.add("periodic", [sys.executable, "manage.py", "run_periodic", "--loop"], env("mentora-periodic"))
        for port in ports:
            wait_for_port(port)
        run_id = f"{int(time.time()) % 100000:05d}"
        print(f"{args.workers} Daphne workers, rqworker, run_periodic, PostgreSQL ({args.database_url}), redis-server "
              f":{REDIS_PORT}, SMTP sink :{SMTP_PORT}; {len(participants['members'])} signed-in members + a "
              f"coordinator; {args.rate:.0f} req/s (55 % pages, 10 % insights, 15 % messages, 12 % notes, 8 % bookings)")
        load = Load(ports, participants, args.rate, run_id, slot_base)
        load.start("warm-up")  # templates compile and pools fill on first use: not measured
        time.sleep(5)
        load.stop()

        def kill_web() -> str:
            webs[0].kill()
            back = wait_for_port(webs[0].port or 0)
            return f"killed {webs[0].name} (kill -9); the supervisor had it listening again {back:.1f} s later"

        def drop_connections() -> str:
            return f"pg_terminate_backend on {terminate_app_connections()} app connections"

        def redis_down_now() -> str:
            redis.held = True
            redis.kill()
            return f"redis-server killed (kill -9) for {redis_down:.0f} s"

        def redis_back() -> str:
            redis.start()
            redis.held = False
            return f"back after {wait_for_port(REDIS_PORT):.1f} s of start-up"

        def smtp_down_now() -> str:
            sink.stop()
            return f"SMTP sink stopped for {smtp_down:.0f} s"

        def smtp_back() -> str:
            sink.start()
            return "SMTP sink back"

        phases = [
            Phase("F0", "no fault (baseline)", lambda: ""),
            Phase("F1", "kill -9 of a web worker", kill_web),
            Phase("F2", "dropped database connections", drop_connections),
            Phase("F3", "Redis down", redis_down_now, redis_down, redis_back),
            Phase("F5", "SMTP down then back", smtp_down_now, smtp_down, smtp_back),
        ]
        wanted = {"F0", *filter(None, args.only.upper().split(","))} if args.only else {p.key for p in phases}
        all_ok = True
        for phase in phases:
            if phase.key in wanted:
                result = run_phase(phase, load, sink, pre=pre, post=post, mail_wait=mail_wait, run_id=run_id)
                all_ok = report(result) and all_ok
        restarts = ", ".join(f"{p.name} ×{p.restarts}" for p in stack.processes if p.restarts)
        print(f"\nrestarts by the supervisor: {restarts or 'none'}; {load_average()}")
        print("all targets met" if all_ok else "SOME TARGETS MISSED (see above)")
    sink.stop()
    if not all_ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
