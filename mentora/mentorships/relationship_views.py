"""The agreement, session logs and notes, concerns, and the certificate of a mentorship."""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora.core.access import AuthedRequest, is_mentorship_member, org_view
from mentora.core.errors import DomainError
from mentora.core.toasts import celebrate
from mentora.goals.models import Goal, GoalStatus
from mentora.mentorships import agreements, safety, sessions
from mentora.mentorships.access import access_relationship, domain_errors_as_http, member_seat
from mentora.mentorships.certificates import render_certificate_pdf
from mentora.mentorships.forms import AgreementForm, ConcernForm, NoteForm, SessionLogForm
from mentora.mentorships.models import Concern, Mentorship, MentorshipStatus, Note, SessionLog
from mentora.programs.models import Purpose

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY


def _fail(form: forms.BaseForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _goal_titles(mentorship: Mentorship) -> list[str]:
    return list(Goal.objects.filter(mentorship=mentorship).values_list("title", flat=True)[:5])


@org_view()
@domain_errors_as_http
def agreement_detail(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    membership = request.membership
    mentorship = access_relationship(membership, mentorship_id)
    state = agreements.agreement_state(mentorship)
    goal_titles = _goal_titles(mentorship)
    minutes = state.latest.session_minutes if state.latest else 60
    return render(request, "mentorships/agreement.html", {
        "mentorship": mentorship, "state": state, "is_member": is_mentorship_member(membership, mentorship),
        "i_confirmed": membership.pk in state.confirmed_by,
        "starters": agreements.conversation_starters(purpose=mentorship.program.purpose, goal_titles=goal_titles),
        "agenda": agreements.first_session_agenda(
            purpose_label=str(Purpose(mentorship.program.purpose).label) if mentorship.program.purpose in Purpose.values
            else mentorship.program.name, goal_titles=goal_titles, session_minutes=minutes),
    })


@org_view()
@domain_errors_as_http
def agreement_edit(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    membership = request.membership
    mentorship = access_relationship(membership, mentorship_id, write=True)
    latest = agreements.agreement_state(mentorship).latest
    initial = model_to_dict(latest, fields=AgreementForm.Meta.fields) if latest else {
        "ends_on": mentorship.ends_on or mentorship.program.ends_on, "session_minutes": 60, "cadence": "biweekly",
        "channels": ["video"], "response_time": "two_days",
    }
    form = AgreementForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                agreements.propose_agreement(mentorship=mentorship, author=membership, **form.cleaned_data)
            except DomainError as error:
                _fail(form, error)
            else:
                messages.success(request, _("Agreement saved and confirmed by you. The others are asked to confirm it."))
                return redirect("mentorships:agreement", org=membership.organization.slug, mentorship_id=mentorship.pk)
    return render(request, "mentorships/agreement_form.html", {"mentorship": mentorship, "form": form,
                                                                "latest": latest}, status=status)


class ConfirmForm(forms.Form):
    version = forms.IntegerField(min_value=1)


@require_POST
@org_view()
@domain_errors_as_http
def agreement_confirm(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    membership = request.membership
    mentorship = access_relationship(membership, mentorship_id, write=True)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Say which version you confirm."), status=UNPROCESSABLE)
    agreement = mentorship.agreements.filter(version=form.cleaned_data["version"]).first()
    if agreement is None:
        raise Http404
    agreement.mentorship = mentorship
    was_in_force = agreements.agreement_state(mentorship).in_force
    try:
        agreements.confirm_agreement(agreement=agreement, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        now_in_force = agreements.agreement_state(mentorship).in_force
        if now_in_force is not None and now_in_force.pk == agreement.pk and was_in_force != now_in_force:
            celebrate(request, _("Everyone has confirmed: your agreement is in force. Here's to a good start!"))
        elif now_in_force is not None and now_in_force.pk == agreement.pk:
            messages.success(request, _("You confirmed version %(v)s of the agreement.") % {"v": agreement.version})
        else:
            messages.success(request, _("You confirmed version %(v)s of the agreement. It is in force once everyone has.")
                             % {"v": agreement.version})
    return redirect("mentorships:agreement", org=membership.organization.slug, mentorship_id=mentorship.pk)


@org_view()
@domain_errors_as_http
def session_list(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    """The session log with the notes the viewer may read; members log sessions here (POST)."""
    membership = request.membership
    mentorship = access_relationship(membership, mentorship_id, write=request.method == "POST")
    goals = Goal.objects.filter(mentorship=mentorship).exclude(status=GoalStatus.DROPPED)
    form = SessionLogForm(request.POST or None, goals=goals, initial={"held_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                sessions.log_session(mentorship=mentorship, author=membership, **form.cleaned_data)
            except DomainError as error:
                _fail(form, error)
            else:
                messages.success(request, _("Session logged."))
                return redirect("mentorships:sessions", org=membership.organization.slug, mentorship_id=mentorship.pk)
    visible_notes = Note.objects.visible_to(membership).select_related("author__user")
    logs = list(
        SessionLog.objects.filter(mentorship=mentorship).select_related("logged_by__user")
        .prefetch_related(Prefetch("notes", queryset=visible_notes, to_attr="visible_notes"))
    )
    loose_notes = list(visible_notes.filter(mentorship=mentorship, session_log__isnull=True))
    return render(request, "mentorships/sessions.html", {
        "mentorship": mentorship, "logs": logs, "loose_notes": loose_notes, "form": form,
        "note_form": NoteForm(), "can_write": is_mentorship_member(membership, mentorship) and mentorship.is_open,
    }, status=status)


@require_POST
@org_view()
@domain_errors_as_http
def note_add(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    membership = request.membership
    mentorship = access_relationship(membership, mentorship_id, write=True)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A note cannot be empty."))
        return HttpResponse(_("A note cannot be empty."), status=UNPROCESSABLE)
    sessions.add_note(mentorship=mentorship, author=membership, **form.cleaned_data)
    messages.success(request, _("Private note saved.") if form.cleaned_data["is_private"] else _("Shared note saved."))
    return redirect("mentorships:sessions", org=membership.organization.slug, mentorship_id=mentorship.pk)


@org_view()
@domain_errors_as_http
def concern_report(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    """Report a concern privately to the coordinators (members, any status: safety does not end)."""
    membership = request.membership
    mentorship = access_relationship(membership, mentorship_id, write=True, allow_closed=True)
    form = ConcernForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            safety.report_concern(mentorship=mentorship, reporter=membership, body=form.cleaned_data["body"])
            messages.success(request, _("Thank you. Only the coordinators can read what you wrote; they will be in touch."))
            return redirect("mentorships:home", org=membership.organization.slug, mentorship_id=mentorship.pk)
    return render(request, "mentorships/concern.html", {"mentorship": mentorship, "form": form}, status=status)


@org_view(role="coordinator")
@domain_errors_as_http
def concern_list(request: AuthedRequest) -> HttpResponse:
    concerns = list(Concern.objects.visible_to(request.membership)
                    .select_related("reporter__user", "mentorship__program")[:200])
    return render(request, "mentorships/concerns.html", {"concerns": concerns})


@org_view()
@domain_errors_as_http
def certificate(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    """A completed mentorship's certificate (mentees, peers) or recognition (mentors), as PDF."""
    membership = request.membership
    mentorship = access_relationship(membership, mentorship_id)
    seat = member_seat(membership, mentorship)
    if seat is None or mentorship.status != MentorshipStatus.COMPLETED:
        raise Http404
    if seat.role in ("mentor", "facilitator"):
        heading, statement = _("Certificate of recognition"), _("is thanked for mentoring in")
        achieved: list[str] = []
    else:
        heading, statement = _("Certificate of completion"), _("has completed the mentoring program")
        achieved = list(Goal.objects.filter(mentorship=mentorship, owner=membership, status=GoalStatus.ACHIEVED)
                        .values_list("title", flat=True))
    pdf = render_certificate_pdf(
        heading=heading, recipient=membership.user.display_name, statement=statement,
        program=mentorship.program.name, organization=membership.organization.name, started_on=mentorship.started_on,
        ended_on=mentorship.ended_at.date() if mentorship.ended_at else None, achievements=achieved,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="mentora-certificate-{mentorship.pk}.pdf"'
    return response
