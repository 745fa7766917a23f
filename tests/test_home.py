"""The home page answers "what should I do now?": each waiting item appears when it is due, goes
away when it is done, and never shows another person's or another organization's items."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentora.feedback.models import CheckIn, Evaluation
from mentora.feedback.services import answer_check_in
from mentora.goals.models import Goal, GoalStatus, MilestoneReview
from mentora.goals.quizzes import take_quiz
from mentora.goals.reviews import answer_review
from mentora.goals.services import set_milestone_done
from mentora.matching.models import MentorshipRequest, RequestStatus
from mentora.meetings.models import Meeting
from mentora.meetings.services import book_meeting
from mentora.mentorships.agreements import confirm_agreement
from mentora.mentorships.models import Concern, Mentorship
from mentora.mentorships.services import create_mentorship, transition_mentorship
from mentora.programs.models import MatchingMode
from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory
from tests.relationship_fixtures import (
    check_in_of,
    foreign_mentorship,
    milestone_of,
    milestone_with_quiz,
    proposed_agreement,
    reviewed_milestone,
)


def home(client: Client, org: str = "acme") -> str:
    response = client.get(reverse("core:dashboard", args=[org]))
    assert response.status_code == 200
    return response.content.decode()


def kinds(client: Client, org: str = "acme") -> list[str]:
    return re.findall(r'data-kind="([a-z_.]+)"', home(client, org))


def ask(world: World, status: str = RequestStatus.PENDING) -> MentorshipRequest:
    """The world's mentee asks the world's mentor (in a program where participants choose)."""
    world.program.matching_mode = MatchingMode.SELF_SELECT
    world.program.save(update_fields=["matching_mode"])
    return MentorshipRequest.objects.create(program=world.program, mentee=world.mentee, mentor=world.mentor,
                                            message="Would you mentor me?", status=status)


# --- Participants ----------------------------------------------------------------------------------

def test_a_request_waits_on_the_mentor_until_answered_and_shows_as_sent_to_the_mentee(world: World):
    request = ask(world)
    mentor, mentee, member = client_for(world.mentor), client_for(world.mentee), client_for(world.member)
    page = home(mentor)
    assert 'data-kind="request.answer"' in page
    assert f"#req-{request.pk}" in page and "asked you to be their mentor in Career Growth" in page
    assert "request.sent" in kinds(mentee) and "request.answer" not in kinds(mentee)
    assert not {"request.answer", "request.sent"} & set(kinds(member))
    MentorshipRequest.objects.filter(pk=request.pk).update(status=RequestStatus.DECLINED)
    assert "request.answer" not in kinds(mentor) and "request.sent" not in kinds(mentee)


def test_a_mentors_question_waits_on_the_mentee(world: World):
    ask(world, status=RequestStatus.QUESTION)
    assert "request.question" in kinds(client_for(world.mentee))
    assert "request.answer" not in kinds(client_for(world.mentor))


def test_an_active_mentorship_without_agreement_asks_both_to_write_one(world: World):
    assert "agreement.write" in kinds(client_for(world.mentee))
    assert "agreement.write" in kinds(client_for(world.mentor))
    assert "agreement.write" not in kinds(client_for(world.member))


def test_an_agreement_waits_on_whoever_has_not_confirmed_it_then_is_celebrated(world: World):
    agreement = proposed_agreement(world)  # proposed, so confirmed, by the mentor
    mentee, mentor = client_for(world.mentee), client_for(world.mentor)
    assert "agreement.confirm" in kinds(mentee)
    assert not {"agreement.confirm", "agreement.write"} & set(kinds(mentor))
    confirm_agreement(agreement=agreement, membership=world.mentee)
    page = home(mentee)
    assert "agreement.confirm" not in page
    assert "is confirmed. A good start!" in page


def test_a_milestone_shows_when_due_soon_as_overdue_when_late_and_goes_when_done(world: World):
    milestone = milestone_of(world)  # due in 10 days: not yet
    mentee = client_for(world.mentee)
    assert "milestone" not in kinds(mentee)
    milestone.due_on = timezone.localdate() + timedelta(days=3)
    milestone.save()
    page = home(mentee)
    assert 'data-kind="milestone"' in page and "is due in 3 days" in page
    assert "milestone" in kinds(client_for(world.mentor))  # both sides of the mentorship
    milestone.due_on = timezone.localdate() - timedelta(days=2)
    milestone.save()
    assert re.search(r'waiting-item is-overdue" data-kind="milestone"', home(mentee))
    set_milestone_done(milestone=milestone, done=True)
    page = home(mentee)
    assert 'data-kind="milestone"' not in page and "Milestone reached" in page


def test_a_goal_past_its_date_asks_for_an_update_until_achieved(world: World):
    goal = milestone_of(world).goal
    Goal.objects.filter(pk=goal.pk).update(target_on=timezone.localdate() - timedelta(days=1))
    mentee = client_for(world.mentee)
    assert "goal" in kinds(mentee)
    Goal.objects.filter(pk=goal.pk).update(status=GoalStatus.ACHIEVED)
    assert "goal" not in kinds(mentee)


def test_a_check_in_waits_on_its_respondent_only_until_answered(world: World):
    check_in = check_in_of(world)
    mentee = client_for(world.mentee)
    assert "check_in" in kinds(mentee)
    assert "check_in" not in kinds(client_for(world.mentor))
    answer_check_in(check_in=check_in, going_well=4, meeting_regularly=True, usefulness=4)
    assert "check_in" not in kinds(mentee)


def test_a_milestone_review_waits_on_each_member_until_they_answer(world: World):
    milestone = reviewed_milestone(world)
    mentee, mentor = client_for(world.mentee), client_for(world.mentor)
    assert "milestone_review" in kinds(mentee) and "milestone_review" in kinds(mentor)
    review = MilestoneReview.objects.get(milestone=milestone, respondent=world.mentee)
    answer_review(review=review, went_well="Outline done", to_change="Start earlier", next_goals="Rehearse")
    assert "milestone_review" not in kinds(mentee)
    assert "milestone_review" in kinds(mentor)


def test_a_quiz_waits_on_the_mentee_until_passed(world: World):
    milestone = milestone_with_quiz(world)
    mentee = client_for(world.mentee)
    assert "quiz" in kinds(mentee)
    assert "quiz" not in kinds(client_for(world.mentor))  # mentors do not take quizzes
    take_quiz(milestone=milestone, membership=world.mentee, answers=[1, 0])
    assert "quiz" not in kinds(mentee)


def test_the_evaluation_is_asked_after_the_end_until_given(world: World):
    mentee = client_for(world.mentee)
    assert "evaluation" not in kinds(mentee)
    transition_mentorship(mentorship=world.mentorship, to_status="completed", actor=world.coordinator.user)
    page = home(mentee)
    assert 'data-kind="evaluation"' in page and "You completed your mentorship" in page
    assert not {"agreement.write", "check_in"} & set(kinds(mentee))  # a closed mentorship asks nothing else
    Evaluation.objects.create(mentorship=world.mentorship, membership=world.mentee, satisfaction=5, nps=9,
                              outcomes="fully")
    assert "evaluation" not in kinds(mentee)
    assert "evaluation" in kinds(client_for(world.mentor))


def test_profile_and_application_status_are_shown_to_their_owner(world: World):
    mentee_kinds = kinds(client_for(world.mentee))
    assert "profile" in mentee_kinds and "application.applied" in mentee_kinds
    assert "application.applied" not in kinds(client_for(world.member))


def test_an_approved_mentee_in_a_self_select_program_is_asked_to_choose_a_mentor(world: World):
    program = ProgramFactory(organization=world.org, name="Open Choice", matching_mode=MatchingMode.SELF_SELECT)
    EnrollmentFactory(program=program, membership=world.member, role="mentee", status="approved")
    member = client_for(world.member)
    assert "mentor.choose" in kinds(member)
    mentor = MembershipFactory(organization=world.org)
    EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=2)
    create_mentorship(program=program, members=[(mentor, "mentor"), (world.member, "mentee")], created_by=None)
    assert "mentor.choose" not in kinds(member)


def test_nothing_from_another_organization_reaches_the_home_page(world: World):
    """The same person in two organizations: Globex items and meetings stay on the Globex home page."""
    foreign = foreign_mentorship(world)  # has a check-in for the outsider
    CheckIn.objects.filter(mentorship=foreign).update(sent_at=timezone.now())
    twin = MembershipFactory(organization=world.other_org, user=world.mentee.user)
    globex_mentor = MembershipFactory(organization=world.other_org)
    EnrollmentFactory(program=world.other_program, membership=globex_mentor, role="mentor", capacity=2)
    twin_ship = create_mentorship(program=world.other_program, members=[(globex_mentor, "mentor"), (twin, "mentee")],
                                  created_by=None)
    CheckIn.objects.create(mentorship=twin_ship, respondent=twin, sequence=1, due_on=timezone.localdate())
    book_meeting(mentorship=twin_ship, booked_by=globex_mentor.user, starts_at=timezone.now() + timedelta(hours=2))
    page = home(client_for(world.mentee))
    assert "Globex" not in page and "check_in" not in kinds(client_for(world.mentee))
    assert "Your next meeting" not in page
    globex = home(client_for(world.mentee), "globex")
    assert 'data-kind="check_in"' in globex and "Your next meeting" in globex


# --- Mentorship cards and the next meeting ---------------------------------------------------------

def test_mentorships_show_as_cards_with_the_other_persons_face_next_meeting_and_progress(world: World):
    world.mentor.user.full_name = "Chloé Okafor"
    world.mentor.user.save()
    milestone = milestone_of(world)
    set_milestone_done(milestone=milestone, done=True)
    book_meeting(mentorship=world.mentorship, booked_by=world.mentor.user, starts_at=timezone.now() + timedelta(days=2))
    page = home(client_for(world.mentee))
    card = page[page.index('class="card mentorship-card"'):]
    assert "Chloé Okafor" in card and ">CO</span>" in card and 'aria-hidden="true"' in card
    assert "you are the mentee" in card and "0 of 1 goal achieved" in card and 'aria-valuenow="100"' in card
    assert "Next meeting" in card and "Find a time" not in card[:2000]


def test_the_next_meeting_offers_join_only_when_the_room_is_open(world: World):
    meeting = book_meeting(mentorship=world.mentorship, booked_by=world.mentor.user,
                           starts_at=timezone.now() + timedelta(days=1))
    mentee = client_for(world.mentee)
    page = home(mentee)
    assert "Your next meeting" in page and "Join now" not in page
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + timedelta(minutes=5),
                                                 ends_at=timezone.now() + timedelta(minutes=65))
    page = home(mentee)
    assert "Join now" in page and reverse("meetings:room", args=["acme", meeting.pk]) in page
    assert "Your next meeting" not in home(client_for(world.member))


def test_someone_without_a_mentorship_is_offered_the_open_programs(world: World):
    page = home(client_for(world.member))
    assert "No mentorship yet" in page and "Browse 1 open program" in page


def test_a_mentor_sees_their_load_per_program(world: World):
    page = home(client_for(world.mentor))
    assert "Your mentoring load" in page and "1 of 2 places taken — 1 free" in page


# --- Coordinators ----------------------------------------------------------------------------------

def test_a_coordinator_sees_program_health_and_what_waits_on_them(world: World):
    world.mentee_enrollment.status = "approved"
    world.mentee_enrollment.save()
    unmatched = MembershipFactory(organization=world.org)
    EnrollmentFactory(program=world.program, membership=unmatched, role="mentee", status="approved")
    EnrollmentFactory(program=world.program, membership=world.member, role="mentee", status="applied")
    Mentorship.objects.filter(pk=world.mentorship.pk).update(started_on=timezone.localdate() - timedelta(days=30))
    CheckIn.objects.create(mentorship=world.mentorship, respondent=world.mentee, sequence=1,
                           due_on=timezone.localdate(), sent_at=timezone.now(), answered_at=timezone.now(),
                           going_well=2, usefulness=2, meeting_regularly=False, flag_to_coordinator="We never meet")
    Concern.objects.create(mentorship=world.mentorship, reporter=world.mentee, body="Not going well")
    foreign_mentorship(world)  # Globex's pairs and check-ins must not count
    coordinator = client_for(world.coordinator)
    found = kinds(coordinator)
    assert {"applications", "unmatched", "quiet", "check_in_flags", "concerns"} <= set(found)
    page = home(coordinator)
    card = page[page.index('class="card program-card'):]
    assert "1 of 2 matched" in card and "1 waiting for a match" in card
    assert "<strong>1</strong> quiet pair" in card and "<strong>1</strong> check-in flag" in card
    assert "Decide on 1 application" in card and "?status=applied" in card
    assert "Globex" not in page
    assert not {"applications", "quiet", "concerns"} & set(kinds(client_for(world.mentee)))


def test_a_pair_that_met_recently_is_not_quiet(world: World):
    Mentorship.objects.filter(pk=world.mentorship.pk).update(started_on=timezone.localdate() - timedelta(days=30))
    book_meeting(mentorship=world.mentorship, booked_by=world.mentor.user, starts_at=timezone.now() + timedelta(days=1))
    assert "quiet" not in kinds(client_for(world.coordinator))


@pytest.mark.parametrize("who", ["mentee", "mentor", "coordinator", "member"])
def test_the_home_page_answers_for_every_role(world: World, who: str):
    assert "Waiting on you" in home(client_for(getattr(world, who)))


def test_a_check_in_left_unanswered_when_its_mentorship_ended_is_not_an_overdue_follow_up(world: World) -> None:
    """The finished demo pilot showed "12 overdue check-ins to read" for pairs that had completed."""
    from mentora.feedback.models import OVERDUE_AFTER_RESEND
    from mentora.home.programs import program_health
    from mentora.mentorships.models import MentorshipStatus
    from mentora.mentorships.services import transition_mentorship

    long_ago = timezone.now() - OVERDUE_AFTER_RESEND - timedelta(days=1)
    CheckIn.objects.create(mentorship=world.mentorship, respondent=world.mentee, sequence=1, due_on=long_ago.date(),
                           sent_at=long_ago, resent_at=long_ago)
    health = {row.program.pk: row for row in program_health(world.coordinator, now=timezone.now())}
    assert health[world.program.pk].overdue_check_ins == 1
    transition_mentorship(mentorship=world.mentorship, to_status=MentorshipStatus.COMPLETED,
                          actor=world.coordinator.user, reason="Done")
    health = {row.program.pk: row for row in program_health(world.coordinator, now=timezone.now())}
    assert health[world.program.pk].overdue_check_ins == 0
