"""Check-ins, feedback and kudos, self-assessment with its chart, and the evaluation."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.core.access import AuthedRequest, access_program, org_view
from mentora.core.errors import DomainError
from mentora.feedback import services
from mentora.feedback.forms import ONE_TO_FIVE, CheckInForm, EvaluationForm, FeedbackForm, FeedbackSettingsForm
from mentora.feedback.models import AssessmentPhase, CheckIn, Evaluation, Feedback, FeedbackSettings, SelfAssessment
from mentora.goals.models import Goal, Milestone
from mentora.mentorships.access import access_relationship, domain_errors_as_http, member_seat
from mentora.programs.models import Program

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY


def _fail(form: forms.BaseForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@org_view()
@domain_errors_as_http
def check_in(request: AuthedRequest, check_in_id: int) -> HttpResponse:
    """The respondent's own check-in; nobody else opens it (coordinators see flags on their page)."""
    membership = request.membership
    found = CheckIn.objects.filter(pk=check_in_id, respondent=membership).values_list("mentorship_id", flat=True).first()
    if found is None:
        raise Http404
    mentorship = access_relationship(membership, found, write=request.method == "POST")
    item = CheckIn.objects.get(pk=check_in_id)
    item.mentorship = mentorship
    form = CheckInForm(request.POST or None)
    status = 200
    if request.method == "POST" and item.answered_at is None:
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                services.answer_check_in(check_in=item, **form.cleaned_data)
            except DomainError as error:
                _fail(form, error)
            else:
                messages.success(request, _("Thank you — check-in sent."))
                return redirect("mentorships:home", org=membership.organization.slug, mentorship_id=mentorship.pk)
    elif request.method == "POST":
        status = HTTPStatus.CONFLICT
    return render(request, "feedback/check_in.html", {"check_in": item, "mentorship": mentorship, "form": form},
                  status=status)


@org_view(role="coordinator")
@domain_errors_as_http
def flags(request: AuthedRequest) -> HttpResponse:
    flagged = list(
        CheckIn.objects.filter(mentorship__program__organization=request.membership.organization)
        .exclude(flag_to_coordinator="").select_related("respondent__user", "mentorship__program")
        .order_by("-answered_at")[:200]
    )
    overdue = list(CheckIn.objects.overdue().filter(mentorship__program__organization=request.membership.organization)
                   .select_related("respondent__user", "mentorship__program")[:200])
    programs = list(Program.objects.in_organization(request.membership.organization).order_by("-starts_on", "name")[:50])
    return render(request, "feedback/flags.html", {"flagged": flagged, "overdue": overdue, "programs": programs})


