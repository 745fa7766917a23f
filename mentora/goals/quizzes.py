"""Quizzes: short knowledge checks a program's coordinators write, attached to milestones, taken by
mentees; the score is stored and the mentor sees it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.core.errors import Conflict, DomainError, NotAllowed
from mentora.core.models import record_audit_event
from mentora.goals.models import DEFAULT_QUIZ_ATTEMPTS, MAX_QUIZ_ATTEMPTS, Milestone, Quiz, QuizAttempt, QuizQuestion
from mentora.mentorships.models import MemberRole
from mentora.notifications.services import notify
from mentora.programs.models import Program

__all__ = ["QuestionDraft", "attach_quiz", "create_quiz", "parse_questions", "take_quiz"]

QUIZ_TAKER_ROLES = (MemberRole.MENTEE, MemberRole.PEER)
MAX_QUESTIONS = 20
MAX_CHOICES = 6


@dataclass(frozen=True)
class QuestionDraft:
    text: str
    choices: tuple[str, ...]
    correct_choice: int


def parse_questions(text: str) -> list[QuestionDraft]:
    """Read questions written as blocks separated by a blank line: the question on the first line,
    then one choice per line, the right one marked with a leading `*`.

    Raises ValueError with a message fit for the person who wrote the text.

    >>> [q.correct_choice for q in parse_questions("What is the M in SMART?\\nMagic\\n* Measurable\\n\\n"
    ...                                            "Is feedback a gift?\\n* Yes\\nNo")]
    [1, 0]
    >>> parse_questions("Which?\\nA\\nB")
    Traceback (most recent call last):
    ...
    ValueError: Question 1: mark the right choice with a leading *.
    """
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    if not blocks:
        raise ValueError("Write at least one question.")
    if len(blocks) > MAX_QUESTIONS:
        raise ValueError(f"A quiz has at most {MAX_QUESTIONS} questions.")
    drafts = []
    for number, block in enumerate(blocks, start=1):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        question, raw_choices = lines[0], lines[1:]
        if not 2 <= len(raw_choices) <= MAX_CHOICES:
            raise ValueError(f"Question {number}: give between 2 and {MAX_CHOICES} choices, one per line.")
        correct = [i for i, choice in enumerate(raw_choices) if choice.startswith("*")]
        if len(correct) != 1:
            raise ValueError(f"Question {number}: mark the right choice with a leading *." if not correct
                             else f"Question {number}: mark only one choice with *.")
        choices = tuple(choice.lstrip("*").strip()[:300] for choice in raw_choices)
        if not all(choices) or len(set(choices)) != len(choices):
            raise ValueError(f"Question {number}: each choice needs different, non-empty text.")
        drafts.append(QuestionDraft(question[:500], choices, correct[0]))
    return drafts


@transaction.atomic
def create_quiz(*, program: Program, author: Membership, title: str, description: str, pass_percent: int,
                questions: Sequence[QuestionDraft], max_attempts: int = DEFAULT_QUIZ_ATTEMPTS) -> Quiz:
    """Create a program's quiz with its questions (coordinators; the caller checks the role)."""
    if not title.strip():
        raise DomainError(_("Give the quiz a title."), field="title")
    if not 0 <= pass_percent <= 100:
        raise DomainError(_("The pass mark is a percentage from 0 to 100."), field="pass_percent")
    if not 1 <= max_attempts <= MAX_QUIZ_ATTEMPTS:
        raise DomainError(_("Allow from 1 to %(n)d attempts.") % {"n": MAX_QUIZ_ATTEMPTS}, field="max_attempts")
    if not questions:
        raise DomainError(_("Write at least one question."), field="questions")
    for question in questions:
        if not question.text.strip() or not 0 <= question.correct_choice < len(question.choices):
            raise DomainError(_("Each question needs text and one right choice."), field="questions")
    quiz = Quiz.objects.create(program=program, title=title.strip(), description=description.strip(),
                               pass_percent=pass_percent, max_attempts=max_attempts, created_by=author)
    QuizQuestion.objects.bulk_create([
        QuizQuestion(quiz=quiz, position=position, text=q.text.strip(), choices=list(q.choices),
                     correct_choice=q.correct_choice)
        for position, q in enumerate(questions, start=1)
    ])
    record_audit_event(organization=program.organization, actor=author.user, action="quiz.create", target=program,
                       details={"quiz": quiz.pk})
    return quiz


