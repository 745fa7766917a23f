"""My mentorships, the mentorship home page, and changes of state (pause, resume, end)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora.core.access import AuthedRequest, access_mentorship, is_mentorship_member, org_view
from mentora.core.errors import DomainError
from mentora.core.toasts import celebrate
from mentora.mentorships import services
from mentora.mentorships.access import member_seat
from mentora.mentorships.agreements import AgreementState, agreement_state
from mentora.mentorships.forms import TransitionForm
from mentora.mentorships.models import (
    TRANSITIONS,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    MentorshipTransition,
    Note,
    SessionLog,
)
from mentora.mentorships.panels import panels_for

MEMBERS = Prefetch("members", queryset=MentorshipMember.objects.select_related("membership__user", "membership__profile"))

# What a member (not a coordinator) may do from each state.
MEMBER_ACTIONS: dict[str, list[str]] = {
    MentorshipStatus.PROPOSED: [MentorshipStatus.ACTIVE, MentorshipStatus.ENDED_EARLY],
    MentorshipStatus.ACTIVE: [MentorshipStatus.PAUSED, MentorshipStatus.ENDED_EARLY],
    MentorshipStatus.PAUSED: [MentorshipStatus.ACTIVE, MentorshipStatus.ENDED_EARLY],
}


@org_view()
def mentorship_list(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    mine = list(
        Mentorship.objects.for_member(membership).select_related("program").prefetch_related(MEMBERS).order_by("-created_at")
    )
    context: dict[str, object] = {"mine": mine}
    if membership.is_coordinator:
        everyone = (
            Mentorship.objects.filter(program__organization=membership.organization)
            .select_related("program").prefetch_related(MEMBERS).order_by("-created_at")
        )
        status = request.GET.get("status", "")
        if status:
            everyone = everyone.filter(status=status)
        context |= {"page": Paginator(everyone, 50).get_page(request.GET.get("page")), "status": status,
                    "statuses": MentorshipStatus.choices}
    return render(request, "mentorships/list.html", context)


@org_view()
def mentorship_home(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    membership = request.membership
    mentorship = access_mentorship(membership, mentorship_id)
    mentorship = Mentorship.objects.select_related("program").prefetch_related(MEMBERS).get(pk=mentorship.pk)
    is_member = is_mentorship_member(membership, mentorship)
    transitions = list(MentorshipTransition.objects.filter(mentorship=mentorship).select_related("actor"))
    if not membership.is_coordinator:
        # Reasons marked private are for coordinators only (a no-fault exit stays blameless).
        for transition in transitions:
            if transition.is_reason_private and transition.actor_id != request.user.pk:
                transition.reason = ""
    actions = MEMBER_ACTIONS.get(mentorship.status, []) if is_member else []
    if membership.is_coordinator:
        actions = sorted(TRANSITIONS.get(mentorship.status, set()))
    agreement = agreement_state(mentorship)
    recent_sessions = list(SessionLog.objects.filter(mentorship=mentorship).select_related("logged_by__user")[:3])
    recent_notes = list(Note.objects.visible_to(membership).filter(mentorship=mentorship)
                        .select_related("author__user").order_by("-created_at")[:3])
    seat = member_seat(membership, mentorship)
    return render(request, "mentorships/home.html", {
        "mentorship": mentorship, "members": mentorship.active_members(), "is_member": is_member,
        "actions": [(a, MentorshipStatus(a).label) for a in actions],
        "panels": panels_for(membership, mentorship), "form": TransitionForm(), "agreement": agreement,
        "recent_sessions": recent_sessions, "recent_notes": recent_notes, "seat": seat,
        "timeline": _timeline(transitions, agreement, recent_sessions),
    })


def _timeline(transitions: list[MentorshipTransition], agreement: AgreementState,
              sessions: list[SessionLog]) -> list[tuple[datetime, str, str]]:
    """What happened, newest first: changes of state, agreement versions, sessions."""
    events: list[tuple[datetime, str, str]] = []
    for t in transitions:
        who = f" ({t.actor.display_name})" if t.actor else ""
        events.append((t.created_at, f"{t.get_to_status_display()}{who}", t.reason))
    if agreement.latest is not None:
        events.append((agreement.latest.created_at, _("Agreement version %(v)s written") % {"v": agreement.latest.version}, ""))
    for log in sessions:
        events.append((log.created_at, _("Session of %(d)s logged") % {"d": log.held_on}, ""))
    return sorted(events, key=lambda e: e[0], reverse=True)


@require_POST
@org_view()
def mentorship_transition(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    membership = request.membership
    mentorship = access_mentorship(membership, mentorship_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what should happen."))
        return redirect("mentorships:home", org=membership.organization.slug, mentorship_id=mentorship.pk)
    to_status = form.cleaned_data["to_status"]
    may_act = is_mentorship_member(membership, mentorship) and to_status in MEMBER_ACTIONS.get(mentorship.status, [])
    if not membership.is_coordinator and not may_act:
        raise Http404
    try:
        services.transition_mentorship(
            mentorship=mentorship, to_status=to_status, actor=request.user, reason=form.cleaned_data["reason"],
            is_reason_private=form.cleaned_data["is_reason_private"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if to_status == MentorshipStatus.COMPLETED:
            celebrate(request, _("Mentorship completed. Thank you for the time you gave each other — well done!"))
        else:
            messages.success(request, _("The mentorship is now %(status)s.") % {"status": MentorshipStatus(to_status).label.lower()})
    return redirect("mentorships:home", org=membership.organization.slug, mentorship_id=mentorship.pk)
