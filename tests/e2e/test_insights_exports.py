"""A coordinator downloads a program's records from the exports page, through Daphne (the server the
deployment runs, where a download must be streamed asynchronously): the CSV opens with its accents
and the right header row, the XLSX with a bold, frozen header. axe clean at 1280 and 390 px."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect

from mentora.core.models import AuditEvent
from mentora.mentorships.services import create_mentorship
from mentora.programs.models import Program
from tests.conftest import World
from tests.e2e.conftest import VIEWPORT, assert_accessible, login, screenshot
from tests.e2e.live_asgi import AsgiServer, asgi_server  # noqa: F401 — the fixture
from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def program(world: World) -> Program:
    """Career Growth 2027: three pairs, one of them with a name a spreadsheet would run as a formula."""
    program = ProgramFactory(organization=world.org, name="Career Growth 2027")
    for index, (mentor_name, mentee_name) in enumerate(
        (("Zoë Müller", "Chloé Durand"), ("Ana Silva", "=HYPERLINK(\"https://evil.example\")"), ("Bo Chen", "Dee Evans"))
    ):
        mentor = MembershipFactory(organization=world.org, user=UserFactory(full_name=mentor_name, email=f"mentor{index}@acme.test"))
        mentee = MembershipFactory(organization=world.org, user=UserFactory(full_name=mentee_name, email=f"mentee{index}@acme.test"))
        EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=1)
        EnrollmentFactory(program=program, membership=mentee, role="mentee")
        create_mentorship(program=program, members=[(mentor, "mentor"), (mentee, "mentee")], created_by=world.coordinator.user)
    return program


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC", accept_downloads=True).new_page()
    page.set_default_timeout(15_000)
    return page


def download(page: Page, dataset: str, fmt: str) -> tuple[str, bytes]:
    card = page.get_by_role("article", name=dataset)
    with page.expect_download() as info:
        card.get_by_role("link", name=f"Download {dataset} as CSV" if fmt == "csv" else f"Download {dataset} for Excel (XLSX)").click()
    found = info.value
    return found.suggested_filename, Path(found.path()).read_bytes()


def test_a_coordinator_downloads_a_programs_enrolments_as_csv_and_xlsx(
        browser: Browser, asgi_server: AsgiServer, world: World, program: Program) -> None:  # noqa: F811
    page = new_page(browser)
    login(page, asgi_server, "coord@acme.test")
    page.goto(f"{asgi_server.url}/o/acme/programs/{program.pk}/")
    page.get_by_role("link", name="Exports", exact=True).click()
    expect(page.get_by_role("heading", name="Exports", level=1)).to_be_visible()
    enrolments = page.get_by_role("article", name="Enrolments")
    expect(enrolments.get_by_text("6 enrolments")).to_be_visible()
    expect(page.get_by_role("article", name="Evaluation results").get_by_text("Figures about groups")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "insights-exports", phone=True)

    name, body = download(page, "Enrolments", "csv")
    assert name.startswith("career-growth-2027-enrolments-") and name.endswith(".csv")
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0][:8] == ["Person", "Email", "Department", "Job title", "Site", "Job level", "Role", "Status"]
    people = {row[0] for row in rows[1:]}
    assert {"Zoë Müller", "Chloé Durand", "'=HYPERLINK(\"https://evil.example\")"} <= people

    name, body = download(page, "Matches and mentorships", "xlsx")
    assert name.startswith("career-growth-2027-mentorships-") and name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    assert [cell.value for cell in sheet[1]][:6] == ["Mentorship", "Kind", "Status", "How it started", "Topic", "Members"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    members = {sheet.cell(row=row, column=6).value for row in range(2, sheet.max_row + 1)}
    assert "Zoë Müller (mentor); Chloé Durand (mentee)" in members

    exported = AuditEvent.objects.filter(action="insights.export", actor=world.coordinator.user).order_by("pk")
    assert [event.details for event in exported] == [{"dataset": "enrolments", "format": "csv"},
                                                      {"dataset": "mentorships", "format": "xlsx"}]


def test_a_new_program_offers_its_exports_with_a_word_on_what_they_will_hold(
        browser: Browser, asgi_server: AsgiServer, world: World) -> None:  # noqa: F811
    empty = ProgramFactory(organization=world.org, name="Returners 2028")
    page = new_page(browser)
    login(page, asgi_server, "admin@acme.test")
    page.goto(f"{asgi_server.url}/o/acme/programs/{empty.pk}/insights/exports/")
    expect(page.get_by_role("article", name="Goals progress").get_by_text("Nothing yet")).to_be_visible()
    assert_accessible(page)
    name, body = download(page, "Goals progress", "csv")
    assert name.startswith("returners-2028-goals-")
    assert body.decode("utf-8-sig").splitlines() == [
        "Mentorship,Goal,Owner,Owner's role,Status,Target date,Milestones done,Milestones,Milestones overdue,"
        "Steps done,Steps,Progress (%)"]
