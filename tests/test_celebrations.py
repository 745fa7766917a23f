"""Moments worth marking get a warm toast, once: the agreement coming into force, a milestone
reached (and the last one), a goal achieved, a mentorship completed. Ordinary saves stay ordinary."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentora.goals.models import Milestone
from mentora.mentorships.agreements import propose_agreement
from tests.conftest import World, client_for
from tests.relationship_fixtures import goal_of
from tests.test_mentorship_relationship import agreement_values

CELEBRATE = 'class="message message-success message-celebrate'


def posted(client: Client, url: str, data: dict[str, object]) -> str:
    return client.post(url, data, follow=True).content.decode()


def test_the_confirmation_that_brings_the_agreement_into_force_is_celebrated_once(world: World):
    propose_agreement(mentorship=world.mentorship, author=world.mentee, **agreement_values())
    url = reverse("mentorships:agreement_confirm", args=["acme", world.mentorship.pk])
    page = posted(client_for(world.mentor), url, {"version": 1})
    assert CELEBRATE in page and "your agreement is in force" in page
    again = posted(client_for(world.mentor), url, {"version": 1})
    assert CELEBRATE not in again and "You confirmed version 1 of the agreement." in again


def test_a_milestone_reached_is_celebrated_and_the_last_one_says_so(world: World):
    goal = goal_of(world)
    soon = timezone.localdate() + timedelta(days=20)
    first, last = (Milestone.objects.create(goal=goal, title=title, due_on=soon) for title in ("Outline", "Rehearse"))
    client = client_for(world.mentee)
    page = posted(client, reverse("goals:milestone_done", args=["acme", first.pk]), {"done": "on"})
    assert CELEBRATE in page and "Milestone reached: Outline. Nice work!" in page
    goal.refresh_from_db()
    assert goal.status == "in_progress"  # a goal with a milestone reached has started
    page = posted(client, reverse("goals:milestone_done", args=["acme", last.pk]), {"done": "on"})
    assert "Milestone reached: Rehearse — that was the last one on this goal." in page
    page = posted(client, reverse("goals:milestone_done", args=["acme", last.pk]), {"done": "on"})
    assert CELEBRATE not in page  # already reached: nothing new to mark
    page = posted(client, reverse("goals:milestone_done", args=["acme", last.pk]), {})
    assert CELEBRATE not in page  # un-ticking is not a moment


def test_a_goal_achieved_is_celebrated_other_statuses_are_not(world: World):
    goal = goal_of(world)
    url = reverse("goals:status", args=["acme", goal.pk])
    assert CELEBRATE not in posted(client_for(world.mentee), url, {"status": "in_progress"})
    page = posted(client_for(world.mentee), url, {"status": "achieved"})
    assert CELEBRATE in page and f"Goal achieved: {goal.title}. Congratulations!" in page


def test_completing_a_mentorship_is_celebrated_ending_early_is_not(world: World):
    url = reverse("mentorships:transition", args=["acme", world.mentorship.pk])
    page = posted(client_for(world.coordinator), url, {"to_status": "completed", "reason": ""})
    assert CELEBRATE in page and "Mentorship completed." in page


def test_ending_early_gets_a_plain_confirmation(world: World):
    url = reverse("mentorships:transition", args=["acme", world.mentorship.pk])
    page = posted(client_for(world.mentee), url, {"to_status": "ended_early", "reason": "Moved teams"})
    assert CELEBRATE not in page and "The mentorship is now ended early." in page
