"""The relationship API: the same services and access rules as the pages, private notes stay private,
ids from another mentorship or organization answer 404."""

from __future__ import annotations

import json
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mentora.feedback.models import FeedbackSettings
from mentora.goals.models import Goal
from mentora.mentorships.models import MentorshipStatus, Note
from mentora.mentorships.services import create_mentorship, transition_mentorship
from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory
from tests.relationship_fixtures import check_in_of, foreign_mentorship, goal_of, item_of, milestone_of

API = "/api/orgs/acme"
SOON = str(timezone.localdate() + timedelta(days=30))
SECRET = "my private worry about the reorg"


def post(client: Client, url: str, payload: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json")


def agreement_payload() -> dict[str, Any]:
    return {"mentee_wants": "Confidence speaking", "cadence": "biweekly", "session_minutes": 45,
            "channels": ["video", "chat"], "response_time": "two_days", "boundaries": "What we say stays here",
            "feedback_how": "A round at the end", "ends_on": str(timezone.localdate() + timedelta(days=120))}


@pytest.fixture
def other_mentorship(world: World) -> Any:
    """A second mentorship in the same organization that the world's mentee is not part of."""
    other_mentee = MembershipFactory(organization=world.org)
    EnrollmentFactory(program=world.program, membership=other_mentee, role="mentee")
    return create_mentorship(program=world.program, members=[(world.mentor, "mentor"), (other_mentee, "mentee")],
                             created_by=world.coordinator.user)


def test_both_sides_confirm_the_agreement_through_the_api(world: World):
    mentor, mentee = client_for(world.mentor), client_for(world.mentee)
    proposed = post(mentor, f"{API}/mentorships/{world.mentorship.pk}/agreement", agreement_payload())
    assert proposed.status_code == HTTPStatus.CREATED
    assert proposed.json()["in_force"] is None
    assert proposed.json()["waiting_for"] == [world.mentee.pk]
    confirmed = post(mentee, f"{API}/mentorships/{world.mentorship.pk}/agreement/1/confirm", {})
    assert confirmed.status_code == HTTPStatus.OK
    detail = mentee.get(f"{API}/mentorships/{world.mentorship.pk}").json()
    assert detail["agreement_in_force"]["version"] == 1
    assert {m["member_id"] for m in detail["members"]} == {world.mentor.pk, world.mentee.pk}


def test_an_invalid_agreement_is_refused_with_422(world: World):
    payload = agreement_payload() | {"ends_on": str(timezone.localdate() - timedelta(days=1))}
    response = post(client_for(world.mentor), f"{API}/mentorships/{world.mentorship.pk}/agreement", payload)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["field"] == "ends_on"


def test_a_goal_with_a_milestone_and_a_ticked_item_shows_its_progress(world: World):
    client = client_for(world.mentee)
    created = post(client, f"{API}/mentorships/{world.mentorship.pk}/goals", {
        "title": "Give a talk", "description": "A ten minute talk on our data platform at the monthly all-hands",
        "measure": "Talk given, 3 questions answered", "achievable": "I have two months and my mentor's review",
        "relevance": "Leads present their work and I want to lead", "target_on": SOON})
    assert created.status_code == HTTPStatus.CREATED
    goal_id = created.json()["id"]
    assert [c["ok"] for c in created.json()["smart"]] == [True] * 5
    post(client, f"{API}/goals/{goal_id}/milestones", {"title": "Outline", "due_on": SOON})
    item = post(client, f"{API}/goals/{goal_id}/checklist-items", {"text": "Pick a topic"}).json()
    ticked = post(client, f"{API}/checklist-items/{item['id']}/done", {"done": True})
    assert ticked.json()["done_by_id"] == world.mentee.pk
    detail = client_for(world.mentor).get(f"{API}/goals/{goal_id}").json()
    assert detail["progress"] == 50 and detail["owner_id"] == world.mentee.pk
    assert [m["title"] for m in detail["milestones"]] == ["Outline"]


def test_updating_a_goal_rewrites_it_and_sets_its_status(world: World):
    goal = goal_of(world)
    payload = {"title": "Give two talks", "description": goal.description, "measure": goal.measure,
               "achievable": goal.achievable, "relevance": goal.relevance, "target_on": str(goal.target_on),
               "status": "in_progress"}
    response = post(client_for(world.mentor), f"{API}/goals/{goal.pk}", payload, method="put")
    assert response.status_code == HTTPStatus.OK
    goal.refresh_from_db()
    assert (goal.title, goal.status) == ("Give two talks", "in_progress")


def test_private_notes_never_leak_through_the_api(world: World):
    mentee = client_for(world.mentee)
    logged = post(mentee, f"{API}/mentorships/{world.mentorship.pk}/sessions", {
        "held_on": str(timezone.localdate()), "duration_minutes": 45, "channel": "video", "topics": "Next role",
        "shared_note": "Read the chapter on feedback", "private_note": SECRET})
    assert logged.status_code == HTTPStatus.CREATED
    post(mentee, f"{API}/mentorships/{world.mentorship.pk}/notes", {"body": SECRET + " (again)", "is_private": True})
    assert SECRET in mentee.get(f"{API}/mentorships/{world.mentorship.pk}/notes").content.decode()
    for reader in (world.mentor, world.coordinator, world.admin):
        client = client_for(reader)
        for path in ("sessions", "notes"):
            body = client.get(f"{API}/mentorships/{world.mentorship.pk}/{path}").content.decode()
            assert "Read the chapter on feedback" in body
            assert SECRET not in body, (reader, path)
    assert Note.objects.filter(is_private=True).count() == 2


def test_session_next_steps_must_go_to_a_goal_of_the_same_mentorship(world: World, other_mentorship: Any):
    foreign_goal = Goal.objects.create(mentorship=other_mentorship, owner=world.mentor, title="Other", description="x",
                                       measure="1", achievable="x", relevance="x", target_on=timezone.localdate())
    response = post(client_for(world.mentee), f"{API}/mentorships/{world.mentorship.pk}/sessions", {
        "held_on": str(timezone.localdate()), "duration_minutes": 30, "channel": "video", "topics": "x",
        "next_steps": "Do it", "next_steps_goal_id": foreign_goal.pk})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not foreign_goal.checklist_items.exists()


def test_ids_of_another_mentorship_in_the_same_organization_answer_404(world: World, other_mentorship: Any):
    goal = Goal.objects.create(mentorship=other_mentorship, owner=world.mentor, title="Theirs", description="x",
                               measure="1", achievable="x", relevance="x", target_on=timezone.localdate())
    client = client_for(world.mentee)
    for url in (f"{API}/mentorships/{other_mentorship.pk}", f"{API}/mentorships/{other_mentorship.pk}/sessions",
                f"{API}/mentorships/{other_mentorship.pk}/goals", f"{API}/goals/{goal.pk}",
                f"{API}/mentorships/{other_mentorship.pk}/feedback"):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
    assert post(client, f"{API}/goals/{goal.pk}/comments", {"body": "hi"}).status_code == HTTPStatus.NOT_FOUND
    # Kudos linked to someone else's goal, or sent to someone outside the mentorship: 404.
    kudos = {"recipient_id": world.mentor.pk, "kind": "kudos", "body": "x", "goal_id": goal.pk}
    assert post(client, f"{API}/mentorships/{world.mentorship.pk}/feedback", kudos).status_code == 404
    stranger = {"recipient_id": world.member.pk, "body": "x"}
    assert post(client, f"{API}/mentorships/{world.mentorship.pk}/feedback", stranger).status_code == 404


def test_ids_of_another_organization_answer_404_under_our_org(world: World):
    foreign = foreign_mentorship(world)
    foreign_goal = Goal.objects.get(mentorship=foreign)
    for client in (client_for(world.admin), client_for(world.mentee)):
        for url in (f"{API}/mentorships/{foreign.pk}", f"{API}/goals/{foreign_goal.pk}",
                    f"{API}/mentorships/{foreign.pk}/notes"):
            response = client.get(url)
            assert response.status_code == HTTPStatus.NOT_FOUND
            assert b"Globex" not in response.content
    # And our ids under their organization's slug: not a member there, so 404 too.
    assert client_for(world.mentee).get(f"/api/orgs/globex/mentorships/{world.mentorship.pk}").status_code == 404


def test_a_checklist_item_and_milestone_of_another_goal_cannot_be_mixed(world: World, other_mentorship: Any):
    goal = goal_of(world)
    other_goal = Goal.objects.create(mentorship=other_mentorship, owner=world.mentor, title="Theirs",
                                     description="x", measure="1", achievable="x", relevance="x",
                                     target_on=timezone.localdate())
    other_milestone = other_goal.milestones.create(title="Theirs", due_on=timezone.localdate())
    response = post(client_for(world.mentee), f"{API}/goals/{goal.pk}/checklist-items",
                    {"text": "x", "milestone_id": other_milestone.pk})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert milestone_of(world).items.count() == 0 and item_of(world).milestone is None


def test_a_check_in_is_answered_once_and_only_by_its_respondent(world: World):
    check_in = check_in_of(world)
    answer = {"going_well": 4, "meeting_regularly": True, "usefulness": 5, "flag_to_coordinator": "Help"}
    url = f"{API}/check-ins/{check_in.pk}/answer"
    assert post(client_for(world.mentor), url, answer).status_code == HTTPStatus.NOT_FOUND
    first = post(client_for(world.mentee), url, answer)
    assert first.status_code == HTTPStatus.OK and first.json()["state"] == "answered"
    assert post(client_for(world.mentee), url, answer).status_code == HTTPStatus.CONFLICT
    mine = client_for(world.mentee).get(f"{API}/check-ins").json()["items"]
    assert [c["id"] for c in mine] == [check_in.pk]
    assert client_for(world.mentor).get(f"{API}/check-ins").json()["items"] == []


def test_anonymous_feedback_hides_the_author_from_the_recipient_only(world: World):
    FeedbackSettings.objects.create(program=world.program, allow_anonymous_feedback=True)
    created = post(client_for(world.mentee), f"{API}/mentorships/{world.mentorship.pk}/feedback", {
        "recipient_id": world.mentor.pk, "body": "You listen well", "is_anonymous": True, "listening_rating": 5})
    assert created.status_code == HTTPStatus.CREATED
    seen_by_mentor = client_for(world.mentor).get(f"{API}/mentorships/{world.mentorship.pk}/feedback").json()["items"]
    assert seen_by_mentor[0]["author_id"] is None and seen_by_mentor[0]["author_name"] == "Anonymous"
    seen_by_coordinator = client_for(world.coordinator).get(f"{API}/mentorships/{world.mentorship.pk}/feedback").json()["items"]
    assert seen_by_coordinator[0]["author_id"] == world.mentee.pk


def test_anonymous_feedback_is_refused_where_the_program_does_not_allow_it(world: World):
    response = post(client_for(world.mentee), f"{API}/mentorships/{world.mentorship.pk}/feedback", {
        "recipient_id": world.mentor.pk, "body": "x", "is_anonymous": True})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY


def test_self_assessment_start_then_end_on_the_listed_skills(world: World):
    client = client_for(world.mentee)
    url = f"{API}/mentorships/{world.mentorship.pk}/self-assessments"
    listed = client.get(url).json()
    assert listed["next_phase"] == "start"
    assert post(client, url, {"phase": "end", "ratings": dict.fromkeys(listed["skills"], 3)}).status_code == 409
    assert post(client, url, {"phase": "start", "ratings": {"Juggling": 3}}).status_code == 422
    assert post(client, url, {"phase": "start", "ratings": dict.fromkeys(listed["skills"], 2)}).status_code == 201
    assert post(client, url, {"phase": "end", "ratings": dict.fromkeys(listed["skills"], 4)}).status_code == 201
    after = client_for(world.mentor).get(url).json()
    assert after["next_phase"] is None
    assert [a["phase"] for a in after["assessments"]] == ["start", "end"]


def test_writes_to_a_closed_mentorship_answer_409(world: World):
    transition_mentorship(mentorship=world.mentorship, to_status=MentorshipStatus.COMPLETED,
                          actor=world.coordinator.user, reason="done")
    response = post(client_for(world.mentee), f"{API}/mentorships/{world.mentorship.pk}/notes", {"body": "late"})
    assert response.status_code == HTTPStatus.CONFLICT
    assert client_for(world.mentee).get(f"{API}/mentorships/{world.mentorship.pk}").json()["status"] == "completed"


def test_the_openapi_schema_documents_the_relationship_endpoints(client: Client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/orgs/{org}/mentorships/{mentorship_id}", "/api/orgs/{org}/goals/{goal_id}",
                 "/api/orgs/{org}/checklist-items/{item_id}/done", "/api/orgs/{org}/check-ins/{check_in_id}/answer",
                 "/api/orgs/{org}/mentorships/{mentorship_id}/self-assessments"):
        assert path in paths


def test_a_body_that_is_not_an_object_is_a_422_and_changes_nothing(world: World):
    """Ninja reads any value by its attributes, so `true` read as "all defaults": `done` then ticked
    the milestone. A body must be a JSON object."""
    client = client_for(world.mentee)
    milestone, item = milestone_of(world), item_of(world)
    for url in (f"{API}/milestones/{milestone.pk}/done", f"{API}/checklist-items/{item.pk}/done"):
        for body in ("true", "3.5", "[]", '"done"'):
            response = client.post(url, data=body, content_type="application/json")
            assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, (url, body)
    assert client.patch(f"{API}/profile", data="42", content_type="application/json").status_code == 422
    milestone.refresh_from_db()
    item.refresh_from_db()
    assert milestone.done_at is None and item.done_at is None
    assert post(client, f"{API}/milestones/{milestone.pk}/done", {}).status_code == 200  # {} is "done", as documented
