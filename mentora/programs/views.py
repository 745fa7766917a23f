"""Program design (coordinators), browsing and enrolment (members), and decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora.core.access import AuthedRequest, access_enrollment, access_program, org_view, visible_programs
from mentora.core.errors import DomainError
from mentora.programs import services
from mentora.programs.forms import (
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


@org_view(role="coordinator")
def program_enrollments(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    enrollments = program.enrollments.select_related("membership__user", "membership__profile").order_by("status", "created_at")
    status = request.GET.get("status", "")
    role = request.GET.get("role", "")
    if status:
        enrollments = enrollments.filter(status=status)
    if role:
        enrollments = enrollments.filter(role=role)
    page = Paginator(enrollments, 50).get_page(request.GET.get("page"))
    questions = {str(q.pk): q.text for q in program.questions.all()}
    return render(request, "programs/enrollments.html", {
        "program": program, "page": page, "status": status, "role": role, "questions": questions,
        "decision_form": DecisionForm(), "statuses": EnrollmentStatus.choices,
    })


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
