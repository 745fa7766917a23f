"""The smallest group a figure may describe is the organization's choice (3 to 11, 5 unless set):
the program health page, the roll-up, the exports and the run preview all hide by it."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from mentora.core.models import AuditEvent, Organization
from mentora.core.suppression import Group, suppress_groups
from mentora.insights.export_tables import Scope
from mentora.insights.health import program_insights
from mentora.matching.quality import run_quality
from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory


def _department(world: World, name: str, people: int) -> None:
    for _ in range(people):
        member = MembershipFactory(organization=world.org)
        member.profile.department = name
        member.profile.save()
        EnrollmentFactory(program=world.program, membership=member, role="mentee")


def _shown(rows) -> dict[str, int | None]:
    return {row.label: row.size for row in rows}


def test_a_larger_k_hides_groups_the_default_shows(world: World) -> None:
    _department(world, "Sales", 6)
    _department(world, "Ops", 5)  # hidden with the world's lone mentee at k = 5, so Sales stays shown
    _department(world, "Legal", 9)
    assert _shown(program_insights(world.program).by_department)["Sales"] == 6  # k = 5
    Organization.objects.filter(pk=world.org.pk).update(min_group_size=8)
    world.program.refresh_from_db()
    world.program.organization.refresh_from_db()
    shown = _shown(program_insights(world.program).by_department)
    assert shown["Sales"] is None and shown["Legal"] == 9  # 6 < 8, hidden
    assert all(size is None or size >= 8 for size in shown.values())


def test_the_exports_and_the_run_preview_use_the_organizations_k(world: World) -> None:
    Organization.objects.filter(pk=world.org.pk).update(min_group_size=3)
    world.program.organization.refresh_from_db()
    assert Scope.of(world.program).k == 3
    people = [{"id": str(i), "profile": {"department": "Ops" if i < 4 else "Data"}} for i in range(10)]
    preview = run_quality({"mentees": people, "mentors": []}, [], [], k=3)
    assert {row["group"]: row["people"] for row in preview["by_department"]} == {"Data": 6, "Ops": 4}
    preview = run_quality({"mentees": people, "mentors": []}, [], [], k=5)
    assert all(row.get("hidden") or row["people"] >= 5 for row in preview["by_department"])
    assert [row.is_hidden for row in suppress_groups([Group("A", 4), Group("B", 9)], k=3)] == [False, False]


def test_the_database_refuses_a_k_outside_3_to_11(world: World) -> None:
    for bad in (2, 12):
        with pytest.raises(IntegrityError), transaction.atomic():
            Organization.objects.filter(pk=world.org.pk).update(min_group_size=bad)


def test_only_an_admin_sets_k_and_bad_values_change_nothing(world: World) -> None:
    url = reverse("core:organization_settings", args=["acme"])
    admin = client_for(world.admin)
    answer = admin.post(url, {"section": "retention", "retention_months": "24", "min_group_size": "7"})
    assert answer.status_code == HTTPStatus.FOUND
    assert Organization.objects.get(pk=world.org.pk).min_group_size == 7
    assert AuditEvent.objects.filter(action="privacy.min_group_change", details__to=7).exists()
    for bad in ("2", "12", "many"):
        refused = admin.post(url, {"section": "retention", "retention_months": "24", "min_group_size": bad})
        assert refused.status_code == 422
    assert Organization.objects.get(pk=world.org.pk).min_group_size == 7
    coordinator = client_for(world.coordinator)
    assert coordinator.post(url, {"section": "retention", "retention_months": "24", "min_group_size": "3"}).status_code == 404
    assert Organization.objects.get(pk=world.org.pk).min_group_size == 7
