"""Does sign-up, sign-in or password reset take longer for an address that has an account?

    python bench/signin.py            # 21 requests of each kind
    python bench/signin.py --runs 51

Runs through the full Django stack on a throw-away SQLite database with the production password
hasher (PBKDF2). Prints the median milliseconds for a known and an unknown address on each form,
and the gap. Before issue 14 a sign-up for a taken address answered in 0.06 s against 0.30 s for a
new one; the target is a gap within the noise (under 10 % of the slower median).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.gettempdir()) / f"mentora-bench-signin-{os.getpid()}.sqlite3"
os.environ.setdefault("MENTORA_SQLITE_PATH", str(DB))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("MENTORA_SECURITY_LOG_LEVEL", "WARNING")  # one line per failed sign-in otherwise
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from mentora.accounts.models import User  # noqa: E402

KNOWN = "known.person@bench.example"
addresses = (f"203.0.{n // 250}.{n % 250 + 1}" for n in itertools.count())  # a fresh address each time:
# the throttles (per address) stay out of the measurement.


def median_ms(runs: int, post: Callable[[Client, int], object]) -> float:
    times = []
    for run in range(runs):
        cache.clear()  # allauth's per-address reset limit would answer 429 after five runs
        client = Client(REMOTE_ADDR=next(addresses), HTTP_HOST="localhost")
        started = time.perf_counter()
        post(client, run)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:])  # the first warms caches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    call_command("migrate", verbosity=0)
    user = User.objects.create_user(email=KNOWN, password="An-old-password-1")
    EmailAddress.objects.create(user=user, email=KNOWN, verified=True, primary=True)
    password = {"password1": "A-long-pass-2026!", "password2": "A-long-pass-2026!"}
    cases = {
        "sign-up": (lambda c, _n: c.post("/accounts/signup/", {"email": KNOWN, **password}),
                    lambda c, n: c.post("/accounts/signup/", {"email": f"new{n}@bench.example", **password})),
        "sign-in (wrong password)": (lambda c, _n: c.post("/accounts/login/", {"login": KNOWN, "password": "nope-nope"}),
                                     lambda c, n: c.post("/accounts/login/", {"login": f"nobody{n}@bench.example",
                                                                              "password": "nope-nope"})),
        "password reset": (lambda c, _n: c.post("/accounts/password/reset/", {"email": KNOWN}),
                           lambda c, n: c.post("/accounts/password/reset/", {"email": f"nobody{n}@bench.example"})),
    }
    print(f"{'form':<26} {'known ms':>9} {'unknown ms':>11} {'gap':>7}")
    for name, (known, unknown) in cases.items():
        a, b = median_ms(runs, known), median_ms(runs, unknown)
        print(f"{name:<26} {a:>9.1f} {b:>11.1f} {abs(a - b) / max(a, b):>6.1%}")
    DB.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
