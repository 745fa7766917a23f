"""Goal pages: the SMART editor, and a goal's milestones, checklist, evidence and comments."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora.core.access import AuthedRequest, is_mentorship_member, org_view
from mentora.core.errors import DomainError, StaleWrite
from mentora.core.toasts import celebrate
from mentora.goals import services
from mentora.goals.access import access_checklist_item, access_goal, access_milestone
from mentora.goals.downloads import evidence_file_response
from mentora.goals.forms import (
    ChecklistItemForm,
    CommentForm,
    DoneForm,
    EvidenceForm,
    GoalEditForm,
    GoalForm,
    GoalStatusForm,
    MilestoneForm,
)
from mentora.goals.models import Goal, GoalStatus, Quiz
from mentora.goals.smart import check_smart
from mentora.mentorships.access import access_relationship, domain_errors_as_http

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY


def _fail(form: forms.BaseForm, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _detail(request: AuthedRequest, goal: Goal, *, status: int = 200, **forms_in: forms.BaseForm) -> HttpResponse:
    mentorship = goal.mentorship
    smart = check_smart(
        title=goal.title, description=goal.description, measure=goal.measure, achievable=goal.achievable,
        relevance=goal.relevance, target_on=goal.target_on, today=goal.created_at.date(), ends_on=mentorship.ends_on,
    )
    can_edit = is_mentorship_member(request.membership, mentorship) and mentorship.is_open
    context: dict[str, Any] = {
        "goal": goal, "mentorship": mentorship, "smart": smart, "can_edit": can_edit,
        "milestones": list(goal.milestones.select_related("quiz").annotate(
            n_reviews=Count("reviews", distinct=True), n_attempts=Count("quiz_attempts", distinct=True))),
        "today": timezone.localdate(),
        "program_quizzes": list(Quiz.objects.filter(program_id=mentorship.program_id)) if can_edit else [],
        "items": list(goal.checklist_items.select_related("milestone", "done_by__user")),
        "evidence": list(goal.evidence.select_related("author__user")),
        "comments": list(goal.comments.select_related("author__user")),
        "status_form": GoalStatusForm(initial={"status": goal.status}),
        "milestone_form": MilestoneForm(prefix="milestone"), "item_form": ChecklistItemForm(prefix="item"),
        "evidence_form": EvidenceForm(prefix="evidence"), "comment_form": CommentForm(prefix="comment"),
    }
    context.update(forms_in)
    return render(request, "goals/detail.html", context, status=status)


def _back(goal: Goal) -> HttpResponse:
    return redirect("goals:detail", org=goal.mentorship.program.organization.slug, goal_id=goal.pk)


@org_view()
@domain_errors_as_http
def goal_create(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    membership = request.membership
    mentorship = access_relationship(membership, mentorship_id, write=True)
    form = GoalForm(request.POST or None, organization=membership.organization)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                goal = services.save_goal(mentorship=mentorship, author=membership, **form.cleaned_data)
            except DomainError as error:
                _fail(form, error)
            else:
                messages.success(request, _("Goal saved. Add milestones and checklist items next."))
                return _back(goal)
    return render(request, "goals/form.html", {"form": form, "mentorship": mentorship, "goal": None},
                  status=status)


@org_view()
@domain_errors_as_http
def goal_edit(request: AuthedRequest, goal_id: int) -> HttpResponse:
    membership = request.membership
    goal = access_goal(membership, goal_id, write=True)
    # No `instance`: validation must not touch the goal; the service does the writing.
    initial = model_to_dict(goal, fields=GoalForm.Meta.fields) | {"version": goal.version}
    form = GoalEditForm(request.POST or None, initial=initial, organization=membership.organization)
    status, theirs = 200, None
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            values = dict(form.cleaned_data)
            expected = values.pop("version")
            try:
                services.save_goal(mentorship=goal.mentorship, author=membership, goal=goal, expected_version=expected,
                                   **values)
            except StaleWrite as error:
                # Keep their words in the form; the next save is made from the version now shown.
                status, theirs = HTTPStatus.CONFLICT, Goal.objects.get(pk=goal.pk)
                data = request.POST.copy()
                data["version"] = str(theirs.version)
                form = GoalEditForm(data, organization=membership.organization)
                form.is_valid()
                form.add_error(None, error.message)
            except DomainError as error:
                _fail(form, error)
            else:
                messages.success(request, _("Goal saved."))
                return _back(goal)
    return render(request, "goals/form.html", {"form": form, "mentorship": goal.mentorship, "goal": goal,
                                               "theirs": theirs}, status=status)


@org_view()
@domain_errors_as_http
def goal_detail(request: AuthedRequest, goal_id: int) -> HttpResponse:
    return _detail(request, access_goal(request.membership, goal_id))


@require_POST
@org_view()
@domain_errors_as_http
def goal_status(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = access_goal(request.membership, goal_id, write=True)
    form = GoalStatusForm(request.POST)
    if not form.is_valid():
        return _detail(request, goal, status=UNPROCESSABLE, status_form=form)
    was = goal.status
    services.set_goal_status(goal=goal, status=form.cleaned_data["status"])
    if goal.status == GoalStatus.ACHIEVED and was != GoalStatus.ACHIEVED:
        celebrate(request, _("Goal achieved: %(title)s. Congratulations!") % {"title": goal.title})
    return _back(goal)


@require_POST
@org_view()
@domain_errors_as_http
def milestone_add(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = access_goal(request.membership, goal_id, write=True)
    form = MilestoneForm(request.POST, prefix="milestone")
    if form.is_valid():
        try:
            services.add_milestone(goal=goal, title=form.cleaned_data["title"], due_on=form.cleaned_data["due_on"])
        except DomainError as error:
            _fail(form, error)
        else:
            return _back(goal)
    return _detail(request, goal, status=UNPROCESSABLE, milestone_form=form)


@require_POST
@org_view()
@domain_errors_as_http
def milestone_done(request: AuthedRequest, milestone_id: int) -> HttpResponse:
    milestone = access_milestone(request.membership, milestone_id, write=True)
    form = DoneForm(request.POST)
    form.is_valid()
    was_done = milestone.done_at is not None
    services.set_milestone_done(milestone=milestone, done=bool(form.cleaned_data.get("done")))
    if milestone.done_at is not None and not was_done:
        left = milestone.goal.milestones.filter(done_at__isnull=True).count()
        celebrate(request, (_("Milestone reached: %(title)s. Nice work!") if left else
                            _("Milestone reached: %(title)s — that was the last one on this goal. Nice work!"))
                  % {"title": milestone.title})
    return _back(milestone.goal)


@require_POST
@org_view()
@domain_errors_as_http
def item_add(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = access_goal(request.membership, goal_id, write=True)
    form = ChecklistItemForm(request.POST, prefix="item")
    if form.is_valid():
        services.add_checklist_items(goal=goal, texts=[form.cleaned_data["text"]])
        return _back(goal)
    return _detail(request, goal, status=UNPROCESSABLE, item_form=form)


@require_POST
@org_view()
@domain_errors_as_http
def item_done(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = access_checklist_item(request.membership, item_id, write=True)
    form = DoneForm(request.POST)
    form.is_valid()
    services.set_item_done(item=item, done=bool(form.cleaned_data.get("done")), by=request.membership)
    return _back(item.goal)


@require_POST
@org_view()
@domain_errors_as_http
def evidence_add(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = access_goal(request.membership, goal_id, write=True)
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    if form.is_valid():
        try:
            services.add_evidence(goal=goal, author=request.membership, **form.cleaned_data)
        except DomainError as error:
            _fail(form, error)
        else:
            return _back(goal)
    return _detail(request, goal, status=UNPROCESSABLE, evidence_form=form)


@require_POST
@org_view()
@domain_errors_as_http
def comment_add(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = access_goal(request.membership, goal_id, write=True)
    form = CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        services.add_comment(goal=goal, author=request.membership, body=form.cleaned_data["body"])
        return _back(goal)
    return _detail(request, goal, status=UNPROCESSABLE, comment_form=form)


@org_view()
@domain_errors_as_http
def evidence_file(request: AuthedRequest, evidence_id: int) -> HttpResponse:
    """Download an evidence file (members; coordinators, audited)."""
    return evidence_file_response(request.membership, request.user, evidence_id)
