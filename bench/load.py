"""Load bench: Locust (headless, bounded) against a production-shaped Mentora on loopback; prints figures.

    .venv/bin/python bench/load.py --quick                       # Daphne, uvicorn, granian × 1 and 2 workers, 12 s per rate
    .venv/bin/python bench/load.py --servers daphne --workers 2  # one configuration, 30 s per rate
    .venv/bin/python bench/load.py --pages-only                  # per-page cost: queries and ms, in-process
    .venv/bin/python bench/load.py --healthz --workers 1 --rates 100,200,400   # the servers' own cost

What runs (bench/stack.py): web workers of the chosen ASGI server on ports 8730…, `manage.py rqworker
default`, `manage.py run_periodic --loop`, PostgreSQL (database mentora_drills), a private
redis-server on port 6392, production settings, mail to the dummy backend. The users
(bench/locustfile.py) are signed-in members of the demo's running program on the main pages — home,
program, mentorship, conversation, messages, a coordinator's program insights — plus writes (send a
message, save a note, book a meeting): 22 % of requests. Each user sends one request per second at
most (constant throughput), so an offered rate of R req/s is R users; user i talks to worker i mod N
(client-side balancing, as nginx would spread them). When the server falls behind, users wait for
their answers and the achieved rate drops below the offered one.

For each offered rate: achieved req/s, p50/p95/p99, errors by status. The knee is the highest offered
rate still served: achieved ≥ 95 % of offered, p95 ≤ 1 s, no errors. Targets: p95 ≤ 300 ms at 100
req/s, knee ≥ 150 req/s, 0 errors. Locust runs on the same 2 cores as the servers (and other work on
this shared machine), so the figures are noisy and pessimistic; the load average is printed with them.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stack import (
    DEFAULT_DATABASE_URL,
    HOST,
    ROOT,
    Stack,
    cpu_seconds,
    load_average,
    make_participants,
    port_open,
    prepare_database,
    production_env,
    redis_argv,
    setup_django,
    wait_for_port,
    web_argv,
    write_participants,
)

WEB_PORT = 8730
LOAD_DATABASE_URL = DEFAULT_DATABASE_URL.rsplit("/", 1)[0] + "/mentora_load"
REDIS_PORT = 6392
RATES = (25, 50, 100, 150, 200)
QUICK_RATES = (25, 50, 100, 200)


def slot_base() -> str:
    """A time after every meeting in the database: the bookings' slots start there."""
    from mentora.meetings.models import Meeting

    latest = Meeting.objects.order_by("-starts_at").values_list("starts_at", flat=True).first()
    base = max(latest or datetime.now(UTC), datetime.now(UTC) + timedelta(days=30))
    return (base.replace(second=0, microsecond=0) + timedelta(days=1)).isoformat()


def run_locust(*, ports: list[int], participants: Path, rate: int, seconds: int, prefix: Path,
               user_class: str = "Member") -> dict[str, Any]:
    env = {"MENTORA_LOAD_PARTICIPANTS": str(participants), "MENTORA_LOAD_PORTS": ",".join(map(str, ports)),
           "MENTORA_LOAD_SLOT_BASE": slot_base(), "MENTORA_LOAD_PER_USER": "1"}
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), user_class, "--headless",
         "-u", str(rate), "-r", str(rate), "-t", f"{seconds}s", "--reset-stats", "--stop-timeout", "10",
         "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
        cwd=ROOT, env=os.environ | env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        timeout=seconds + 120,
    )
    with Path(f"{prefix}_stats.csv").open() as stats_file:
        rows = {row["Name"]: row for row in csv.DictReader(stats_file)}
    total = rows["Aggregated"]
    errors: Counter[str] = Counter()
    with Path(f"{prefix}_failures.csv").open() as failures_file:
        for row in csv.DictReader(failures_file):
            code = re.search(r"\b([1-5]\d\d)\b", row["Error"])
            errors[code[1] if code else row["Error"][:40]] += int(row["Occurrences"])
    return {
        "rate": rate, "achieved": float(total["Requests/s"]), "requests": int(total["Request Count"]),
        "p50": float(total["50%"]), "p95": float(total["95%"]), "p99": float(total["99%"]), "errors": errors,
        "pages": {name: float(row["95%"]) for name, row in rows.items() if name != "Aggregated"},
    }


