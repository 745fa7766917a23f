"""Matching in the product, end to end: database snapshot → engine → saved proposals → preview page.

    python bench/matching_product.py            # demo (300 people) and 10,000 mentees × 2,000 mentors
    python bench/matching_product.py --quick    # demo and 1,000 × 200 only

Runs on a throw-away SQLite database (or DATABASE_URL if set), prints a table of seconds and peak
memory. Targets (issue 4, 2-core machine): demo run + preview < 2 s; 10k × 2k run incl. snapshot and
saving < 60 s; preview page < 1 s. Embeddings are computed when profiles change (here: during seeding)
and reported separately, as in the product.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.gettempdir()) / f"mentora-bench-{os.getpid()}.sqlite3"
os.environ.setdefault("MENTORA_SQLITE_PATH", str(DB))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from mentora.accounts.models import Membership, Role, User  # noqa: E402
from mentora.core.models import Organization  # noqa: E402
from mentora.matching.embeddings import cached_vectors  # noqa: E402
from mentora.matching.services import solve_run, start_match_run  # noqa: E402
from mentora.profiles.models import AvailabilitySlot, Profile, ProfileSkill, Skill  # noqa: E402
from mentora.programs.models import Enrollment, Program  # noqa: E402

GOALS = ["Grow into a people-manager role", "Present with confidence to leadership", "Use AI assistants well",
         "Move from analysis into product", "Rebuild my network after leave", "Understand P&L and strategy",
         "Become a stronger technical leader", "Learn responsible AI practice", "Prepare for promotion"]
ZONES = ["Europe/Paris", "Europe/London", "America/Toronto", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore"]
DEPARTMENTS = ["Engineering", "Product", "Data", "Sales", "Marketing", "People", "Finance", "Operations"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed_program(org: Organization, *, mentees: int, mentors: int, seed: int = 1) -> tuple[Program, float]:
    rng = random.Random(seed)
    started = time.perf_counter()
    skill_ids = list(Skill.objects.filter(organization__isnull=True).values_list("pk", flat=True))
    n = mentees + mentors
    users = User.objects.bulk_create(User(email=f"b{seed}-{i}@bench.example", full_name=f"Bench {i}") for i in range(n))
    members = Membership.objects.bulk_create(Membership(user=u, organization=org, role=Role.MEMBER) for u in users)
    profiles = Profile.objects.bulk_create(
        Profile(membership=m, department=rng.choice(DEPARTMENTS), level=rng.randint(1, 10), location=f"Site {i % 7}",
                timezone=ZONES[i % len(ZONES)], languages=["en"] + (["fr"] if i % 3 == 0 else []),
                goals=f"{rng.choice(GOALS)} ({rng.choice(DEPARTMENTS).lower()})", interests=rng.sample(["ai", "leadership", "data", "writing", "speaking"], 2),
                communication_preferences=rng.sample(["video", "chat", "async", "phone"], 2))
        for i, m in enumerate(members)
    )
    skills, slots = [], []
    for i, profile in enumerate(profiles):
        direction = "offered" if i < mentors else "wanted"
        for skill in rng.sample(skill_ids, 4 if direction == "offered" else 2):
            skills.append(ProfileSkill(profile=profile, skill_id=skill, direction=direction, level=rng.randint(1, 4)))
        for day in rng.sample(range(5), 2):
            start = rng.choice([8, 9, 10, 13, 14, 15])
            slots.append(AvailabilitySlot(profile=profile, weekday=day, start_minute=start * 60, end_minute=(start + 2) * 60))
    ProfileSkill.objects.bulk_create(skills, batch_size=5000)
    AvailabilitySlot.objects.bulk_create(slots, batch_size=5000)
    program = Program.objects.create(organization=org, name=f"Bench {mentees}x{mentors}", status="open",
                                     starts_on="2027-01-01", ends_on="2027-06-30", roles_offered=["mentor", "mentee"])
    Enrollment.objects.bulk_create(
        [Enrollment(program=program, membership=m, role="mentor", status="approved", capacity=5) for m in members[:mentors]]
        + [Enrollment(program=program, membership=m, role="mentee", status="approved") for m in members[mentors:]],
        batch_size=5000,
    )
    return program, time.perf_counter() - started


def measure(program: Program, coordinator: User, client: Client) -> dict[str, float]:
    texts = list(Profile.objects.filter(membership__enrollments__program=program).values_list("goals", flat=True))
    started = time.perf_counter()
    cached_vectors(texts)  # in the product: on profile save, by a background task
    embed = time.perf_counter() - started
    started = time.perf_counter()
    run = start_match_run(program=program, started_by=coordinator)
    snapshot = time.perf_counter() - started
    started = time.perf_counter()
    run = solve_run(run)
    solve_and_save = time.perf_counter() - started
    assert run.status == "done", run.error
    url = f"/o/{program.organization.slug}/programs/{program.pk}/matching/runs/{run.pk}/"
    client.get(url)  # warm the template cache
    started = time.perf_counter()
    response = client.get(url)
    preview = time.perf_counter() - started
    assert response.status_code == 200, (response.status_code, response.content[:3000])
    return {"embed (on profile change)": embed, "snapshot": snapshot, "solve + save": solve_and_save,
            "run total": snapshot + solve_and_save, "preview page": preview, "matched": run.quality["matched"],
            "people": run.quality["people"], "gap": run.quality.get("optimality_gap") or 0.0, "peak MB": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    org = Organization.objects.get(slug="northwind")
    coordinator = User.objects.get(email="coordinator@northwind.example")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(coordinator)
    rows = []
    demo = Program.objects.get(organization=org, name="Career Growth 2027")  # the one still to be matched
    rows.append(("demo one-on-one, cold process", 0.0, measure(demo, coordinator, client)))
    rows.append(("demo one-on-one, warm", 0.0, measure(demo, coordinator, client)))
    sizes = [(1000, 200)] if args.quick else [(1000, 200), (10000, 2000)]
    for mentees, mentors in sizes:
        program, seeded = seed_program(org, mentees=mentees, mentors=mentors, seed=mentees)
        rows.append((f"{mentees:,} mentees × {mentors:,} mentors", seeded, measure(program, coordinator, client)))
    header = f"{'case':<32}{'seed s':>8}{'embed s':>9}{'snapshot':>10}{'solve+save':>11}{'run total':>10}{'preview':>9}{'matched':>14}{'gap':>8}{'peak MB':>9}"
    print(header)
    print("-" * len(header))
    for name, seeded, m in rows:
        print(f"{name:<32}{seeded:>8.1f}{m['embed (on profile change)']:>9.2f}{m['snapshot']:>10.2f}{m['solve + save']:>11.2f}"
              f"{m['run total']:>10.2f}{m['preview page']:>9.3f}{int(m['matched']):>7}/{int(m['people']):<6}{m['gap']:>8.3f}{m['peak MB']:>9.0f}")
    if DB.exists() and os.environ["MENTORA_SQLITE_PATH"] == str(DB):
        DB.unlink()


if __name__ == "__main__":
    main()
