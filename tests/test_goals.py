"""SMART goals: the editor's checks, progress from milestones and checklist items, IDOR."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from django.urls import reverse
from django.utils import timezone

from mentora.goals.models import Goal
from mentora.mentorships.services import create_mentorship
from tests.conftest import World, client_for
from tests.factories import MembershipFactory
from tests.relationship_fixtures import goal_of

SOON = timezone.localdate() + timedelta(days=30)


def goal_data(**overrides: str) -> dict[str, str]:
    return {"title": "Give a talk", "description": "A ten minute talk on our data platform at the monthly all-hands",
            "measure": "Talk given, 3 questions answered", "achievable": "I have two months and my mentor's review",
            "relevance": "Leads present their work and I want to lead", "target_on": str(SOON)} | overrides


def test_the_mentee_writes_a_smart_goal_and_both_sides_see_it(world: World):
    response = client_for(world.mentee).post(reverse("goals:create", args=["acme", world.mentorship.pk]), goal_data())
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert goal.owner == world.mentee
    page = client_for(world.mentor).get(reverse("goals:detail", args=["acme", goal.pk])).content.decode()
    assert "Give a talk" in page and page.count("looks good") == 5


def test_a_goal_written_by_the_mentor_belongs_to_the_mentee(world: World):
    client_for(world.mentor).post(reverse("goals:create", args=["acme", world.mentorship.pk]), goal_data())
    assert Goal.objects.get().owner == world.mentee


def test_a_vague_goal_is_saved_with_guidance_for_each_weak_letter(world: World):
    client_for(world.mentee).post(reverse("goals:create", args=["acme", world.mentorship.pk]),
                                  goal_data(title="Improve", description="Be better", measure="feel good"))
    page = client_for(world.mentee).get(reverse("goals:detail", args=["acme", Goal.objects.get().pk])).content.decode()
    assert page.count("could be stronger") == 2  # S and M


def test_a_past_or_post_mentorship_date_is_refused_with_422(world: World):
    for day in (timezone.localdate() - timedelta(days=1), timezone.localdate() + timedelta(days=400)):
        response = client_for(world.mentee).post(reverse("goals:create", args=["acme", world.mentorship.pk]),
                                                 goal_data(target_on=str(day)))
        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not Goal.objects.exists()


def test_progress_follows_milestones_and_checklist_items(world: World):
    goal = goal_of(world)
    client = client_for(world.mentee)
    client.post(reverse("goals:milestone_add", args=["acme", goal.pk]),
                {"milestone-title": "Outline", "milestone-due_on": str(SOON)})
    client.post(reverse("goals:item_add", args=["acme", goal.pk]), {"item-text": "Pick a topic"})
    item = goal.checklist_items.get()
    client.post(reverse("goals:item_done", args=["acme", item.pk]), {"done": "on"})
    assert Goal.objects.with_progress().get(pk=goal.pk).progress == 50
    client.post(reverse("goals:milestone_done", args=["acme", goal.milestones.get().pk]), {"done": "on"})
    assert Goal.objects.with_progress().get(pk=goal.pk).progress == 100
    item.refresh_from_db()
    assert item.done_by == world.mentee


def test_evidence_needs_a_link_or_a_note(world: World):
    goal = goal_of(world)
    response = client_for(world.mentee).post(reverse("goals:evidence_add", args=["acme", goal.pk]), {})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not goal.evidence.exists()


def test_goals_of_another_mentorship_in_the_same_organization_answer_404(world: World):
    other_mentee = MembershipFactory(organization=world.org)
    world.mentor_enrollment.refresh_from_db()
    other = create_mentorship(program=world.program, members=[(world.mentor, "mentor"), (other_mentee, "mentee")],
                              created_by=None)
    goal = Goal.objects.create(mentorship=other, owner=other_mentee, title="Theirs", description="d", measure="1",
                               achievable="a", relevance="r", target_on=SOON)
    item = goal.checklist_items.create(text="Their step")
    client = client_for(world.mentee)
    assert client.get(reverse("goals:detail", args=["acme", goal.pk])).status_code == 404
    assert client.post(reverse("goals:item_done", args=["acme", item.pk]), {"done": "on"}).status_code == 404
    assert client.post(reverse("goals:create", args=["acme", other.pk]), goal_data()).status_code == 404
    item.refresh_from_db()
    assert item.done_at is None


def test_a_closed_mentorship_is_read_only(world: World):
    from mentora.mentorships.services import transition_mentorship

    goal = goal_of(world)
    transition_mentorship(mentorship=world.mentorship, to_status="ended_early", actor=None)
    response = client_for(world.mentee).post(reverse("goals:comment_add", args=["acme", goal.pk]),
                                             {"comment-body": "late"})
    assert response.status_code == HTTPStatus.CONFLICT
    assert not goal.comments.exists()
