"""Milestone reviews: opened by an idempotent periodic task at the due date, for both sides; each
answers what went well, what to change and what comes next; both read each other's review."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from mentora.core.periodic import registered_jobs
from mentora.goals.models import Milestone, MilestoneReview
from mentora.goals.reviews import open_due_reviews
from mentora.goals.tasks import schedule_milestone_reviews
from mentora.notifications.models import Notification
from tests.conftest import World, client_for
from tests.relationship_fixtures import goal_of

TODAY = timezone.localdate()


def due_milestone(world: World, days_ago: int = 0) -> Milestone:
    return Milestone.objects.create(goal=goal_of(world), title="Outline ready", due_on=TODAY - timedelta(days=days_ago))


def test_the_task_opens_one_review_per_member_and_notifies_once(world: World):
    milestone = due_milestone(world)
    assert open_due_reviews(today=TODAY) == 2
    assert open_due_reviews(today=TODAY) == 0
    schedule_milestone_reviews.enqueue()  # the periodic job, run again: still nothing new
    assert {r.respondent for r in MilestoneReview.objects.filter(milestone=milestone)} == {world.mentor, world.mentee}
    assert Notification.objects.filter(kind="milestone.review").count() == 2


def test_future_old_and_dropped_milestones_get_no_review(world: World):
    Milestone.objects.create(goal=goal_of(world), title="Later", due_on=TODAY + timedelta(days=3))
    due_milestone(world, days_ago=30)
    assert open_due_reviews(today=TODAY) == 0


def test_the_task_is_registered_as_a_periodic_job():
    assert "goals.schedule_milestone_reviews" in {job.name for job in registered_jobs()}


def test_both_sides_review_and_read_each_others_answers(world: World):
    milestone = due_milestone(world)
    open_due_reviews(today=TODAY)
    url = reverse("goals:review", args=["acme", milestone.pk])
    answers = {"review-went_well": "We met every week", "review-to_change": "Shorter sessions",
               "review-next_goals": "Draft the slides"}
    assert client_for(world.mentee).post(url, answers).status_code == HTTPStatus.FOUND
    assert client_for(world.mentee).post(url, answers).status_code == HTTPStatus.NOT_FOUND  # nothing left to answer
    mentor_page = client_for(world.mentor).get(url).content.decode()
    assert "Draft the slides" in mentor_page and "Save my review" in mentor_page
    assert Notification.objects.filter(recipient=world.mentor.user, kind="milestone.reviewed").exists()
    assert "Draft the slides" in client_for(world.coordinator).get(url).content.decode()


def test_a_review_needs_all_three_answers(world: World):
    milestone = due_milestone(world)
    open_due_reviews(today=TODAY)
    response = client_for(world.mentee).post(reverse("goals:review", args=["acme", milestone.pk]),
                                             {"review-went_well": "Good"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not MilestoneReview.objects.filter(answered_at__isnull=False).exists()


def test_the_database_refuses_a_half_answered_review(world: World):
    milestone = due_milestone(world)
    with pytest.raises(IntegrityError):
        MilestoneReview.objects.create(milestone=milestone, respondent=world.mentee, due_on=TODAY,
                                       answered_at=timezone.now(), went_well="x")