def attach_quiz(*, milestone: Milestone, quiz: Quiz | None) -> Milestone:
    """Attach one of the program's quizzes to a milestone (or detach with None)."""
    mentorship = milestone.goal.mentorship
    if quiz is not None and quiz.program_id != mentorship.program_id:
        raise DomainError(_("Choose one of this program's quizzes."), field="quiz")
    if quiz is not None and milestone.quiz_id != quiz.pk and milestone.quiz_attempts.exists():
        raise Conflict(_("Someone already took this milestone's quiz; it can no longer change."))
    milestone.quiz = quiz
    milestone.save(update_fields=["quiz"])
    return milestone


def _score(questions: Sequence[QuizQuestion], answers: Sequence[int]) -> int:
    return sum(1 for question, answer in zip(questions, answers, strict=True) if answer == question.correct_choice)


def attempts_left(quiz: Quiz, attempts: Sequence[QuizAttempt]) -> int:
    """How many more times a person may take `quiz`, given their `attempts` at it: none once passed."""
    if any(a.passed for a in attempts):
        return 0
    return max(0, quiz.max_attempts - len(attempts))


@transaction.atomic
def take_quiz(*, milestone: Milestone, membership: Membership, answers: Sequence[int]) -> QuizAttempt:
    """Score a mentee's answers to the milestone's quiz and store them as their next attempt (until
    they pass, up to the quiz's attempts allowed); the mentors are told the result."""
    mentorship = milestone.goal.mentorship
    seat = next((m for m in mentorship.active_members() if m.membership_id == membership.pk), None)
    if seat is None or seat.role not in QUIZ_TAKER_ROLES:
        raise NotAllowed(_("Only the mentee takes this quiz."))
    quiz = milestone.quiz
    if quiz is None:
        raise Conflict(_("This milestone has no quiz."))
    questions = list(quiz.questions.all())
    if len(answers) != len(questions) or any(
            not 0 <= answer < len(question.choices) for question, answer in zip(questions, answers, strict=True)):
        raise DomainError(_("Answer every question."), field="answers")
    earlier = list(QuizAttempt.objects.filter(quiz=quiz, milestone=milestone, membership=membership).select_related("quiz"))
    if attempts_left(quiz, earlier) == 0:
        if any(a.passed for a in earlier):
            raise Conflict(_("You already passed this quiz."))
        raise Conflict(_("You have used all %(n)d attempts at this quiz.") % {"n": quiz.max_attempts})
    score = _score(questions, answers)
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(quiz=quiz, milestone=milestone, membership=membership,
                                                 number=len(earlier) + 1, answers=list(answers), score=score,
                                                 total=len(questions))
    except IntegrityError:
        # The same answers sent twice at once: the other submission took this attempt's number.
        raise Conflict(_("These answers were already sent.")) from None
    mentors = [m.membership.user for m in mentorship.active_members() if m.membership_id != membership.pk]
    notify(recipients=mentors, organization=mentorship.program.organization, kind="quiz.taken",
           title=(_("%(name)s scored %(score)s/%(total)s on “%(quiz)s”.") if attempt.number == 1
                  else _("%(name)s scored %(score)s/%(total)s on “%(quiz)s” (attempt %(n)s)."))
           % {"name": membership.user.display_name, "score": score, "total": len(questions), "quiz": quiz.title,
              "n": attempt.number},
           url=reverse("goals:quiz_take", args=[mentorship.program.organization.slug, milestone.pk]), email=False)
    return attempt
