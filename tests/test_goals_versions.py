"""No lost updates (issue 14, item 8): two edits of a goal from the same read — the second is
refused with the goal as it now is (409), on the page and in the API, and nothing is overwritten."""

from __future__ import annotations

from http import HTTPStatus

from django.urls import reverse

from mentora.goals.models import Goal
from tests.conftest import World, client_for
from tests.relationship_fixtures import goal_of
from tests.test_goals import goal_data


def test_a_save_from_a_stale_page_is_refused_shown_theirs_and_kept_in_the_form(world: World) -> None:
    goal = goal_of(world)
    url = reverse("goals:edit", args=["acme", goal.pk])
    read = goal.version
    mentor, mentee = client_for(world.mentor), client_for(world.mentee)
    first = mentor.post(url, goal_data(title="Give a talk to the board", target_on=str(goal.target_on)) | {"version": read})
    assert first.status_code == HTTPStatus.FOUND
    stale = mentee.post(url, goal_data(title="Give a talk at the all-hands", target_on=str(goal.target_on)) | {"version": read})
    assert stale.status_code == HTTPStatus.CONFLICT
    page = stale.content.decode()
    assert "Someone changed this goal since you opened it" in page and "The goal as it is now" in page
    assert "Give a talk to the board" in page  # theirs, shown
    assert 'value="Give a talk at the all-hands"' in page  # mine, kept in the form
    goal.refresh_from_db()
    assert goal.title == "Give a talk to the board" and goal.version == read + 1  # nothing lost
    again = mentee.post(url, goal_data(title="Give a talk at the all-hands", target_on=str(goal.target_on))
                        | {"version": goal.version})
    assert again.status_code == HTTPStatus.FOUND
    goal.refresh_from_db()
    assert goal.title == "Give a talk at the all-hands" and goal.version == read + 2


def test_the_api_refuses_a_stale_rewrite_with_the_current_goal(world: World) -> None:
    goal = goal_of(world)
    url = f"/api/orgs/acme/goals/{goal.pk}"
    body = {"title": "One", "description": "d", "measure": "m", "achievable": "a", "relevance": "r",
            "target_on": str(goal.target_on)}
    client = client_for(world.mentee)
    read = client.get(url).json()["version"]
    assert client.put(url, body | {"version": read}, content_type="application/json").status_code == 200
    stale = client.put(url, body | {"title": "Two", "version": read}, content_type="application/json")
    assert stale.status_code == HTTPStatus.CONFLICT
    answer = stale.json()
    assert answer["field"] == "version" and answer["current"]["title"] == "One" and answer["current"]["version"] == read + 1
    assert Goal.objects.get(pk=goal.pk).title == "One"
    # Without a version the write goes through (last one wins), as before versions existed.
    assert client.put(url, body | {"title": "Three"}, content_type="application/json").status_code == 200
    assert Goal.objects.get(pk=goal.pk).version == read + 2