@org_view()
@domain_errors_as_http
def feedback(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    membership = request.membership
    mentorship = access_relationship(membership, mentorship_id, write=request.method == "POST")
    seat = member_seat(membership, mentorship)
    allow_anonymous = services.settings_for(mentorship).allow_anonymous_feedback
    form = None
    status = 200
    if seat is not None and mentorship.is_open:
        others = Membership.objects.filter(
            pk__in=[m.membership_id for m in mentorship.active_members() if m.membership_id != membership.pk]
        ).select_related("user")
        form = FeedbackForm(
            request.POST or None, recipients=others, goals=Goal.objects.filter(mentorship=mentorship),
            milestones=Milestone.objects.filter(goal__mentorship=mentorship), allow_anonymous=allow_anonymous,
        )
        if request.method == "POST":
            status = UNPROCESSABLE
            if form.is_valid():
                try:
                    services.give_feedback(mentorship=mentorship, author=membership, **form.cleaned_data)
                except DomainError as error:
                    _fail(form, error)
                else:
                    messages.success(request, _("Sent. Thank you for taking the time."))
                    return redirect("feedback:feedback", org=membership.organization.slug, mentorship_id=mentorship.pk)
    entries = list(Feedback.objects.visible_to(membership).filter(mentorship=mentorship)
                   .select_related("author__user", "recipient__user", "goal", "milestone"))
    for entry in entries:
        # Anonymous to the other side only: the author and coordinators still see who wrote it.
        hidden = entry.is_anonymous and entry.author_id != membership.pk and not membership.is_coordinator
        entry.shown_author = _("Anonymous") if hidden else entry.author.user.display_name  # type: ignore[attr-defined]
    return render(request, "feedback/feedback.html", {
        "mentorship": mentorship, "entries": entries, "form": form, "allow_anonymous": allow_anonymous,
    }, status=status)


def _assessment_form(skills: list[str], data: Any = None) -> forms.Form:
    form = forms.Form(data)
    for index, skill in enumerate(skills):
        form.fields[f"skill_{index}"] = forms.TypedChoiceField(label=skill, coerce=int, choices=ONE_TO_FIVE,
                                                               widget=forms.RadioSelect)
    return form


def _chart_rows(assessments: list[SelfAssessment]) -> list[dict[str, Any]]:
    by_phase = {a.phase: {r.skill: r.rating for r in a.ratings.all()} for a in assessments}
    before, after = by_phase.get(AssessmentPhase.START, {}), by_phase.get(AssessmentPhase.END, {})
    return [{"skill": s, "before": before.get(s), "after": after.get(s), "y": 30 + i * 46}
            for i, s in enumerate(dict.fromkeys([*before, *after]))]


@org_view()
@domain_errors_as_http
def progress(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    """Self-assessment at the start and the end, and the before/after chart of each mentee."""
    membership = request.membership
    mentorship = access_relationship(membership, mentorship_id, write=request.method == "POST", allow_closed=True)
    seat = member_seat(membership, mentorship)
    assessments = list(SelfAssessment.objects.filter(mentorship=mentorship)
                       .select_related("membership__user").prefetch_related("ratings"))
    form = None
    phase = None
    status = 200
    if seat is not None and seat.role in ("mentee", "peer"):
        mine = {a.phase for a in assessments if a.membership_id == membership.pk}
        phase = (AssessmentPhase.START if AssessmentPhase.START not in mine
                 else AssessmentPhase.END if AssessmentPhase.END not in mine else None)
        if phase is not None:
            skills = services.assessment_skills(mentorship, membership)
            form = _assessment_form(skills, request.POST or None)
            if request.method == "POST":
                status = UNPROCESSABLE
                if form.is_valid():
                    ratings = {skills[int(k.split("_")[1])]: v for k, v in form.cleaned_data.items()}
                    try:
                        services.save_self_assessment(mentorship=mentorship, membership=membership, phase=phase,
                                                      ratings=ratings)
                    except DomainError as error:
                        _fail(form, error)
                    else:
                        messages.success(request, _("Self-assessment saved."))
                        return redirect("feedback:progress", org=membership.organization.slug,
                                        mentorship_id=mentorship.pk)
    if request.method == "POST" and form is None:
        raise Http404
    people: dict[int, dict[str, Any]] = {}
    for assessment in assessments:
        people.setdefault(assessment.membership_id, {"name": assessment.membership.user.display_name, "items": []})
        people[assessment.membership_id]["items"].append(assessment)
    charts = [{"name": p["name"], "rows": _chart_rows(p["items"])} for p in people.values()]
    for chart in charts:
        chart["height"] = 40 + 46 * len(chart["rows"])
    return render(request, "feedback/progress.html", {
        "mentorship": mentorship, "charts": charts, "form": form, "phase": phase,
        "phase_label": AssessmentPhase(phase).label if phase else "",
    }, status=status)


@org_view()
@domain_errors_as_http
def evaluation(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    membership = request.membership
    mentorship = access_relationship(membership, mentorship_id, write=True, allow_closed=True)
    done = Evaluation.objects.filter(mentorship=mentorship, membership=membership).first()
    form = EvaluationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                services.save_evaluation(mentorship=mentorship, membership=membership, **form.cleaned_data)
            except DomainError as error:
                status = error.status_code
                _fail(form, error)
            else:
                messages.success(request, _("Thank you for your evaluation."))
                return redirect("mentorships:home", org=membership.organization.slug, mentorship_id=mentorship.pk)
    return render(request, "feedback/evaluation.html", {"mentorship": mentorship, "form": form, "done": done},
                  status=status)


@org_view(role="coordinator")
@domain_errors_as_http
def program_settings(request: AuthedRequest, program_id: int) -> HttpResponse:
    """A program's check-in cadence, feedback anonymity and competencies (coordinators)."""
    program = access_program(request.membership, program_id, manage=True)
    current = FeedbackSettings.objects.filter(program=program).first() or FeedbackSettings(program=program)
    initial = {"first_check_in_after_days": current.first_check_in_after_days,
               "check_in_every_weeks": current.check_in_every_weeks,
               "allow_anonymous_feedback": current.allow_anonymous_feedback,
               "competencies": "\n".join(str(c) for c in current.competencies)}
    # No `instance`: validation must not touch the row; the service does the writing.
    form = FeedbackSettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                services.save_feedback_settings(program=program, by=request.membership, **form.cleaned_data)
            except DomainError as error:
                _fail(form, error)
            else:
                messages.success(request, _("Check-in and feedback settings saved."))
                return redirect("feedback:settings", org=request.membership.organization.slug, program_id=program.pk)
    return render(request, "feedback/settings.html", {"program": program, "form": form}, status=status)
