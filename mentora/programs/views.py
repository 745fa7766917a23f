"""Program design (coordinators), browsing and enrolment (members), and decisions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentora.core.access import AuthedRequest, access_enrollment, access_program, org_view, visible_programs
from mentora.core.errors import DomainError
from mentora.programs import services
from mentora.programs.forms import (
    BulkDecisionForm,
    CapacityForm,
    DecisionForm,
    ProgramForm,
    QuestionForm,
    TrainingForm,
    build_enrollment_form,
)
from mentora.programs.models import Enrollment, EnrollmentQuestion, EnrollmentStatus, Program
from mentora.programs.templates_catalog import PURPOSE_PRESETS


def _preset_json() -> dict[str, Any]:
    presets: dict[str, Any] = {}
    for purpose in PURPOSE_PRESETS:
        values = services.preset_for(purpose)
        presets[purpose] = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}
    return presets


def _form_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@org_view()
def program_list(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    if membership.is_coordinator:
        programs = Program.objects.in_organization(membership.organization).with_enrollment_counts()
        status = request.GET.get("status", "")
        if status:
            programs = programs.filter(status=status)
        page = Paginator(programs.order_by("-starts_on", "name"), 25).get_page(request.GET.get("page"))
        return render(request, "programs/list_coordinator.html", {"page": page, "status": status})
    profile = getattr(membership, "profile", None)
    my_enrollments = {
        e.program_id: e for e in Enrollment.objects.filter(membership=membership).only("program_id", "status", "role")
    }
    shown = [
        p for p in visible_programs(membership).order_by("-starts_on", "name")
        if p.pk in my_enrollments or p.is_eligible(profile)
    ]
    rows = [{"program": p, "enrollment": my_enrollments.get(p.pk)} for p in shown]
    return render(request, "programs/list_member.html", {"rows": rows})


@org_view(role="coordinator")
def program_create(request: AuthedRequest) -> HttpResponse:
    organization = request.membership.organization
    purpose = request.GET.get("purpose", "career")
    initial = services.preset_for(purpose if purpose in PURPOSE_PRESETS else "open")
    form = ProgramForm(request.POST or None, initial=initial, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.create_program(organization=organization, created_by=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Program created. Add enrolment questions, then open it for enrolment."))
            return redirect("programs:detail", org=organization.slug, program_id=program.pk)
    return render(request, "programs/form.html", {"form": form, "presets": _preset_json(), "creating": True},
                  status=422 if form.errors else 200)


@org_view(role="coordinator")
def program_edit(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    form = ProgramForm(request.POST or None, instance=program, organization=program.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_program(program=Program.objects.get(pk=program.pk), updated_by=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Program saved."))
            return redirect("programs:detail", org=program.organization.slug, program_id=program.pk)
    return render(request, "programs/form.html", {"form": form, "program": program, "presets": _preset_json()},
                  status=422 if form.errors else 200)


def _round_pause(program: Program, membership: Any, my_enrollments: list[Enrollment]) -> Any:
    """For a peer in a peer program: their pause (or False when taking part); None otherwise."""
    if program.form != "peer" or not any(e.role == "peer" and e.is_live for e in my_enrollments):
        return None
    from mentora.matching.models import RoundPause

    return RoundPause.objects.filter(program=program, membership=membership).first() or False


@org_view()
def program_detail(request: AuthedRequest, program_id: int) -> HttpResponse:
    membership = request.membership
    program = access_program(membership, program_id)
    my_enrollments = list(Enrollment.objects.filter(program=program, membership=membership))
    context: dict[str, Any] = {
        "program": program, "my_enrollments": my_enrollments,
        "questions": program.questions.all(), "capacity_form": CapacityForm(),
        "can_enroll": program.is_open and any(r not in {e.role for e in my_enrollments if e.is_live} for r in program.roles_offered),
        "can_find_mentor": program.matching_mode != "coordinator" and any(
            e.role == "mentee" and e.status == "approved" for e in my_enrollments
        ),
        "round_pause": _round_pause(program, membership, my_enrollments),
    }
    if membership.is_coordinator:
        context["counts"] = Program.objects.filter(pk=program.pk).with_enrollment_counts().get()
    return render(request, "programs/detail.html", context)


@org_view(role="coordinator")
def program_questions(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_question(
                program=program, text=data["text"], kind=data["kind"], choices=data["choices"].splitlines(),
                roles=data["roles"], is_required=data["is_required"], use_in_matching=data["use_in_matching"],
                added_by=request.user,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Question added."))
            return redirect("programs:questions", org=program.organization.slug, program_id=program.pk)
    return render(request, "programs/questions.html", {"program": program, "form": form, "questions": program.questions.all()},
                  status=422 if form.errors else 200)


@require_POST
@org_view(role="coordinator")
def question_delete(request: AuthedRequest, program_id: int, question_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    question = EnrollmentQuestion.objects.filter(pk=question_id, program=program).first()
    if question is None:
        raise Http404
    services.remove_question(question=question, removed_by=request.user)
    messages.success(request, _("Question removed."))
    return redirect("programs:questions", org=program.organization.slug, program_id=program.pk)


@org_view()
def program_enroll(request: AuthedRequest, program_id: int) -> HttpResponse:
    membership = request.membership
    program = access_program(membership, program_id)
    if not program.is_open:
        messages.error(request, _("This program is not open for enrolment."))
        return redirect("programs:detail", org=program.organization.slug, program_id=program.pk)
    form = build_enrollment_form(program, request.GET.get("role"), request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        raw_answers = {k[2:]: v for k, v in data.items() if k.startswith("q_")}
        try:
            enrollment = services.enroll(
                program=program, membership=membership, role=data["role"], answers=raw_answers,
                motivation=data.get("motivation", ""), capacity=data.get("capacity"),
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            if enrollment.status == EnrollmentStatus.APPROVED:
                messages.success(request, _("You're in! Welcome to %(p)s.") % {"p": program.name})
            else:
                messages.success(request, _("Application sent. A coordinator will review it soon."))
            return redirect("programs:detail", org=program.organization.slug, program_id=program.pk)
    return render(request, "programs/enroll.html", {"program": program, "form": form}, status=422 if form.errors else 200)


ENROLLMENT_FILTERS_SESSION_KEY = "enrollment_filters"


def _enrollment_filters(request: AuthedRequest, program: Program) -> dict[str, str]:
    """The review page's filters from the query, kept valid (unknown values mean "all")."""
    status = request.GET.get("status", "")
    role = request.GET.get("role", "")
    return {
        "status": status if status in EnrollmentStatus.values else "",
        "role": role if role in program.roles_offered else "",
        "q": " ".join(request.GET.get("q", "").split())[:100],
    }


