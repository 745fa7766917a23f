"""Quiz pages: coordinators write a program's quizzes; members attach one to a milestone; the mentee
takes it there and everyone who may read the goal sees the result."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.db.models import Avg, Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora.core.access import AuthedRequest, access_program, org_view
from mentora.core.errors import Conflict, DomainError
from mentora.goals import quizzes
from mentora.goals.access import access_milestone
from mentora.goals.forms import AttachQuizForm, QuizForm, take_quiz_form
from mentora.goals.models import DEFAULT_QUIZ_ATTEMPTS, Quiz, QuizAttempt, QuizQuestion
from mentora.mentorships.access import domain_errors_as_http, member_seat

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY


@org_view(role="coordinator")
def quiz_list(request: AuthedRequest, program_id: int) -> HttpResponse:
    """A program's quizzes with their questions, right answers and results so far (coordinators)."""
    program = access_program(request.membership, program_id, manage=True)
    program_quizzes = list(
        Quiz.objects.filter(program=program)
        .annotate(n_attempts=Count("attempts"), average_score=Avg("attempts__score"))
        .prefetch_related(Prefetch("questions", queryset=QuizQuestion.objects.order_by("position")))
    )
    return render(request, "goals/quizzes.html", {"program": program, "quizzes": program_quizzes})


@org_view(role="coordinator")
@domain_errors_as_http
def quiz_create(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    form = QuizForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                questions = quizzes.parse_questions(form.cleaned_data["questions"])
            except ValueError as error:
                form.add_error("questions", str(error))
            else:
                try:
                    quizzes.create_quiz(program=program, author=request.membership, title=form.cleaned_data["title"],
                                        description=form.cleaned_data["description"],
                                        pass_percent=form.cleaned_data["pass_percent"], questions=questions,
                                        max_attempts=form.cleaned_data["max_attempts"] or DEFAULT_QUIZ_ATTEMPTS)
                except DomainError as error:
                    form.add_error(error.field if error.field in form.fields else None, error.message)
                else:
                    messages.success(request, _("Quiz saved. Mentorships in this program can attach it to a milestone."))
                    return redirect("goals:quizzes", org=request.membership.organization.slug, program_id=program.pk)
    return render(request, "goals/quiz_form.html", {"program": program, "form": form}, status=status)


@require_POST
@org_view()
@domain_errors_as_http
def milestone_quiz(request: AuthedRequest, milestone_id: int) -> HttpResponse:
    """Attach one of the program's quizzes to a milestone, or detach it (members)."""
    milestone = access_milestone(request.membership, milestone_id, write=True)
    form = AttachQuizForm(request.POST, quizzes=Quiz.objects.filter(program_id=milestone.goal.mentorship.program_id))
    if not form.is_valid():
        return HttpResponse(_("Choose one of this program's quizzes."), status=UNPROCESSABLE)
    quizzes.attach_quiz(milestone=milestone, quiz=form.cleaned_data["quiz"])
    messages.success(request, _("Knowledge check updated."))
    return redirect("goals:detail", org=request.membership.organization.slug, goal_id=milestone.goal_id)


@org_view()
@domain_errors_as_http
def quiz_take(request: AuthedRequest, milestone_id: int) -> HttpResponse:
    """The milestone's quiz: the mentee answers it once; members and coordinators see the results."""
    membership = request.membership
    milestone = access_milestone(membership, milestone_id, write=request.method == "POST")
    mentorship = milestone.goal.mentorship
    quiz = milestone.quiz
    attempts = list(QuizAttempt.objects.filter(milestone=milestone).select_related("membership__user", "quiz"))
    seat = member_seat(membership, mentorship)
    mine = [a for a in attempts if quiz is not None and a.membership_id == membership.pk and a.quiz_id == quiz.pk]
    is_taker = seat is not None and seat.role in quizzes.QUIZ_TAKER_ROLES
    left = quizzes.attempts_left(quiz, mine) if quiz is not None and is_taker else 0
    may_take = quiz is not None and mentorship.is_open and left > 0
    questions = list(quiz.questions.all()) if quiz is not None else []
    form = take_quiz_form(questions, request.POST or None) if may_take else None
    status = 200
    if request.method == "POST":
        if form is None:
            if quiz is not None and is_taker:
                if not mentorship.is_open:
                    raise Conflict(_("This mentorship is closed."))
                raise Conflict(_("You already passed this quiz.") if any(a.passed for a in mine)
                               else _("You have no attempts left at this quiz."))
            raise Http404  # mentors and milestones without a quiz: nothing to answer here
        status = UNPROCESSABLE
        if form.is_valid():
            answers = [form.cleaned_data[f"q{q.position}"] for q in questions]
            attempt = quizzes.take_quiz(milestone=milestone, membership=membership, answers=answers)
            messages.success(request, _("You scored %(s)s out of %(t)s.") % {"s": attempt.score, "t": attempt.total})
            return redirect("goals:quiz_take", org=membership.organization.slug, milestone_id=milestone.pk)
    return render(request, "goals/quiz_take.html", {
        "milestone": milestone, "goal": milestone.goal, "mentorship": mentorship, "quiz": quiz, "form": form,
        "attempts": attempts, "attempts_left": left, "next_attempt": len(mine) + 1,
    }, status=status)
