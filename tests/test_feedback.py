"""Check-ins (scheduled, idempotent, re-sent once then overdue), feedback both ways, self-assessment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.core.errors import DomainError
from mentora.core.models import AuditEvent
from mentora.feedback.models import RESEND_AFTER, CheckIn, Feedback, FeedbackSettings, SelfAssessment
from mentora.feedback.services import give_feedback, send_due_check_ins
from mentora.feedback.tasks import schedule_check_ins
from mentora.notifications.models import Notification
from tests.conftest import World, client_for
from tests.relationship_fixtures import check_in_of, goal_of


def _start_days_ago(world: World, days: int) -> None:
    world.mentorship.started_on = timezone.localdate() - timedelta(days=days)
    world.mentorship.save()


def test_check_ins_are_scheduled_by_the_task_and_a_second_run_sends_nothing(world: World):
    _start_days_ago(world, 15)  # default: first check-in 14 days after the start
    schedule_check_ins.call()
    schedule_check_ins.call()
    assert CheckIn.objects.filter(mentorship=world.mentorship).count() == 2  # one per side
    assert Notification.objects.filter(kind="check_in.due").count() == 2


def test_no_check_in_before_it_is_due(world: World):
    _start_days_ago(world, 3)
    assert send_due_check_ins() == 0 and not CheckIn.objects.exists()


def test_a_missed_check_in_is_resent_once_then_shown_overdue(world: World):
    _start_days_ago(world, 15)
    send_due_check_ins()
    CheckIn.objects.update(sent_at=timezone.now() - RESEND_AFTER - timedelta(hours=1))
    send_due_check_ins()
    send_due_check_ins()
    assert Notification.objects.filter(kind="check_in.reminder").count() == 2
    CheckIn.objects.update(resent_at=timezone.now() - RESEND_AFTER - timedelta(hours=1))
    assert CheckIn.objects.overdue().count() == 2
    page = client_for(world.coordinator).get(reverse("feedback:flags", args=["acme"])).content.decode()
    assert "Overdue check-ins" in page and world.mentee.user.display_name in page


def test_a_flag_reaches_the_coordinator_only(world: World):
    check_in = check_in_of(world)
    client_for(world.mentee).post(reverse("feedback:check_in", args=["acme", check_in.pk]), {
        "going_well": "2", "meeting_regularly": "no", "usefulness": "2", "flag_to_coordinator": "FLAG-TEXT"})
    check_in.refresh_from_db()
    assert check_in.answered_at is not None and check_in.meeting_regularly is False
    assert "FLAG-TEXT" in client_for(world.coordinator).get(reverse("feedback:flags", args=["acme"])).content.decode()
    for page in ("mentorships:home", "feedback:feedback"):
        assert "FLAG-TEXT" not in client_for(world.mentor).get(reverse(page, args=["acme", world.mentorship.pk])).content.decode()
    assert Notification.objects.filter(kind="check_in.flag", recipient=world.coordinator.user).exists()


def test_bad_check_in_answers_answer_422_and_change_nothing(world: World):
    check_in = check_in_of(world)
    response = client_for(world.mentee).post(reverse("feedback:check_in", args=["acme", check_in.pk]),
                                             {"going_well": "9", "meeting_regularly": "yes", "usefulness": "3"})
    assert response.status_code == 422
    check_in.refresh_from_db()
    assert check_in.answered_at is None


def test_kudos_link_to_a_goal(world: World):
    goal = goal_of(world)
    client_for(world.mentor).post(reverse("feedback:feedback", args=["acme", world.mentorship.pk]),
                                  {"recipient": world.mentee.pk, "kind": "kudos", "body": "Great outline!", "goal": goal.pk})
    kudos = Feedback.objects.get()
    assert kudos.kind == "kudos" and kudos.goal == goal
    assert "Great outline!" in client_for(world.mentee).get(
        reverse("feedback:feedback", args=["acme", world.mentorship.pk])).content.decode()


def test_anonymous_feedback_only_where_the_program_allows_and_never_to_the_system(world: World):
    with pytest.raises(DomainError):
        give_feedback(mentorship=world.mentorship, author=world.mentee, recipient=world.mentor, body="b",
                      is_anonymous=True)
    FeedbackSettings.objects.create(program=world.program, allow_anonymous_feedback=True)
    give_feedback(mentorship=world.mentorship, author=world.mentee, recipient=world.mentor, body="ANON-BODY",
                  is_anonymous=True, listening_rating=5)
    url = reverse("feedback:feedback", args=["acme", world.mentorship.pk])
    mentor_page = client_for(world.mentor).get(url).content.decode()
    assert "ANON-BODY" in mentor_page and "Anonymous" in mentor_page
    assert world.mentee.user.display_name not in mentor_page.split("ANON-BODY")[0].split("<article")[-1]
    assert Feedback.objects.get().author == world.mentee
    assert world.mentee.user.display_name in client_for(world.coordinator).get(url).content.decode()


def test_self_assessment_before_and_after_draws_a_chart(world: World):
    client = client_for(world.mentee)
    url = reverse("feedback:progress", args=["acme", world.mentorship.pk])
    page = client.get(url).content.decode()
    assert "Rate yourself at the start" in page
    client.post(url, {"skill_0": "2", "skill_1": "1", "skill_2": "3"})
    client.post(url, {"skill_0": "4", "skill_1": "3", "skill_2": "3"})
    assert SelfAssessment.objects.count() == 2
    page = client_for(world.mentor).get(url).content.decode()
    assert "<svg" in page and "before and after" in page


def test_the_evaluation_opens_when_the_mentorship_ends(world: World):
    from mentora.mentorships.services import transition_mentorship

    url = reverse("feedback:evaluation", args=["acme", world.mentorship.pk])
    data = {"satisfaction": "5", "nps": "9", "outcomes": "fully"}
    assert client_for(world.mentee).post(url, data).status_code == 409
    transition_mentorship(mentorship=world.mentorship, to_status="completed", actor=None)
    assert client_for(world.mentee).post(url, {**data, "nps": "11"}).status_code == 422
    assert client_for(world.mentee).post(url, data).status_code == 302


def test_a_coordinator_sets_the_check_in_cadence_and_anonymity_on_the_program_page(world: World):
    url = reverse("feedback:settings", args=["acme", world.program.pk])
    response = client_for(world.coordinator).post(url, {
        "first_check_in_after_days": "7", "check_in_every_weeks": "2", "allow_anonymous_feedback": "on",
        "competencies": "Public speaking\n\nStakeholder management\nPublic speaking"})
    assert response.status_code == 302
    saved = FeedbackSettings.objects.get(program=world.program)
    assert (saved.first_check_in_after_days, saved.check_in_every_weeks, saved.allow_anonymous_feedback) == (7, 2, True)
    assert saved.competencies == ["Public speaking", "Stakeholder management"]
    assert AuditEvent.objects.filter(action="feedback_settings.update").exists()
    assert "Stakeholder management" in client_for(world.coordinator).get(url).content.decode()


def test_out_of_range_feedback_settings_are_refused(world: World):
    response = client_for(world.coordinator).post(reverse("feedback:settings", args=["acme", world.program.pk]),
                                                  {"first_check_in_after_days": "0", "check_in_every_weeks": "40"})
    assert response.status_code == 422
    assert not FeedbackSettings.objects.exists()