def _filtered_enrollments(program: Program, filters: dict[str, str]) -> QuerySet[Enrollment]:
    """The program's enrolments matching the role and search filters (not the status: the tabs count each)."""
    enrollments = program.enrollments.all()
    if filters["role"]:
        enrollments = enrollments.filter(role=filters["role"])
    if filters["q"]:
        q = filters["q"]
        enrollments = enrollments.filter(
            Q(membership__user__full_name__icontains=q) | Q(membership__user__email__icontains=q)
            | Q(membership__profile__department__icontains=q)
        )
    return enrollments


@org_view(role="coordinator")
def program_enrollments(request: AuthedRequest, program_id: int) -> HttpResponse:
    """Review applications: status tabs with counts, role and name filters, one or many decisions.

    The filters live in the query string (shareable, back button) and are remembered in the
    session per program: coming back to the bare page restores the last ones.
    """
    program = access_program(request.membership, program_id, manage=True)
    remembered: dict[str, dict[str, str]] = request.session.get(ENROLLMENT_FILTERS_SESSION_KEY, {})
    if not request.GET and remembered.get(str(program.pk)):
        return redirect(f"{request.path}?{urlencode(remembered[str(program.pk)])}")
    filters = _enrollment_filters(request, program)
    kept = {key: value for key, value in filters.items() if value}
    if remembered.get(str(program.pk), {}) != kept:
        request.session[ENROLLMENT_FILTERS_SESSION_KEY] = {**remembered, str(program.pk): kept}
    matching = _filtered_enrollments(program, filters)
    counts = matching.aggregate(
        **{"n_all": Count("pk")},
        **{f"n_{status}": Count("pk", filter=Q(status=status)) for status in EnrollmentStatus.values},
    )
    shown = matching.filter(status=filters["status"]) if filters["status"] else matching
    page = Paginator(
        shown.select_related("membership__user", "membership__profile").order_by("status", "created_at", "pk"), 50,
    ).get_page(request.GET.get("page"))
    questions = {str(q.pk): q.text for q in program.questions.all()}
    tabs = [
        {"label": label, "count": counts[f"n_{value or 'all'}"], "current": value == filters["status"],
         "query": urlencode({**kept, "status": value})}
        for value, label in [("", _("All")), *EnrollmentStatus.choices]
        if value in ("", filters["status"]) or counts[f"n_{value}"]
    ]
    return render(request, "programs/enrollments.html", {
        "program": program, "page": page, "filters": filters, "questions": questions, "tabs": tabs,
        "query": urlencode(kept), "decision_form": DecisionForm(), "bulk_form": DecisionForm(prefix="bulk"),
        "is_filtered": bool(kept),
    })


