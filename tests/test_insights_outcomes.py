"""Outcomes beyond the program: HR events imported from a CSV (checked, previewed, all-or-nothing),
and retention and internal mobility of participants against comparable colleagues, thresholds applied."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mentora.core.errors import DomainError
from mentora.insights.hr_import import apply_hr_events, preview_hr_events
from mentora.insights.models import HrEvent
from mentora.insights.outcomes import outcome_report, wilson
from mentora.mentorships.services import create_mentorship
from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory


def _csv(*lines: str) -> bytes:
    return ("email,date,event\n" + "\n".join(lines) + "\n").encode()


def test_a_file_with_any_wrong_line_imports_nothing_and_says_why(world: World) -> None:
    content = _csv("mentee@acme.test,2026-01-10,promotion", "nobody@acme.test,2026-01-10,exit",
                   "mentor@acme.test,10/01/2026,exit", "member@acme.test,2026-01-10,holiday",
                   "boss@globex.test,2026-01-10,exit")
    preview = preview_hr_events(organization=world.org, content=content)
    errors = {row.line: row.errors for row in preview.rows}
    assert errors[2] == []
    assert errors[3] == ["Nobody with this email is a member of the organization."]
    assert errors[4] == ["The date must look like 2026-03-31."]
    assert errors[5] == ["The event must be hire, promotion, role_change or exit."]
    assert errors[6] == ["Nobody with this email is a member of the organization."]  # another organization's member
    assert not preview.is_valid
    with pytest.raises(DomainError):
        apply_hr_events(organization=world.org, content=content, imported_by=world.coordinator.user)
    assert not HrEvent.objects.exists()
    assert preview_hr_events(organization=world.org, content=b"name,when\nx,y\n").file_errors


def test_a_good_file_imports_once(world: World) -> None:
    content = _csv("MENTEE@acme.test,2026-01-10,Promoted", "mentor@acme.test,2019-05-01,hire", "mentor@acme.test,2026-02-01,left")
    assert apply_hr_events(organization=world.org, content=content, imported_by=world.coordinator.user) == 3
    assert apply_hr_events(organization=world.org, content=content, imported_by=world.coordinator.user) == 0
    assert sorted(HrEvent.objects.values_list("kind", flat=True)) == ["exit", "hire", "promotion"]


def _cohort(world: World, *, participants: int, colleagues: int):
    today = timezone.localdate()
    program = ProgramFactory(organization=world.org, name="Returners", starts_on=today - timedelta(days=200),
                             ends_on=today - timedelta(days=20))
    joined, others = [], []
    for _index in range(participants):
        mentor = MembershipFactory(organization=world.org, profile__department="Ops", profile__level=9)
        mentee = MembershipFactory(organization=world.org, profile__department="Sales", profile__level=3)
        EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=1)
        EnrollmentFactory(program=program, membership=mentee, role="mentee")
        create_mentorship(program=program, members=[(mentor, "mentor"), (mentee, "mentee")],
                          created_by=world.coordinator.user)
        joined.append(mentee)
    for _index in range(colleagues):
        others.append(MembershipFactory(organization=world.org, profile__department="Sales", profile__level=2))
    return program, joined, others


def test_participants_against_comparable_colleagues_with_intervals(world: World) -> None:
    program, joined, others = _cohort(world, participants=6, colleagues=12)
    after = program.starts_on + timedelta(days=60)
    events = [HrEvent(organization=world.org, membership=joined[0], kind="exit", occurred_on=after)]
    events += [HrEvent(organization=world.org, membership=m, kind="exit", occurred_on=after) for m in others[:4]]
    events += [HrEvent(organization=world.org, membership=m, kind="promotion", occurred_on=after) for m in joined[1:3]]
    events += [HrEvent(organization=world.org, membership=others[5], kind="role_change", occurred_on=after)]
    # Someone who left before the program started is nobody's comparison.
    events += [HrEvent(organization=world.org, membership=others[11], kind="exit",
                       occurred_on=program.starts_on - timedelta(days=5))]
    HrEvent.objects.bulk_create(events)
    report = outcome_report(program)
    assert (report.participants, report.comparators, report.is_shown) == (6, 11, True)
    stayed, moved = report.measures
    assert (stayed.participant_rate, stayed.comparison_rate, stayed.difference) == (0.833, 0.636, 0.197)
    assert stayed.participant_interval == wilson(5, 6)
    low, high = stayed.difference_interval
    assert low < 0 < high  # six people: the difference may be nothing
    assert (moved.participant_rate, moved.comparison_rate) == (0.333, 0.091)


def test_fewer_than_five_in_a_group_shows_nothing(world: World) -> None:
    program, _joined, _others = _cohort(world, participants=4, colleagues=12)
    report = outcome_report(program)
    assert report.participants == 4 and not report.is_shown
    page = client_for(world.coordinator).get(reverse("insights:outcomes", args=["acme", program.pk]))
    assert "Not enough people to compare yet (4 participants" in page.content.decode()


def test_the_page_checks_then_imports_the_file(world: World) -> None:
    program, joined, _others = _cohort(world, participants=5, colleagues=6)
    client = client_for(world.coordinator)
    url = reverse("insights:outcomes", args=["acme", program.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Read this as an association, not as proof" in page.content.decode()
    content = _csv(f"{joined[0].user.email},2026-11-01,promotion")
    preview = client.post(url, {"file": SimpleUploadedFile("hr.csv", content, content_type="text/csv")})
    assert preview.status_code == 200 and "Import 1 event" in preview.content.decode()
    assert not HrEvent.objects.exists()
    done = client.post(url, {"confirm": "yes", "content": base64.b64encode(content).decode()})
    assert done.status_code == 302 and HrEvent.objects.count() == 1
    assert client.post(url, {"confirm": "yes", "content": "%%%"}).status_code == 422
    assert client_for(world.mentee).get(url).status_code == 404
