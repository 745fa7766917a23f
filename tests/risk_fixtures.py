"""Mentorships with histories for the at-risk tests: a healthy pair and pairs that went quiet."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from mentora.accounts.models import Membership
from mentora.feedback.models import CheckIn
from mentora.goals.models import Goal, Milestone
from mentora.meetings.models import Meeting
from mentora.mentorships.agreements import confirm_agreement
from mentora.mentorships.models import Mentorship
from mentora.mentorships.services import create_mentorship
from mentora.messaging.models import Message
from mentora.messaging.services import conversation_for
from tests.conftest import World
from tests.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tests.relationship_fixtures import proposed_agreement


def meeting(mentorship: Mentorship, starts_at: datetime, **fields: Any) -> Meeting:
    """A meeting at `starts_at`, booked three days before."""
    booked = Meeting.objects.create(mentorship=mentorship, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
                                    timezone="UTC", **fields)
    Meeting.objects.filter(pk=booked.pk).update(created_at=starts_at - timedelta(days=3))
    return booked


def message(mentorship: Mentorship, author: Membership, created_at: datetime, **fields: Any) -> Message:
    sent = Message.objects.create(conversation=conversation_for(mentorship), author=author.user,
                                  **({"body": "Hello"} | fields))
    Message.objects.filter(pk=sent.pk).update(created_at=created_at)
    return sent


def keep_going(world: World, mentorship: Mentorship, *, now: datetime | None = None) -> Mentorship:
    """Make the world's pair a healthy one: it met this week, writes both ways, agreed its charter."""
    now = now or timezone.now()
    meeting(mentorship, now - timedelta(days=3), happened=True, booked_by=world.mentor.user)
    for days in range(1, 25, 2):
        message(mentorship, world.mentee if days % 4 == 1 else world.mentor, now - timedelta(days=days))
    confirm_agreement(agreement=proposed_agreement(world), membership=world.mentee)
    return mentorship


def another_pair(world: World, *, quiet_for: int = 0, names: tuple[str, str] | None = None,
                 now: datetime | None = None) -> Mentorship:
    """A new pair in the world's program; with `quiet_for`, one matched that many days ago that met
    and wrote at the start, then went quiet, with a check-in of 2 out of 5 and a milestone overdue."""
    now = now or timezone.now()
    people = []
    for index in range(2):
        user = UserFactory(full_name=names[index], email=f"{names[index].split()[0].lower()}@acme.test") if names \
            else UserFactory()
        people.append(MembershipFactory(organization=world.org, user=user))
    mentor, mentee = people
    EnrollmentFactory(program=world.program, membership=mentor, role="mentor", capacity=1)
    EnrollmentFactory(program=world.program, membership=mentee, role="mentee")
    mentorship = create_mentorship(program=world.program, members=[(mentor, "mentor"), (mentee, "mentee")],
                                   created_by=world.coordinator.user)
    if quiet_for:
        Mentorship.objects.filter(pk=mentorship.pk).update(started_on=(now - timedelta(days=quiet_for)).date(),
                                                           created_at=now - timedelta(days=quiet_for))
        message(mentorship, mentee, now - timedelta(days=quiet_for - 1))
        message(mentorship, mentor, now - timedelta(days=quiet_for - 2))
        meeting(mentorship, now - timedelta(days=quiet_for - 3), happened=True, booked_by=mentor.user)
        CheckIn.objects.create(mentorship=mentorship, respondent=mentee, sequence=1, due_on=now.date(),
                               sent_at=now - timedelta(days=5), answered_at=now - timedelta(days=5), going_well=2,
                               usefulness=2, meeting_regularly=False)
        goal = Goal.objects.create(mentorship=mentorship, owner=mentee, title="Lead a retro", description="Run one",
                                   measure="Retro held", achievable="Team agrees", relevance="I want to lead",
                                   target_on=(now + timedelta(days=30)).date())
        Milestone.objects.create(goal=goal, title="Late", due_on=(now - timedelta(days=3)).date())
    return mentorship
