"""Quizzes: coordinators write them for a program, members attach one to a milestone, the mentee takes
it once, the score is stored and the mentor sees it."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.db import IntegrityError
from django.urls import reverse

from mentora.core.errors import DomainError
from mentora.goals.models import Quiz, QuizAttempt
from mentora.goals.quizzes import attach_quiz, parse_questions
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


def test_the_database_keeps_one_attempt_per_person_and_a_score_within_the_total(world: World):
    milestone = milestone_with_quiz(world)
    QuizAttempt.objects.create(quiz=quiz_of(world), milestone=milestone, membership=world.mentee, score=1, total=2)
    with pytest.raises(IntegrityError):
        QuizAttempt.objects.create(quiz=quiz_of(world), milestone=milestone, membership=world.mentee, score=3, total=2)
