"""Benchmark of real-time messaging and free-slot search; prints figures (not a test).

    .venv/bin/python bench/realtime.py              # 500 websocket clients on Redis, one Daphne worker
    .venv/bin/python bench/realtime.py --clients 100 --messages 50   # quicker

1. Free-slot search for a circle of 8 (8 zones, EU and NA) over 8 weeks (target < 50 ms).
2. N websocket clients (N/2 pairs, each pair a mentorship with its conversation) connect to one
   Daphne process whose channel layer is Redis. Senders take turns posting over their socket;
   for each message we time send → receipt by every member of that conversation (the sender's
   echo included). Target: p95 < 100 ms on a 2-core machine.

Needs Redis (MENTORA_REDIS_URL, default redis://127.0.0.1:6379/15) and the `websockets` package.
Uses a throw-away SQLite database in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_free_slots(runs: int = 50) -> None:
    from mentora.meetings.slots import Person, free_slots

    zones = ["Europe/Paris", "America/New_York", "Europe/London", "America/Chicago", "Europe/Berlin",
             "America/Toronto", "Europe/Lisbon", "America/Denver"]
    circle = [Person(zone, [(d, 7 * 60 + 30 * i % 120, 19 * 60) for d in range(5)]) for i, zone in enumerate(zones)]
    start = datetime(2026, 2, 23, tzinfo=UTC)  # the 8 weeks cross both March DST changes
    busy = [(start + timedelta(days=d, hours=14), start + timedelta(days=d, hours=15)) for d in range(0, 56, 3)]
    timings = []
    found = 0
    for _ in range(runs):
        began = time.perf_counter()
        found = len(free_slots(circle, start, start + timedelta(weeks=8), duration=timedelta(hours=1), busy=busy))
        timings.append((time.perf_counter() - began) * 1000)
    print(f"free slots, circle of 8 over 8 weeks: median {statistics.median(timings):.2f} ms, "
          f"p95 {percentile(timings, 0.95):.2f} ms ({found} slots, {runs} runs)")


def prepare_database(db_path: str, pairs: int) -> list[tuple[int, str, str]]:
    """Migrate a fresh database; create `pairs` mentorships. Returns (mentorship id, cookie A, cookie B)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from mentora.accounts.models import Membership, User
    from mentora.core.models import Organization
    from mentora.mentorships.models import Mentorship, MentorshipMember
    from mentora.messaging.models import Conversation
    from mentora.profiles.models import Profile
    from mentora.programs.models import Program

    organization = Organization.objects.create(name="Bench", slug="bench")
    today = datetime.now(UTC).date()
    program = Program.objects.create(organization=organization, name="Bench", status="open", starts_on=today,
                                     ends_on=today + timedelta(days=90))
    users = User.objects.bulk_create([User(email=f"u{i}@bench.test", full_name=f"User {i}") for i in range(2 * pairs)])
    memberships = Membership.objects.bulk_create([Membership(user=u, organization=organization) for u in users])
    Profile.objects.bulk_create([Profile(membership=m) for m in memberships])
    result = []
    for i in range(pairs):
        mentorship = Mentorship.objects.create(program=program, status="active", kind="pair")
        MentorshipMember.objects.bulk_create([
            MentorshipMember(mentorship=mentorship, membership=memberships[2 * i], role="mentor", program=program),
            MentorshipMember(mentorship=mentorship, membership=memberships[2 * i + 1], role="mentee", program=program),
        ])
        Conversation.objects.create(mentorship=mentorship)
        cookies = []
        for user in (users[2 * i], users[2 * i + 1]):
            session = SessionStore()
            session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            cookies.append(f"sessionid={session.session_key}")
        result.append((mentorship.pk, cookies[0], cookies[1]))
    return result


async def bench_websockets(port: int, pairs_info: list[tuple[int, str, str]], messages: int) -> None:
    import websockets

    origin = f"http://127.0.0.1:{port}"
    sockets: list[tuple[object, object]] = []
    began = time.perf_counter()
    for mentorship_id, cookie_a, cookie_b in pairs_info:
        url = f"ws://127.0.0.1:{port}/ws/o/bench/conversations/{mentorship_id}/"
        pair = []
        for cookie in (cookie_a, cookie_b):
            pair.append(await websockets.connect(url, origin=origin, additional_headers={"Cookie": cookie},
                                                 max_queue=None, open_timeout=30))
        sockets.append((pair[0], pair[1]))
    print(f"connected {2 * len(sockets)} websocket clients in {time.perf_counter() - began:.1f} s")

    async def wait_for(ws: object, marker: str) -> float:
        while True:
            data = json.loads(await ws.recv())  # type: ignore[attr-defined]
            if data.get("type") == "message" and marker in data["html"]:
                return time.perf_counter()

    latencies = []
    warm_up = 20  # first messages compile templates and open connections: not measured
    for n in range(-warm_up, messages):
        sender, receiver = sockets[(n * 7) % len(sockets)]
        marker = f"bench-{n}-{time.time_ns()}"
        sent_at = time.perf_counter()
        await sender.send(json.dumps({"action": "send", "body": marker}))  # type: ignore[attr-defined]
        received = await asyncio.wait_for(asyncio.gather(wait_for(receiver, marker), wait_for(sender, marker)), 10)
        if n >= 0:
            latencies.append((max(received) - sent_at) * 1000)
    print(f"send → receipt by all members ({messages} messages, {2 * len(sockets)} clients connected): "
          f"median {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
          f"max {max(latencies):.1f} ms")
    for pair in sockets:
        for ws in pair:
            await ws.close()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    redis_url = os.environ.get("MENTORA_REDIS_URL", "redis://127.0.0.1:6379/15")
    workdir = tempfile.mkdtemp(prefix="mentora-bench-")
    db_path = str(Path(workdir) / "bench.sqlite3")
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.base", "MENTORA_SQLITE_PATH": db_path,
                       "REDIS_URL": redis_url, "DJANGO_SECRET_KEY": "bench-only"})
    bench_free_slots()
    pairs_info = prepare_database(db_path, args.clients // 2)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (Path(workdir) / "daphne.log").open("wb")
    print(f"server log: {log.name}")
    server = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                              cwd=ROOT, env={**os.environ}, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        print(f"one Daphne worker, channel layer: Redis ({redis_url}), database: SQLite")
        asyncio.run(bench_websockets(port, pairs_info, args.messages))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
