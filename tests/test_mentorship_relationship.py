"""The relationship inside a mentorship: agreement, sessions and notes, concerns, completion."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentora.core.errors import Conflict
from mentora.goals.models import ChecklistItem, Goal
from mentora.mentorships.agreements import agreement_state, confirm_agreement, propose_agreement
from mentora.mentorships.models import Agreement, Concern, Note, SessionLog
from mentora.mentorships.services import transition_mentorship
from mentora.mentorships.sessions import log_session
from mentora.mentorships.tasks import complete_due_mentorships
from mentora.notifications.models import Notification
from tests.conftest import World, client_for
from tests.relationship_fixtures import goal_of

XSS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "<svg/onload=alert(1)>",
    "\"><iframe src=//evil.example>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
]
LATER = timezone.localdate() + timedelta(days=90)


def agreement_values(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "mentee_wants": "Confidence presenting", "cadence": "biweekly", "session_minutes": 60,
        "channels": ["video", "chat"], "response_time": "two_days", "boundaries": "What we say stays here",
        "feedback_how": "A round at the end of each session", "ends_on": LATER,
    }
    return values | overrides


def test_an_agreement_is_in_force_once_both_sides_confirm_it(world: World):
    agreement = propose_agreement(mentorship=world.mentorship, author=world.mentee, **agreement_values())
    state = agreement_state(world.mentorship)
    assert state.in_force is None and [m.pk for m in state.waiting_for] == [world.mentor.pk]
    confirm_agreement(agreement=agreement, membership=world.mentor)
    assert agreement_state(world.mentorship).in_force == agreement


def test_a_change_needs_both_sides_to_confirm_again_and_the_old_version_stands_meanwhile(world: World):
    first = propose_agreement(mentorship=world.mentorship, author=world.mentee, **agreement_values())
    confirm_agreement(agreement=first, membership=world.mentor)
    second = propose_agreement(mentorship=world.mentorship, author=world.mentor, **agreement_values(session_minutes=45))
    state = agreement_state(world.mentorship)
    assert second.version == 2 and state.latest == second and state.in_force == first
    assert [m.pk for m in state.waiting_for] == [world.mentee.pk]
    with pytest.raises(Conflict):
        confirm_agreement(agreement=first, membership=world.mentee)  # only the latest version can be confirmed


def test_confirming_a_later_end_date_extends_the_mentorship(world: World):
    later = LATER + timedelta(days=90)
    agreement = propose_agreement(mentorship=world.mentorship, author=world.mentee, **agreement_values(ends_on=later))
    world.mentorship.refresh_from_db()
    assert world.mentorship.ends_on != later  # not until both confirm
    confirm_agreement(agreement=agreement, membership=world.mentor)
    world.mentorship.refresh_from_db()
    assert world.mentorship.ends_on == later


def test_both_sides_confirm_through_the_pages(world: World):
    mentee, mentor = client_for(world.mentee), client_for(world.mentor)
    data = agreement_values() | {"ends_on": str(LATER)}
    assert mentee.post(reverse("mentorships:agreement_edit", args=["acme", world.mentorship.pk]), data).status_code == 302
    page = mentor.get(reverse("mentorships:agreement", args=["acme", world.mentorship.pk])).content.decode()
    assert "I confirm this agreement" in page and "Conversation starters" in page
    mentor.post(reverse("mentorships:agreement_confirm", args=["acme", world.mentorship.pk]), {"version": 1})
    page = mentee.get(reverse("mentorships:agreement", args=["acme", world.mentorship.pk])).content.decode()
    assert "this agreement is in force" in page


def test_bad_agreement_input_answers_422_and_changes_nothing(world: World):
    data = agreement_values(session_minutes=5, channels=[]) | {"ends_on": str(LATER)}
    response = client_for(world.mentee).post(reverse("mentorships:agreement_edit", args=["acme", world.mentorship.pk]), data)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not Agreement.objects.exists()


def test_a_private_note_is_read_by_its_author_only(world: World):
    log_session(mentorship=world.mentorship, author=world.mentee, held_on=timezone.localdate(), duration_minutes=45,
                channel="video", topics="The talk", shared_note="SHARED-NOTE", private_note="PRIVATE-NOTE")
    url = reverse("mentorships:sessions", args=["acme", world.mentorship.pk])
    home = reverse("mentorships:home", args=["acme", world.mentorship.pk])
    mine = client_for(world.mentee).get(url).content.decode()
    assert "SHARED-NOTE" in mine and "PRIVATE-NOTE" in mine
    for other in (world.mentor, world.coordinator, world.admin):
        for page in (url, home):
            content = client_for(other).get(page).content.decode()
            assert "PRIVATE-NOTE" not in content, (other, page)
        assert "SHARED-NOTE" in client_for(other).get(url).content.decode()
    assert {n.body for n in Note.objects.visible_to(world.mentor)} == {"SHARED-NOTE"}


def test_next_steps_of_a_session_become_checklist_items(world: World):
    goal = goal_of(world)
    log = log_session(mentorship=world.mentorship, author=world.mentor, held_on=timezone.localdate(),
                      duration_minutes=30, channel="chat", topics="Outline", next_steps="- Draft slides\n- Book room\n",
                      next_steps_goal=goal)
    assert list(ChecklistItem.objects.filter(session_log=log).values_list("text", flat=True)) == ["Draft slides", "Book room"]


def test_a_session_in_the_future_is_refused_with_422(world: World):
    response = client_for(world.mentee).post(reverse("mentorships:sessions", args=["acme", world.mentorship.pk]), {
        "held_on": str(timezone.localdate() + timedelta(days=2)), "duration_minutes": "45", "channel": "video",
        "topics": "Later"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not SessionLog.objects.exists()


def test_a_concern_reaches_the_coordinators_and_not_the_other_side(world: World):
    client_for(world.mentee).post(reverse("mentorships:concern", args=["acme", world.mentorship.pk]),
                                  {"body": "CONCERN-TEXT"})
    assert Concern.objects.get().reporter == world.mentee
    assert Notification.objects.filter(recipient=world.coordinator.user, kind="concern.reported").exists()
    assert not Notification.objects.filter(recipient=world.mentor.user, kind="concern.reported").exists()
    assert all("CONCERN-TEXT" not in m.body for m in mail.outbox)  # email says that, not what
    assert "CONCERN-TEXT" in client_for(world.coordinator).get(reverse("mentorships:concerns", args=["acme"])).content.decode()
    for page in ("mentorships:home", "mentorships:sessions"):
        assert "CONCERN-TEXT" not in client_for(world.mentor).get(reverse(page, args=["acme", world.mentorship.pk])).content.decode()


def test_the_end_date_completes_the_mentorship_and_sends_the_completion_steps(
        world: World, django_capture_on_commit_callbacks):
    world.mentorship.ends_on = timezone.localdate() - timedelta(days=1)
    world.mentorship.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert complete_due_mentorships.call() == 1
    world.mentorship.refresh_from_db()
    assert world.mentorship.status == "completed"
    assert Notification.objects.filter(kind="mentorship.completed").count() == 2
    assert complete_due_mentorships.call() == 0


def test_the_mentee_downloads_a_certificate_and_the_mentor_a_recognition(world: World):
    Goal.objects.filter(pk=goal_of(world).pk).update(status="achieved")
    transition_mentorship(mentorship=world.mentorship, to_status="completed", actor=world.coordinator.user)
    url = reverse("mentorships:certificate", args=["acme", world.mentorship.pk])
    for member in (world.mentee, world.mentor):
        response = client_for(member).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert client_for(world.coordinator).get(url).status_code == 404  # personal document


@pytest.mark.parametrize("payload", XSS)
def test_xss_payloads_are_neutralised_on_every_relationship_page(world: World, payload: str):
    propose_agreement(mentorship=world.mentorship, author=world.mentee,
                      **agreement_values(mentee_wants=payload, boundaries=payload, feedback_how=payload))
    goal = goal_of(world)
    Goal.objects.filter(pk=goal.pk).update(title=payload, description=payload, relevance=payload)
    log_session(mentorship=world.mentorship, author=world.mentee, held_on=timezone.localdate(), duration_minutes=30,
                channel="video", topics=payload, next_steps=payload, shared_note=payload)
    client = client_for(world.mentor)
    client.post(reverse("goals:comment_add", args=["acme", goal.pk]), {"comment-body": payload})
    client.post(reverse("feedback:feedback", args=["acme", world.mentorship.pk]),
                {"recipient": world.mentee.pk, "kind": "kudos", "body": payload})
    pages = [reverse(n, args=["acme", world.mentorship.pk]) for n in
             ("mentorships:home", "mentorships:agreement", "mentorships:sessions", "feedback:feedback")]
    pages.append(reverse("goals:detail", args=["acme", goal.pk]))
    for url in pages:
        content = client_for(world.mentee).get(url).content.decode().lower()
        assert "<script>alert" not in content and "onerror=" not in content.replace("onerror=alert(1)&gt;", "")
        assert "javascript:" not in content.replace("javascript:alert(1))", "") or "href=\"javascript" not in content
        assert "<iframe" not in content and "<svg/onload" not in content and 'href="data:' not in content


def _home_queries(world: World) -> int:
    client = client_for(world.mentee)
    url = reverse("mentorships:home", args=["acme", world.mentorship.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_mentorship_home_runs_a_fixed_number_of_queries(world: World):
    goal_of(world)
    few = _home_queries(world)
    for n in range(6):
        goal = Goal.objects.create(mentorship=world.mentorship, owner=world.mentee, title=f"Goal {n}", description="d",
                                   measure="1", achievable="a", relevance="r", target_on=LATER)
        goal.milestones.create(title="m", due_on=LATER)
        goal.checklist_items.create(text="t")
        log_session(mentorship=world.mentorship, author=world.mentee, held_on=timezone.localdate(),
                    duration_minutes=30, channel="video", topics="t", shared_note="s", private_note="p")
    propose_agreement(mentorship=world.mentorship, author=world.mentee, **agreement_values())
    assert _home_queries(world) <= few + 2  # + the agreement's confirmations, once
