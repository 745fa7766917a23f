"""What each role sees on its home page: next steps and, for coordinators, programs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.core.access import visible_programs
from mentora.programs.models import Enrollment, EnrollmentStatus, Program
from mentora.programs.services import mentor_load


def member_dashboard(membership: Membership) -> dict[str, Any]:
    from mentora.profiles.models import Profile

    org = membership.organization.slug
    profile = Profile.objects.prefetch_related("skills", "availability").get(membership=membership)
    enrollments = list(
        Enrollment.objects.filter(membership=membership).select_related("program").order_by("-created_at")
    )
    enrolled_ids = {e.program_id for e in enrollments}
    open_programs = [
        p for p in visible_programs(membership).open().exclude(pk__in=enrolled_ids)
        if p.is_open and p.is_eligible(profile)
    ]
    next_steps: list[dict[str, str]] = []
    if profile.completeness < 100:
        next_steps.append({
            "text": _("Complete your profile (%(pct)d%% done) so we can find you a good match.") % {"pct": profile.completeness},
            "url": reverse("profiles:edit", args=[org]),
        })
    for enrollment in enrollments:
        if enrollment.status == EnrollmentStatus.APPLIED:
            next_steps.append({
                "text": _("Your application to %(p)s is waiting for a coordinator.") % {"p": enrollment.program.name},
                "url": reverse("programs:detail", args=[org, enrollment.program_id]),
            })
        elif enrollment.status == EnrollmentStatus.WAITLISTED:
            next_steps.append({
                "text": _("You are on the waiting list for %(p)s.") % {"p": enrollment.program.name},
                "url": reverse("programs:detail", args=[org, enrollment.program_id]),
            })
    if open_programs and not enrollments:
        next_steps.append({
            "text": _("Join a program: %(n)d open to you.") % {"n": len(open_programs)},
            "url": reverse("programs:list", args=[org]),
        })
    return {
        "profile": profile,
        "enrollments": enrollments,
        "open_programs": open_programs[:5],
        "next_steps": next_steps,
        "mentor_load": mentor_load(membership),
    }


def coordinator_dashboard(membership: Membership) -> dict[str, Any]:
    programs = list(
        Program.objects.in_organization(membership.organization).with_enrollment_counts().order_by("-starts_on")[:20]
    )
    pending = Enrollment.objects.filter(
        program__organization=membership.organization, status=EnrollmentStatus.APPLIED
    ).count()
    return {"coordinated_programs": programs, "pending_applications": pending}