@require_POST
@org_view(role="coordinator")
def enrollments_bulk_decide(request: AuthedRequest, program_id: int) -> HttpResponse:
    """Several applications, one decision: first a summary to confirm, then all of them or none."""
    program = access_program(request.membership, program_id, manage=True)
    form = BulkDecisionForm(request.POST, program=program)
    error = ""
    status = 200
    if form.is_valid():
        chosen = list(form.cleaned_data["enrollment"])
        decision = form.cleaned_data["decision"]
        if request.POST.get("confirm") == "yes":
            try:
                decided = services.decide_enrollments(
                    program=program, enrollment_ids=[e.pk for e in chosen], decision=decision,
                    message=form.cleaned_data["message"], decided_by=request.user,
                )
            except DomainError as domain_error:
                error, status = domain_error.message, domain_error.status_code
            else:
                messages.success(request, _bulk_done(decision, len(decided)))
                return redirect("programs:enrollments", org=program.organization.slug, program_id=program.pk)
        withdrawn = [e for e in chosen if e.status == EnrollmentStatus.WITHDRAWN]
        if withdrawn and not error:
            error, status = _("%(names)s withdrew, so no decision can be sent to them: go back and unselect them.") % {
                "names": ", ".join(e.membership.user.display_name for e in withdrawn)}, 409
    else:
        chosen, decision, status = [], "", 422
    return render(request, "programs/enrollments_confirm.html", {
        "program": program, "form": form, "chosen": chosen, "decision": decision, "error": error,
        "summary": _bulk_summary(decision, len(chosen)) if chosen else "",
    }, status=status)


def _bulk_summary(decision: str, n: int) -> str:
    action = {
        "approve": ngettext("Approve %(n)d person", "Approve %(n)d people", n),
        "waitlist": ngettext("Put %(n)d person on the waiting list", "Put %(n)d people on the waiting list", n),
        "reject": ngettext("Tell %(n)d person “not this time”", "Tell %(n)d people “not this time”", n),
    }[decision] % {"n": n}
    emails = ngettext("%(n)d email will be sent.", "%(n)d emails will be sent.", n) % {"n": n}
    return f"{action}; {emails}"


def _bulk_done(decision: str, n: int) -> str:
    return {
        "approve": ngettext("Approved %(n)d person; the email is on its way.",
                            "Approved %(n)d people; their emails are on their way.", n),
        "waitlist": ngettext("Put %(n)d person on the waiting list; the email is on its way.",
                             "Put %(n)d people on the waiting list; their emails are on their way.", n),
        "reject": ngettext("Told %(n)d person “not this time”; the email is on its way.",
                           "Told %(n)d people “not this time”; their emails are on their way.", n),
    }[decision] % {"n": n}


@require_POST
@org_view(role="coordinator")
def enrollment_decide(request: AuthedRequest, enrollment_id: int) -> HttpResponse:
    enrollment = access_enrollment(request.membership, enrollment_id, manage=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, waitlist or not this time."))
    else:
        try:
            services.decide_enrollment(
                enrollment=enrollment, decision=form.cleaned_data["decision"],
                message=form.cleaned_data["message"], decided_by=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Decision saved and sent to %(name)s.") % {"name": enrollment.membership.user.display_name})
    return redirect("programs:enrollments", org=request.membership.organization.slug, program_id=enrollment.program_id)


@require_POST
@org_view(role="coordinator")
def enrollment_training(request: AuthedRequest, enrollment_id: int) -> HttpResponse:
    """Mark a mentor's training completed (or not): programs can require it for matching."""
    enrollment = access_enrollment(request.membership, enrollment_id, manage=True)
    form = TrainingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose completed or not completed."))
    else:
        completed = form.cleaned_data["completed"]
        try:
            services.set_training(enrollment=enrollment, completed=completed, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            name = enrollment.membership.user.display_name
            messages.success(request, (_("%(name)s has completed the mentor training.") if completed
                                       else _("%(name)s's mentor training is marked not completed.")) % {"name": name})
    target = redirect("programs:enrollments", org=request.membership.organization.slug, program_id=enrollment.program_id)
    target["Location"] += f"#enrollment-{enrollment.pk}"
    return target


@require_POST
@org_view()
def enrollment_withdraw(request: AuthedRequest, enrollment_id: int) -> HttpResponse:
    enrollment = access_enrollment(request.membership, enrollment_id)
    try:
        services.withdraw_enrollment(enrollment=enrollment, withdrawn_by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have withdrawn from %(p)s.") % {"p": enrollment.program.name})
    return redirect("programs:detail", org=request.membership.organization.slug, program_id=enrollment.program_id)


@require_POST
@org_view()
def enrollment_capacity(request: AuthedRequest, enrollment_id: int) -> HttpResponse:
    enrollment = access_enrollment(request.membership, enrollment_id)
    form = CapacityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Capacity must be between 1 and 50."))
    else:
        try:
            services.set_capacity(enrollment=enrollment, capacity=form.cleaned_data["capacity"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Capacity updated."))
    return redirect("programs:detail", org=request.membership.organization.slug, program_id=enrollment.program_id)
