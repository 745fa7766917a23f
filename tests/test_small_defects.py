"""Small defects a newcomer hit (issue 13, item 7), each pinned by a test."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.core.errors import DomainError
from mentora.feedback.forms import EvaluationForm
from mentora.matching.quality import group_spread
from mentora.meetings import services as meetings
from mentora.meetings.forms import FindTimeForm
from mentora.meetings.models import Meeting, MeetingSeries
from mentora.mentorships.services import transition_mentorship
from mentora.notifications.models import Notification
from mentora.programs.models import Program
from tests.conftest import World, client_for
from tests.test_programs import program_post


def _soon() -> timezone.datetime:
    return (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)


@pytest.mark.parametrize("status", ["completed", "ended_early"])
def test_a_closed_mentorship_offers_no_booking_and_refuses_one(world: World, status: str):
    transition_mentorship(mentorship=world.mentorship, to_status=status, actor=world.coordinator.user)
    world.mentorship.refresh_from_db()
    client = client_for(world.mentee)
    home = client.get(reverse("mentorships:home", args=["acme", world.mentorship.pk])).content.decode()
    assert reverse("meetings:book", args=["acme", world.mentorship.pk]) not in home
    assert "no new meetings can be booked" in home

    response = client.post(reverse("meetings:book", args=["acme", world.mentorship.pk]),
                           {"starts_at": _soon().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60, "channel": "video",
                            "interval_weeks": 0}, follow=True)
    assert "This mentorship has ended, so no new meetings can be booked." in response.content.decode()
    assert not Meeting.objects.filter(mentorship=world.mentorship).exists()
    with pytest.raises(DomainError, match="has ended"):
        meetings.book_meeting(mentorship=world.mentorship, booked_by=world.mentee.user, starts_at=_soon())


def test_a_paused_mentorship_says_to_resume_before_booking(world: World):
    transition_mentorship(mentorship=world.mentorship, to_status="paused", actor=world.coordinator.user)
    world.mentorship.refresh_from_db()
    with pytest.raises(DomainError, match="paused"):
        meetings.book_meeting(mentorship=world.mentorship, booked_by=world.mentee.user, starts_at=_soon())
    response = client_for(world.mentee).get(reverse("meetings:find", args=["acme", world.mentorship.pk]))
    assert response.status_code == 302


def test_the_evaluation_form_has_no_empty_outcome_choice(db):
    html = str(EvaluationForm())
    assert "---------" not in html
    assert 'name="outcomes" value=""' not in html
    assert EvaluationForm({"satisfaction": 4, "nps": 9, "outcomes": ""}).errors["outcomes"]


def test_job_levels_are_listed_in_numeric_order():
    people = [str(i) for i in range(30)]
    levels = {p: str([10, 2, 4][int(p) % 3]) for p in people}
    rows = group_spread({}, levels, people)
    assert [row["group"] for row in rows] == ["2", "4", "10"]


def test_repeats_and_weeks_read_as_proper_plurals(world: World):
    series = MeetingSeries(mentorship=world.mentorship, interval_weeks=1, count=6, first_starts_at=_soon(), duration_minutes=60)
    assert series.repeat_label == "every week, 6 times"
    series.interval_weeks = 2
    assert series.repeat_label == "every 2 weeks, 6 times"
    labels = [str(label) for _value, label in FindTimeForm().fields["weeks"].choices]  # type: ignore[attr-defined]
    assert labels[0] == "1 week" and labels[1] == "2 weeks"


def test_a_series_page_says_every_2_weeks(world: World):
    meeting = meetings.book_meeting(mentorship=world.mentorship, booked_by=world.mentee.user, starts_at=_soon(),
                                    interval_weeks=2, count=3)
    page = client_for(world.mentee).get(reverse("meetings:detail", args=["acme", meeting.pk])).content.decode()
    assert "every 2 weeks, 3 times" in page and "week(s)" not in page


def test_with_lists_the_other_people_not_the_viewer(world: World):
    page = client_for(world.mentee).get(reverse("mentorships:list", args=["acme"])).content.decode()
    row = page.split("<tbody>")[1].split("</tbody>")[0]
    assert world.mentor.user.display_name in row and world.mentee.user.display_name not in row


def test_a_meeting_reminder_names_the_others_not_the_recipient(world: World):
    meeting = meetings.book_meeting(mentorship=world.mentorship, booked_by=world.mentee.user,
                                    starts_at=timezone.now() + timedelta(minutes=50))
    meetings.send_due_reminders(now=meeting.starts_at - timedelta(minutes=10))
    reminders = Notification.objects.filter(kind="meeting.reminder").select_related("recipient")
    assert reminders.exists()
    for reminder in reminders:
        assert reminder.recipient.display_name not in reminder.body


@pytest.mark.parametrize(("form", "ignored"), [
    ("one_on_one", {"circle_size_min": "9", "circle_size_max": "3"}),
    ("peer", {"circle_size_min": "", "circle_size_max": "x", "mentor_capacity_default": "0"}),
])
def test_fields_that_do_not_apply_are_ignored_by_the_server(world: World, as_coordinator, form, ignored):
    roles = ["peer"] if form == "peer" else ["mentor", "mentee"]
    response = as_coordinator.post(reverse("programs:create", args=["acme"]),
                                   program_post(form=form, roles_offered=roles, name="Pairs", **ignored))
    assert response.status_code == 302, response.content.decode()[:2000]
    program = Program.objects.get(name="Pairs")
    assert (program.circle_size_min, program.circle_size_max) == (4, 6)  # the defaults, untouched


def test_circle_sizes_are_still_checked_for_circles(world: World, as_coordinator):
    response = as_coordinator.post(reverse("programs:create", args=["acme"]),
                                   program_post(circle_size_min="9", circle_size_max="3"))
    assert response.status_code == 422


def test_the_program_form_marks_which_fields_apply_to_which_form(world: World, as_coordinator):
    page = as_coordinator.get(reverse("programs:create", args=["acme"])).content.decode()
    assert page.count('data-shown-for="circle"') == 2 and 'data-shown-for="one_on_one circle"' in page
    assert "js/program-form.js" in page
