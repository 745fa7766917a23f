"""The home page: what should I do now? (participants, mentors and coordinators in one page)."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mentora.core.access import AuthedRequest, org_view
from mentora.home import moments
from mentora.home.programs import coordinator_waiting, program_health
from mentora.home.relationships import mentor_loads, mentorship_cards, next_meeting
from mentora.home.waiting import participant_waiting
from mentora.programs.models import Enrollment, Program

#: Open programs named in the empty state; the Programs page lists them all.
MAX_OPEN_PROGRAMS = 5


@org_view()
def home_page(request: AuthedRequest) -> HttpResponse:
    """What waits on me, my next meeting, my mentorships; coordinators also see their programs' health."""
    membership = request.membership
    now, today = timezone.now(), timezone.localdate()
    profile = membership.profile  # read with the membership; its skills and slots count for completeness
    prefetch_related_objects([profile], "skills", "availability")
    enrollments = list(Enrollment.objects.filter(membership=membership).select_related("program").order_by("-created_at"))
    cards = mentorship_cards(membership, now=now)
    enrolled_ids = {e.program_id for e in enrollments}
    open_programs = [
        p for p in Program.objects.in_organization(membership.organization).open().exclude(pk__in=enrolled_ids).order_by("name")
        if p.is_open and p.is_eligible(profile)
    ]
    waiting = participant_waiting(membership, profile=profile, enrollments=enrollments, cards=cards, today=today, now=now,
                                  open_program_count=len(open_programs))
    loads = mentor_loads(enrollments)
    hour = timezone.localtime(now).hour
    context: dict[str, object] = {
        "greeting": "morning" if 5 <= hour < 12 else "afternoon" if 12 <= hour < 18 else "evening",
        "first_name": request.user.display_name.split()[0] if request.user.display_name.strip() else "",
        "profile": profile, "enrollments": enrollments, "cards": cards, "waiting": waiting,
        "next_meeting": next_meeting(membership, cards=cards, now=now), "mentor_loads": loads,
        "mentor_load_totals": (sum(load.taken for load in loads), sum(max(0, load.capacity - load.taken) for load in loads)),
        "open_programs": open_programs[:MAX_OPEN_PROGRAMS], "open_program_count": len(open_programs),
        "celebrations": moments.recent_moments(membership, cards=cards, now=now),
        "is_participant": bool(enrollments or cards) or not membership.is_coordinator,
    }
    if membership.is_coordinator:
        health = program_health(membership, now=now)
        context |= {"program_health": health, "coordinator_waiting": coordinator_waiting(membership, health=health)}
    return render(request, "core/dashboard.html", context)