def knee(results: list[dict[str, Any]]) -> int:
    served = [r["rate"] for r in results
              if r["achieved"] >= 0.95 * r["rate"] and r["p95"] <= 1000 and not r["errors"]]
    return max(served, default=0)


def main_pages(participants: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, path, who) of each page the Locust users read."""
    org = participants["org"]
    member, coordinator = participants["members"][0], participants["coordinator"]
    m, p = member["mentorship_id"], member["program_id"]
    pages = [("home", f"/o/{org}/", member), ("program", f"/o/{org}/programs/{p}/", member),
             ("mentorship", f"/o/{org}/mentorships/{m}/", member),
             ("conversation", f"/o/{org}/mentorships/{m}/conversation/", member),
             ("messages", f"/o/{org}/messages/", member),
             ("insights (program)", f"/o/{org}/programs/{coordinator['program_id']}/insights/", coordinator),
             ("insights (organization)", f"/o/{org}/insights/", coordinator)]
    return pages


def _client_for(who: dict[str, Any]) -> Any:
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.cookies["sessionid"] = who["cookie"].split(";")[0].split("=", 1)[1]
    return client


def page_costs(participants: dict[str, Any], runs: int = 6) -> None:
    """Queries and milliseconds of each main page, rendered in-process by Django's test client."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = main_pages(participants)
    print(f"\nPer-page cost, in-process (median of {runs - 1} after a warm-up; a member of the running program):")
    for name, path, who in pages:
        client = _client_for(who)
        timings, queries, status = [], 0, 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                status = client.get(path, secure=True).status_code
                timings.append((time.perf_counter() - began) * 1000)
            queries = len(captured.captured_queries)
        print(f"  {name:<24} {status}  {queries:>3} queries  {statistics.median(timings[1:]):6.1f} ms")


