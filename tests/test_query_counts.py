"""List pages run a fixed number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory


def grow(world: World, n: int) -> None:
    """Add n people, n programs and n enrolments to Acme."""
    for _ in range(n):
        person = MembershipFactory(organization=world.org)
        program = ProgramFactory(organization=world.org)
        EnrollmentFactory(program=world.program, membership=person, role="mentee", status="applied")
        EnrollmentFactory(program=program, membership=person, role="mentee")


def count_queries(get: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200  # type: ignore[attr-defined]
    return len(captured)


PAGES = [
    ("coordinator", "accounts:people", lambda w: ["acme"]),
    ("coordinator", "programs:list", lambda w: ["acme"]),
    ("coordinator", "programs:enrollments", lambda w: ["acme", w.program.pk]),
    ("coordinator", "core:dashboard", lambda w: ["acme"]),
    ("member", "programs:list", lambda w: ["acme"]),
    ("member", "core:dashboard", lambda w: ["acme"]),
    ("admin", "core:audit_log", lambda w: ["acme"]),
    ("member", "profiles:edit", lambda w: ["acme"]),
]


@pytest.mark.parametrize(("role", "name", "args"), PAGES, ids=[f"{r}:{n}" for r, n, _ in PAGES])
def test_list_pages_do_not_grow_with_rows(world: World, role: str, name: str, args) -> None:
    client = client_for(getattr(world, role))
    url = reverse(name, args=args(world))
    grow(world, 3)
    small = count_queries(lambda: client.get(url))
    grow(world, 15)
    large = count_queries(lambda: client.get(url))
    assert large == small, f"{name}: {small} queries with few rows, {large} with more"
    assert small <= 25


def test_the_api_program_list_does_not_grow_with_rows(world: World) -> None:
    client = client_for(world.coordinator)
    grow(world, 3)
    small = count_queries(lambda: client.get("/api/orgs/acme/programs"))
    grow(world, 15)
    assert count_queries(lambda: client.get("/api/orgs/acme/programs")) == small


def test_the_filtered_enrolment_review_and_its_bulk_summary_do_not_grow_with_rows(world: World) -> None:
    """Status tabs with counts, search and role filters, and the confirmation of a bulk decision."""
    client = client_for(world.coordinator)
    review = reverse("programs:enrollments", args=["acme", world.program.pk]) + "?status=applied&role=mentee&q=e"
    decide = reverse("programs:enrollments_decide", args=["acme", world.program.pk])

    def summary() -> object:
        ids = list(world.program.enrollments.filter(status="applied").values_list("pk", flat=True))
        return client.post(decide, {"enrollment": ids, "decision": "approve"})

    grow(world, 3)
    client.get(review)  # the first visit stores the filters in the session; later ones only read them
    small_review, small_summary = count_queries(lambda: client.get(review)), count_queries(summary)
    grow(world, 15)
    assert count_queries(lambda: client.get(review)) == small_review
    assert count_queries(summary) == small_summary
    assert small_review <= 25 and small_summary <= 15
