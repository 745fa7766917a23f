"""Quizzes: coordinators write them for a program, members attach one to a milestone, the mentee takes
it (again until they pass, within the attempts allowed), the scores are stored and the mentor sees them."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from mentora.core.errors import Conflict, DomainError
from mentora.goals.models import Quiz, QuizAttempt
from mentora.goals.quizzes import attach_quiz, parse_questions, take_quiz
from mentora.notifications.models import Notification
from tests.conftest import World, client_for
from tests.factories import ProgramFactory
from tests.relationship_fixtures import milestone_of, milestone_with_quiz, quiz_of

QUESTIONS = "What is the M in SMART?\nMagic\n* Measurable\n\nIs feedback a gift?\n* Yes\nNo"


def test_a_coordinator_writes_a_quiz_with_questions_and_right_answers(world: World):
    response = client_for(world.coordinator).post(reverse("goals:quiz_create", args=["acme", world.program.pk]),
                                                  {"title": "SMART basics", "pass_percent": "50", "questions": QUESTIONS})
    assert response.status_code == HTTPStatus.FOUND
    quiz = Quiz.objects.get()
    assert [(q.text, q.correct_choice) for q in quiz.questions.all()] == [
        ("What is the M in SMART?", 1), ("Is feedback a gift?", 0)]
    page = client_for(world.coordinator).get(reverse("goals:quizzes", args=["acme", world.program.pk])).content.decode()
    assert "Measurable" in page and "right answer" in page


def test_a_quiz_without_a_marked_answer_is_refused_with_the_reason(world: World):
    response = client_for(world.coordinator).post(reverse("goals:quiz_create", args=["acme", world.program.pk]),
                                                  {"title": "Bad", "pass_percent": "50", "questions": "Which?\nA\nB"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "mark the right choice" in response.content.decode()
    assert not Quiz.objects.exists()


@pytest.mark.parametrize("text", ["", "Only a question", "Q?\n* A\n* B", "Q?\n* A\nA"])
def test_parse_questions_refuses_malformed_blocks(text: str):
    with pytest.raises(ValueError):
        parse_questions(text)


def test_the_mentee_takes_the_quiz_once_and_the_mentor_sees_the_score(world: World):
    milestone = milestone_with_quiz(world)
    url = reverse("goals:quiz_take", args=["acme", milestone.pk])
    mentee = client_for(world.mentee)
    form_page = mentee.get(url).content.decode()
    assert "Measurable" in form_page and "right answer" not in form_page
    assert mentee.post(url, {"q1": "1", "q2": "1"}).status_code == HTTPStatus.FOUND
    attempt = QuizAttempt.objects.get()
    assert (attempt.score, attempt.total, attempt.passed) == (1, 2, True)
    assert mentee.post(url, {"q1": "1", "q2": "0"}).status_code == HTTPStatus.CONFLICT
    assert QuizAttempt.objects.get().score == 1
    mentor_page = client_for(world.mentor).get(url).content.decode()
    assert "1 of 2 right (50%)" in mentor_page and "Send my answers" not in mentor_page
    assert Notification.objects.filter(recipient=world.mentor.user, kind="quiz.taken").exists()


def test_an_incomplete_answer_sheet_is_refused(world: World):
    milestone = milestone_with_quiz(world)
    response = client_for(world.mentee).post(reverse("goals:quiz_take", args=["acme", milestone.pk]), {"q1": "1"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not QuizAttempt.objects.exists()


def test_a_milestone_takes_only_its_own_programs_quizzes(world: World):
    other_quiz = Quiz.objects.create(program=ProgramFactory(organization=world.org), title="Elsewhere")
    response = client_for(world.mentee).post(reverse("goals:milestone_quiz", args=["acme", milestone_of(world).pk]),
                                             {"quiz": other_quiz.pk})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    with pytest.raises(DomainError):
        attach_quiz(milestone=milestone_of(world), quiz=other_quiz)


def test_the_database_keeps_one_attempt_per_number_and_a_score_within_the_total(world: World):
    milestone = milestone_with_quiz(world)
    attempt = {"quiz": quiz_of(world), "milestone": milestone, "membership": world.mentee, "total": 2}
    QuizAttempt.objects.create(score=1, **attempt)
    for bad in ({"score": 2}, {"score": 3, "number": 2}, {"score": 1, "number": 11}, {"score": 1, "number": 0}):
        with transaction.atomic(), pytest.raises(IntegrityError):
            QuizAttempt.objects.create(**attempt, **bad)
    QuizAttempt.objects.create(score=2, number=2, **attempt)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Quiz.objects.filter(pk=attempt["quiz"].pk).update(max_attempts=0)


def test_a_mentee_tries_again_until_they_pass_within_the_attempts_allowed(world: World):
    milestone = milestone_with_quiz(world)
    Quiz.objects.filter(pk=milestone.quiz_id).update(pass_percent=100, max_attempts=3)
    url = reverse("goals:quiz_take", args=["acme", milestone.pk])
    mentee = client_for(world.mentee)
    assert "Attempt 1 of 3" in mentee.get(url).content.decode()
    assert mentee.post(url, {"q1": "0", "q2": "0"}).status_code == HTTPStatus.FOUND  # 1 of 2: not passed
    page = mentee.get(url).content.decode()
    assert "Attempt 2 of 3" in page and "Send my answers" in page
    assert mentee.post(url, {"q1": "1", "q2": "0"}).status_code == HTTPStatus.FOUND  # 2 of 2: passed
    assert [(a.number, a.score) for a in QuizAttempt.objects.order_by("number")] == [(1, 1), (2, 2)]
    page = mentee.get(url).content.decode()
    assert "Send my answers" not in page and "attempt 2" in page
    assert mentee.post(url, {"q1": "1", "q2": "0"}).status_code == HTTPStatus.CONFLICT
    assert QuizAttempt.objects.count() == 2
    assert Notification.objects.filter(recipient=world.mentor.user, title__contains="(attempt 2)").exists()


def test_the_attempts_run_out(world: World):
    milestone = milestone_with_quiz(world)
    Quiz.objects.filter(pk=milestone.quiz_id).update(pass_percent=100, max_attempts=2)
    milestone.quiz.refresh_from_db()
    for _ in range(2):
        take_quiz(milestone=milestone, membership=world.mentee, answers=[0, 0])
    with pytest.raises(Conflict, match="all 2 attempts"):
        take_quiz(milestone=milestone, membership=world.mentee, answers=[1, 0])
    url = reverse("goals:quiz_take", args=["acme", milestone.pk])
    assert client_for(world.mentee).post(url, {"q1": "1", "q2": "0"}).status_code == HTTPStatus.CONFLICT
    assert QuizAttempt.objects.count() == 2


def test_a_coordinator_sets_the_attempts_allowed(world: World):
    url = reverse("goals:quiz_create", args=["acme", world.program.pk])
    client = client_for(world.coordinator)
    form = {"title": "Retakes", "description": "", "pass_percent": 80, "questions": QUESTIONS}
    assert client.post(url, {**form, "max_attempts": 11}).status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert client.post(url, {**form, "max_attempts": 5}).status_code == HTTPStatus.FOUND
    assert Quiz.objects.get(title="Retakes").max_attempts == 5