def profile_page(participants: dict[str, Any], name: str, runs: int = 20) -> None:
    """Where one page's time goes: pyinstrument over `runs` renders after a warm-up."""
    from pyinstrument import Profiler

    found = [(path, who) for page, path, who in main_pages(participants) if page.startswith(name)]
    if not found:
        raise SystemExit(f"no page named {name!r}; one of: {', '.join(p for p, _, _ in main_pages(participants))}")
    path, who = found[0]
    client = _client_for(who)
    client.get(path, secure=True)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(runs):
            client.get(path, secure=True)
    print(profiler.output_text(unicode=False, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="12 s per rate, rates 25/50/100/200")
    parser.add_argument("--servers", default="daphne,uvicorn,granian", help="daphne, uvicorn, granian (ASGI), gunicorn (WSGI, gthread), gunicorn-uvicorn")
    parser.add_argument("--workers", default="1,2", help="web process counts to try, e.g. 1,2")
    parser.add_argument("--rates", default="", help="offered rates, e.g. 25,50,100")
    parser.add_argument("--seconds", type=int, default=0, help="seconds per rate (default 30, quick 12)")
    parser.add_argument("--database-url", default=LOAD_DATABASE_URL,
                        help="its own database by default, so the drills' (bench/faults.py) gets no backlog of mail")
    parser.add_argument("--pages-only", action="store_true", help="only the per-page cost")
    parser.add_argument("--profile", default="", metavar="PAGE", help="profile one page (home, mentorship, …) and stop")
    parser.add_argument("--healthz", action="store_true",
                        help="only GET /healthz (no database, no template): the server's own cost per request")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")] if args.rates else list(QUICK_RATES if args.quick else RATES)
    seconds = args.seconds or (12 if args.quick else 30)
    workdir = Path(tempfile.mkdtemp(prefix="mentora-load-"))
    redis_url = f"redis://{HOST}:{REDIS_PORT}/0"

    def env(name: str) -> dict[str, str]:
        return production_env(database_url=args.database_url, redis_url=redis_url, smtp_port=25, app_name=name,
                              DJANGO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")

    print(f"Mentora load bench — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {load_average()}")
    print(f"(a shared 2-core machine; Locust runs on it too: figures are noisy). Logs and CSVs: {workdir}")
    with Stack(workdir) as stack:
        stack.add("redis", redis_argv(REDIS_PORT, workdir), env("redis"), port=REDIS_PORT)
        wait_for_port(REDIS_PORT)
        prepare_database(env("mentora-bench"))
        setup_django(env("mentora-bench"))
        participants = make_participants()
        participants_path = workdir / "participants.json"
        write_participants(participants_path, participants)
        if args.profile:
            profile_page(participants, args.profile)
            return
        if not args.healthz:
            page_costs(participants)
        if args.pages_only:
            return
        worker = stack.add("worker", [sys.executable, "manage.py", "rqworker", "default"], env("mentora-worker"))
        stack.add("periodic", [sys.executable, "manage.py", "run_periodic", "--loop"], env("mentora-periodic"))
        summary = []
        for server in args.servers.split(","):
            for workers in (int(w) for w in args.workers.split(",")):
                ports = [WEB_PORT + i for i in range(workers)]
                if any(port_open(port) for port in ports):
                    raise SystemExit(f"one of the ports {ports} is taken")
                webs = [stack.add(f"{server}-{port}", web_argv(server, port), env(f"mentora-web-{port}"), port=port)
                        for port in ports]
                for port in ports:
                    wait_for_port(port)
                run_locust(ports=ports, participants=participants_path, rate=20, seconds=6,
                           prefix=workdir / f"{server}-{workers}-warm")  # templates compile, pools fill
                print(f"\n{server}, {workers} worker{'s' if workers > 1 else ''} ({load_average()}):")
                print("  offered  achieved   p50    p95    p99  (ms)  errors   CPU ms per request: web, worker")
                results = []
                for rate in rates:
                    web_cpu, worker_cpu = sum(cpu_seconds(web) for web in webs), cpu_seconds(worker)
                    result = run_locust(ports=ports, participants=participants_path, rate=rate, seconds=seconds,
                                        prefix=workdir / f"{server}-{workers}-{rate}",
                                        user_class="Probe" if args.healthz else "Member")
                    results.append(result)
                    served = max(1, result["requests"])
                    web_ms = 1000 * (sum(cpu_seconds(web) for web in webs) - web_cpu) / served
                    worker_ms = 1000 * (cpu_seconds(worker) - worker_cpu) / served
                    errors = ", ".join(f"{code} ×{n}" for code, n in result["errors"].most_common()) or "0"
                    print(f"  {rate:>7} {result['achieved']:>9.1f} {result['p50']:>6.0f} {result['p95']:>6.0f} "
                          f"{result['p99']:>6.0f}        {errors:<8} {web_ms:5.1f}, {worker_ms:4.1f}")
                slowest = max(results[0]["pages"].items(), key=lambda item: item[1])
                print(f"  knee {knee(results)} req/s; slowest page at {rates[0]} req/s: {slowest[0]} "
                      f"(p95 {slowest[1]:.0f} ms)")
                summary.append((server, workers, knee(results),
                                next((r["p95"] for r in results if r["rate"] == 100), None)))
                for web in webs:
                    stack.remove(web)
        print(f"\nSummary ({load_average()}):")
        for server, workers, best, p95_at_100 in summary:
            at_100 = "—" if p95_at_100 is None else f"{p95_at_100:.0f} ms"
            print(f"  {server:<9} {workers} worker(s): knee {best:>3} req/s, p95 at 100 req/s {at_100}")


if __name__ == "__main__":
    main()
