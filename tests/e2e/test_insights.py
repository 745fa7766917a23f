"""Insights in a real browser: a coordinator opens the organization's programs side by side, reads one
program's health in words and charts, filters it, and opens the people behind a figure; axe-clean at
1280 and 390 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentora.feedback.models import CheckIn, Evaluation, SelfAssessment, SelfRating
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login, screenshot
from tests.test_insights_health import _meeting, build_history

pytestmark = pytest.mark.e2e

NAMES = ["Amara Nwosu", "Chloé Okafor", "Felix Kapoor", "Jonas Berg", "Priya Raman", "Leo Marchetti", "Sofia Lindqvist",
         "Tomás Herrera", "Mei Tanaka", "Omar Haddad", "Ingrid Solberg", "Kwame Mensah", "Lucía Ortega", "Noah Fischer"]


def lived_in(world: World):
    """A program 100 days in: six pairs, meetings week after week, check-ins, evaluations, growth."""
    history = build_history(world, pairs=6, departments=("Sales", "Design"))
    for person, name in zip(history.mentees + history.mentors, NAMES, strict=False):
        person.user.full_name = name
        person.user.save(update_fields=["full_name"])
    now = timezone.now()
    for week in range(8):
        for index, mentorship in enumerate(history.pairs[2:], start=2):
            if (week + index) % 3:
                _meeting(mentorship, 7 * week + 2, happened=True)
    for week in range(3):
        for sequence, (mentee, mentorship) in enumerate(zip(history.mentees, history.pairs, strict=True)):
            CheckIn.objects.create(mentorship=mentorship, respondent=mentee, sequence=week + 1,
                                   due_on=(now - timedelta(weeks=week)).date(), answered_at=now - timedelta(weeks=week),
                                   going_well=3 + (sequence + week) % 3, usefulness=4, meeting_regularly=True)
    for index, person in enumerate(history.mentees + history.mentors[:2]):
        Evaluation.objects.create(mentorship=history.pairs[index % 6], membership=person, satisfaction=4 + index % 2,
                                  nps=[10, 9, 9, 8, 6, 10, 7, 9][index], outcomes=["fully", "partly"][index % 2])
    for index, (mentee, mentorship) in enumerate(zip(history.mentees, history.pairs, strict=True)):
        start = SelfAssessment.objects.create(mentorship=mentorship, membership=mentee, phase="start")
        end = SelfAssessment.objects.create(mentorship=mentorship, membership=mentee, phase="end")
        SelfRating.objects.create(assessment=start, skill="Public speaking", rating=2)
        SelfRating.objects.create(assessment=end, skill="Public speaking", rating=3 + index % 2)
    return history


def test_a_coordinator_reads_how_a_program_is_going_and_who_needs_a_hand(page: Page, live_server, world: World):
    history = lived_in(world)
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/")
    page.get_by_role("link", name="Insights").first.click()
    expect(page.get_by_role("heading", name="How your programs are going")).to_be_visible()
    expect(page.get_by_role("table", name="Programs side by side")).to_contain_text("Returners 2026")
    assert_accessible(page)
    screenshot(page, "insights-organization", phone=True)

    page.get_by_role("link", name="Returners 2026").click()
    headline = page.get_by_role("region", name="In a minute")
    expect(headline).to_contain_text("6 of 7 approved people are matched")
    expect(headline).to_contain_text("Net promoter score +50 from 8 end-of-program evaluations.")
    expect(page.get_by_role("img", name="Meetings held")).to_be_visible()
    expect(page.get_by_role("region", name="What people say they learned")).to_contain_text("Public speaking")
    expect(page.get_by_role("region", name="Mentorships that ended early")).to_contain_text("Moved to another team")
    page.get_by_text("Show the figures").first.click()
    expect(page.get_by_role("table", name="Meetings held")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "insights-program", phone=True)

    reports = page.get_by_role("region", name="Email this report")
    reports.get_by_label("How often").select_option("monthly")
    reports.get_by_role("button", name="Start the emails").click()
    expect(page.locator(".messages")).to_contain_text("will get this report on the first of each month")
    expect(page.get_by_role("region", name="Email this report")).to_contain_text("next on")
    assert_accessible(page)

    funnel = page.get_by_role("region", name="From application to completion")
    funnel.locator("li", has=page.locator(".funnel-label", has_text="Matched")).get_by_role("link", name="1 not yet").click()
    expect(page.get_by_role("heading", name="Not yet: Matched")).to_be_visible()
    waiting = history.program.enrollments.get(membership__profile__department="Legal").membership
    expect(page.locator(".people-list")).to_contain_text(waiting.user.full_name)
    assert_accessible(page)
    page.get_by_text("Write to this person").click()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Check your message")).to_be_visible()
    expect(page.locator(".previews")).to_contain_text(f"Hi {waiting.user.full_name.split()[0]}, I'm checking in on how Returners 2026")
    assert_accessible(page)
    page.get_by_role("button", name="Send to 1 person").click()
    expect(page.locator(".messages")).to_contain_text("Your message went to 1 person.")

    page.get_by_role("link", name="How Returners 2026 is going").click()
    page.get_by_label("Department", exact=True).select_option("Sales")
    page.get_by_role("button", name="Show these figures").click()
    expect(page).to_have_url(f"{live_server.url}/o/acme/programs/{history.program.pk}/insights/?role=&department=Sales&location=&level=")
    expect(page.get_by_role("region", name="In a minute")).to_contain_text("3 of 3 approved people are matched")
    assert_accessible(page)


def test_a_coordinator_runs_a_pilot_retrospective_and_starts_the_next_cohort(page: Page, live_server, world: World):
    history = lived_in(world)
    program = history.program
    program.is_pilot, program.target_match_percent, program.target_nps = True, 80, 30
    program.save()
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/insights/")
    page.get_by_role("link", name="Pilot retrospective").click()
    targets = page.get_by_role("region", name="Against what success was meant to look like")
    expect(targets.locator(".target", has_text="People matched")).to_contain_text("Target met.")
    expect(targets.locator(".target", has_text="Net promoter score")).to_contain_text("+50")
    expect(targets.locator(".target", has_text="Mentorships completed")).to_contain_text("No target was set.")
    page.get_by_label("What worked").fill("Pairing across sites; the monthly social.")
    page.get_by_label("What did not work").fill("Too many check-in questions.")
    page.get_by_role("button", name="Save the retrospective").click()
    expect(page.locator(".messages")).to_contain_text("Retrospective saved.")
    assert_accessible(page)
    screenshot(page, "insights-retrospective", phone=True)

    page.get_by_label("Name of the new cohort").fill("Returners 2027")
    expect(page.get_by_text("Invite this cohort's mentors to mentor again (6 people get a notification and an email)")).to_be_visible()
    page.get_by_role("button", name="Create the next cohort").click()
    expect(page.locator(".messages")).to_contain_text("Returners 2027 is ready")
    expect(page.locator("#id_name")).to_have_value("Returners 2027")

    page.goto(f"{live_server.url}/o/acme/insights/")
    page.get_by_role("link", name="Compare two cohorts").click()
    page.get_by_label("First program").select_option(label="Returners 2026")
    page.get_by_label("Second program").select_option(label="Career Growth")
    page.get_by_role("button", name="Compare").click()
    table = page.get_by_role("table", name="Figures side by side")
    expect(table.get_by_role("row", name="Net promoter score")).to_contain_text("50")
    assert_accessible(page)


def test_a_coordinator_imports_hr_events_and_reads_outcomes_as_an_association(page: Page, live_server, world: World,
                                                                              tmp_path):
    from mentora.insights.models import HrEvent
    from tests.test_insights_outcomes import _cohort

    program, joined, others = _cohort(world, participants=6, colleagues=8)
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/insights/")
    page.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("region", name="Read this as an association, not as proof")).to_be_visible()
    after = (program.starts_on + timedelta(days=40)).isoformat()
    lines = [f"{m.user.email},{after},exit" for m in others[:3]] + [f"{joined[0].user.email},{after},promotion"]
    csv_file = tmp_path / "hr.csv"
    csv_file.write_text("email,date,event\n" + "\n".join(lines) + "\n")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("table", name="4 lines: 4 new, 0 with errors")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import 4 events").click()
    expect(page.locator(".messages")).to_contain_text("4 HR events imported.")
    figures = page.get_by_role("region", name="The figures")
    expect(figures.get_by_role("row", name="Stayed with the organization")).to_contain_text("100 %")
    assert HrEvent.objects.count() == 4
    assert_accessible(page)
    screenshot(page, "insights-outcomes", phone=True)


def test_a_tile_figure_opens_the_list_behind_it(page: Page, live_server, world: World):
    history = lived_in(world)
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{history.program.pk}/insights/")
    tile = page.get_by_role("region", name="Mentors' places")
    tile.get_by_role("link", name="— see who").last.click()  # "Nobody to mentor yet"
    expect(page.get_by_role("heading", name="Mentors with nobody to mentor yet")).to_be_visible()
    expect(page.locator(".people-list")).to_contain_text("places taken")
    assert_accessible(page)
    page.get_by_role("link", name="How Returners 2026 is going").click()

    page.get_by_role("region", name="Meetings").get_by_role("link", name="— see which").first.click()
    expect(page.get_by_role("heading", name="Active mentorships that met in the last 30 days")).to_be_visible()
    rows = page.get_by_role("table", name="Active mentorships that met in the last 30 days").locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "insights-behind", phone=True)
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.goto(f"{live_server.url}/o/acme/programs/{history.program.pk}/insights/")
    expect(page.get_by_role("region", name="Mentors' responsiveness")).to_contain_text("Typical answer to a request")


def test_a_coordinator_schedules_a_message_sees_it_waiting_and_cancels_it(page: Page, live_server, world: World):
    history = lived_in(world)
    waiting = history.program.enrollments.get(membership__profile__department="Legal").membership
    login(page, live_server, "coord@acme.test")
    page.goto(f"{live_server.url}/o/acme/programs/{history.program.pk}/insights/people/?step=matched&stopped=1")
    page.get_by_text("Write to this person").click()
    page.get_by_role("button", name="Preview").click()
    later = page.get_by_role("group", name="Or send it later")
    send_at = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0)
    later.get_by_label("Send on").fill(send_at.strftime("%Y-%m-%dT%H:%M"))
    assert_accessible(page)
    later.get_by_role("button", name="Schedule it").click()
    expect(page.locator(".messages")).to_contain_text("Scheduled: your message goes to 1 person")
    waiting_list = page.get_by_role("region", name="Messages waiting to go")
    expect(waiting_list).to_contain_text("to 1 person (Not yet: Matched)")
    assert_accessible(page)
    waiting_list.get_by_role("button", name="Cancel").click()
    expect(page.locator(".messages")).to_contain_text("Cancelled: that message will not be sent.")
    expect(page.get_by_role("region", name="Messages waiting to go")).to_have_count(0)
    page.context.clear_cookies()

    # The person it was for chooses to read coordinators' messages in Mentora only.
    login(page, live_server, waiting.user.email)
    page.goto(f"{live_server.url}/o/acme/notifications/")
    choices = page.get_by_role("region", name="What comes by email")
    choices.get_by_label("Messages and nudges from program coordinators").uncheck()
    choices.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("reach you here only, without email")
    expect(page.get_by_label("Messages and nudges from program coordinators")).not_to_be_checked()
    assert_accessible(page)
