"""The retrospective page (figures against targets, notes, next cohort) and cohorts side by side."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora.core.access import AuthedRequest, access_program, org_view
from mentora.core.errors import DomainError
from mentora.programs.models import Program, ProgramRetrospective
from mentora.programs.services import save_retrospective

from .cohort_forms import NextCohortForm, RetrospectiveForm
from .cohorts import invitees, start_next_cohort
from .health import program_insights
from .retrospective import compare, target_results


def _next_cohort_initial(program: Program) -> dict[str, object]:
    length = program.ends_on - program.starts_on
    starts = max(timezone.localdate(), program.ends_on) + timedelta(days=14)
    return {"name": _("%(name)s — next cohort") % {"name": program.name}, "starts_on": starts,
            "ends_on": starts + length, "invite_mentors": True, "invite_unmatched": True}


def _render(request: AuthedRequest, program: Program, *, notes_form: RetrospectiveForm, next_form: NextCohortForm,
            status: int = 200) -> HttpResponse:
    insights = program_insights(program)
    mentors, unmatched = invitees(program)
    return render(request, "insights/retrospective.html", {
        "program": program, "insights": insights, "results": target_results(program, insights),
        "notes_form": notes_form, "next_form": next_form, "mentors_to_invite": len(mentors),
        "unmatched_to_invite": len(unmatched),
        "others": Program.objects.in_organization(program.organization).exclude(pk=program.pk).order_by("-starts_on", "name"),
    }, status=status)


@org_view(role="coordinator")
def program_retrospective(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    notes = ProgramRetrospective.objects.filter(program=program).first() or ProgramRetrospective(program=program)
    notes_form = RetrospectiveForm(request.POST or None, instance=notes)
    if request.method == "POST":
        if notes_form.is_valid():
            save_retrospective(program=program, saved_by=request.user, **notes_form.cleaned_data)
            messages.success(request, _("Retrospective saved."))
            return redirect("insights:retrospective", org=program.organization.slug, program_id=program.pk)
        return _render(request, program, notes_form=notes_form, next_form=NextCohortForm(initial=_next_cohort_initial(program)),
                       status=422)
    return _render(request, program, notes_form=notes_form, next_form=NextCohortForm(initial=_next_cohort_initial(program)))


@require_POST
@org_view(role="coordinator")
def next_cohort(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    form = NextCohortForm(request.POST)
    if form.is_valid():
        try:
            made = start_next_cohort(program=program, created_by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("%(name)s is ready, with this program's settings, questions and rules. %(n)d people were invited.")
                             % {"name": made.program.name, "n": made.invited})
            return redirect("programs:edit", org=program.organization.slug, program_id=made.program.pk)
    notes = ProgramRetrospective.objects.filter(program=program).first() or ProgramRetrospective(program=program)
    return _render(request, program, notes_form=RetrospectiveForm(instance=notes), next_form=form, status=422)


@org_view(role="coordinator")
def compare_cohorts(request: AuthedRequest) -> HttpResponse:
    programs = list(Program.objects.in_organization(request.membership.organization).order_by("-starts_on", "name"))
    by_id = {str(program.pk): program for program in programs}
    chosen = [by_id[key] for key in (request.GET.get("a", ""), request.GET.get("b", "")) if key in by_id]
    rows = compare([program_insights(program) for program in chosen]) if len(chosen) == 2 else []
    return render(request, "insights/compare.html", {"programs": programs, "chosen": chosen, "rows": rows})
