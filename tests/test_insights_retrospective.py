"""Pilot → reflect → next cohort: targets against what happened, retrospective notes, the next cohort
with everything copied and the right people invited, and two cohorts side by side."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.core.errors import DomainError
from mentora.feedback.models import Evaluation, FeedbackSettings
from mentora.goals.models import Quiz, QuizQuestion
from mentora.insights.cohorts import invitees, start_next_cohort
from mentora.insights.health import program_insights
from mentora.insights.retrospective import compare, completion_percent, target_results
from mentora.matching.models import MatchingSettings
from mentora.mentorships.models import MentorshipStatus
from mentora.mentorships.services import transition_mentorship
from mentora.notifications.models import Notification
from mentora.programs.models import EnrollmentQuestion, Program, ProgramRetrospective, ProgramStatus
from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory
from tests.test_insights_health import build_history


def pilot(world: World):
    history = build_history(world, pairs=5)
    program = history.program
    program.is_pilot = True
    program.target_match_percent, program.target_meetings_per_month = 90, Decimal("1.0")
    program.target_nps, program.target_completion_percent = 30, 50
    program.save()
    for mentorship in history.pairs[2:4]:
        transition_mentorship(mentorship=mentorship, to_status=MentorshipStatus.COMPLETED, actor=world.coordinator.user,
                              reason="Done")
    for index, person in enumerate(history.mentees[:5]):
        Evaluation.objects.create(mentorship=history.pairs[index], membership=person, satisfaction=5,
                                  nps=[10, 10, 9, 7, 3][index], outcomes="fully")
    EnrollmentQuestion.objects.create(program=program, text="What do you want to learn?", kind="text", position=0)
    MatchingSettings.objects.create(program=program, weights={"skills": 3}, require_training=True)
    FeedbackSettings.objects.create(program=program, check_in_every_weeks=2)
    quiz = Quiz.objects.create(program=program, title="Active listening", pass_percent=80)
    QuizQuestion.objects.create(quiz=quiz, position=0, text="What is a reflective statement?", choices=["A", "B"],
                                correct_choice=1)
    return history


def test_targets_are_read_against_what_happened(world: World) -> None:
    history = pilot(world)
    insights = program_insights(history.program)
    results = {result.key: result for result in target_results(history.program, insights)}
    assert (results["match"].actual, results["match"].target, results["match"].is_met) == (83.0, 90.0, False)
    assert results["match"].words == "Below the target."
    assert results["nps"].actual == 40.0 and results["nps"].is_met  # 3 promoters, 1 detractor of 5
    assert completion_percent(insights) == 40 and not results["completion"].is_met  # 2 of 5
    assert results["meetings"].actual is not None and results["meetings"].actual < 1 and not results["meetings"].is_met


def test_without_enough_answers_a_target_is_not_known_yet(world: World) -> None:
    history = build_history(world)
    history.program.target_nps = 20
    history.program.save()
    results = {r.key: r for r in target_results(history.program, program_insights(history.program))}
    assert results["nps"].actual is None and results["nps"].is_met is None and results["nps"].words == "Not known yet."
    assert results["match"].words == "No target was set."


def test_the_next_cohort_copies_settings_questions_rules_and_quizzes_and_invites(world: World) -> None:
    history = pilot(world)
    waitlisted = MembershipFactory(organization=world.org)
    EnrollmentFactory(program=history.program, membership=waitlisted, role="mentee", status="waitlisted")
    mentors, unmatched = invitees(history.program)
    assert len(mentors) == 5 and len(unmatched) == 2  # the Legal person and the waitlisted one
    starts = timezone.localdate() + timedelta(days=30)
    made = start_next_cohort(program=history.program, name="Returners 2027", starts_on=starts,
                             ends_on=starts + timedelta(days=180), created_by=world.coordinator.user,
                             invite_mentors=True, invite_unmatched=True)
    cohort = made.program
    assert (cohort.name, cohort.is_pilot, cohort.status, cohort.target_nps) == ("Returners 2027", False, ProgramStatus.OPEN, 30)
    assert list(cohort.questions.values_list("text", flat=True)) == ["What do you want to learn?"]
    assert cohort.matching_settings.weights == {"skills": 3} and cohort.matching_settings.require_training
    assert cohort.feedback_settings.check_in_every_weeks == 2
    assert cohort.quizzes.get().questions.get().correct_choice == 1
    assert made.invited == 7
    assert Notification.objects.filter(kind="program.next_cohort", recipient=waitlisted.user).exists()
    assert not Notification.objects.filter(kind="program.next_cohort", recipient=history.mentees[0].user).exists()
    # The original is untouched.
    assert history.program.questions.count() == 1 and history.program.is_pilot


def test_a_next_cohort_without_invitations_starts_as_a_draft_and_bad_input_changes_nothing(world: World) -> None:
    history = pilot(world)
    starts = timezone.localdate() + timedelta(days=30)
    made = start_next_cohort(program=history.program, name="Quiet start", starts_on=starts, ends_on=starts,
                             created_by=world.coordinator.user)
    assert made.program.status == ProgramStatus.DRAFT and made.invited == 0
    before = Program.objects.count()
    with pytest.raises(DomainError):
        start_next_cohort(program=history.program, name="quiet START", starts_on=starts, ends_on=starts,
                          created_by=world.coordinator.user)
    with pytest.raises(DomainError):
        start_next_cohort(program=history.program, name="  ", starts_on=starts, ends_on=starts,
                          created_by=world.coordinator.user)
    assert Program.objects.count() == before


def test_the_retrospective_page_saves_notes_and_starts_the_next_cohort(world: World) -> None:
    history = pilot(world)
    client = client_for(world.coordinator)
    url = reverse("insights:retrospective", args=["acme", history.program.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Below the target." in page.content.decode()
    saved = client.post(url, {"worked": "Monthly socials", "did_not_work": "Too many forms", "next_time": "Fewer forms"})
    assert saved.status_code == 302
    notes = ProgramRetrospective.objects.get(program=history.program)
    assert (notes.worked, notes.updated_by) == ("Monthly socials", world.coordinator.user)
    starts = (timezone.localdate() + timedelta(days=20)).isoformat()
    bad = client.post(reverse("insights:next_cohort", args=["acme", history.program.pk]),
                      {"name": "Next", "starts_on": starts, "ends_on": "2020-01-01"})
    assert bad.status_code == 422 and "The end date must be on or after the start date." in bad.content.decode()
    made = client.post(reverse("insights:next_cohort", args=["acme", history.program.pk]),
                       {"name": "Returners 2027", "starts_on": starts, "ends_on": "2027-12-31", "invite_mentors": "on"})
    cohort = Program.objects.get(name="Returners 2027")
    assert made.status_code == 302 and made["Location"] == reverse("programs:edit", args=["acme", cohort.pk])


def test_two_cohorts_side_by_side(world: World) -> None:
    first = pilot(world)
    rows = {row.label: row.values for row in compare([program_insights(first.program), program_insights(world.program)])}
    assert rows["People taking part"] == (7, 1)
    assert rows["Net promoter score"] == (40, None)
    page = client_for(world.coordinator).get(reverse("insights:compare", args=["acme"]),
                                              {"a": first.program.pk, "b": world.program.pk})
    assert page.status_code == 200 and "Returners 2026 and Career Growth" in page.content.decode()
    other = client_for(world.coordinator).get(reverse("insights:compare", args=["acme"]),
                                               {"a": first.program.pk, "b": world.other_program.pk})
    assert "Globex" not in other.content.decode()  # another organization's program is not a choice


def test_targets_out_of_range_are_refused_on_the_program_form(world: World) -> None:
    client = client_for(world.coordinator)
    program = world.program
    response = client.post(reverse("programs:edit", args=["acme", program.pk]), {
        "name": program.name, "purpose": program.purpose, "form": program.form, "status": program.status,
        "starts_on": program.starts_on.isoformat(), "ends_on": program.ends_on.isoformat(),
        "roles_offered": program.roles_offered, "mentor_capacity_default": 2, "circle_size_min": 4,
        "circle_size_max": 6, "matching_mode": program.matching_mode, "target_nps": 150, "target_match_percent": 90,
    })
    assert response.status_code in (200, 422)
    assert "A net promoter score is between −100 and 100." in response.content.decode()
    program.refresh_from_db()
    assert program.target_nps is None and program.target_match_percent is None

