"""Who may see what: the few helpers every view and API endpoint goes through.

Forbidden and non-existent objects answer the same (404), so nobody can probe for ids
in another organization or another person's records.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone as dj_timezone

if TYPE_CHECKING:
    from mentora.accounts.models import Membership, User
    from mentora.programs.models import Enrollment, Program

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)  # streamed downloads too


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    membership: Membership
    htmx: Any  # django-htmx's HtmxDetails (truthy for htmx requests)


def get_membership(user: Any, org_slug: str) -> Membership:
    """Return the user's active membership in the organization, or 404."""
    from mentora.accounts.models import Membership

    if not getattr(user, "is_authenticated", False):
        raise Http404
    try:
        return Membership.objects.select_related("organization", "profile", "user").get(
            user=user, organization__slug=org_slug, is_active=True
        )
    except Membership.DoesNotExist:
        raise Http404 from None


def require_coordinator(membership: Membership) -> None:
    if not membership.is_coordinator:
        raise Http404


def require_admin(membership: Membership) -> None:
    if not membership.is_admin:
        raise Http404


def org_view(
    *, role: str | None = None
) -> Callable[[Callable[Concatenate[AuthedRequest, P], R]], Callable[..., HttpResponseBase]]:
    """Resolve `org` from the URL to the caller's membership (404 otherwise) and check the role.

    `role` is None (any member), "coordinator" (coordinators and admins) or "admin".
    Anonymous users are sent to sign in.
    """

    def decorator(view: Callable[Concatenate[AuthedRequest, P], R]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, org: str, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            membership = get_membership(request.user, org)
            if role == "coordinator":
                require_coordinator(membership)
            elif role == "admin":
                require_admin(membership)
            if needs_mfa_setup(membership):
                return mfa_setup_redirect(request, membership.organization)
            authed: AuthedRequest = request  # type: ignore[assignment]
            authed.membership = membership
            activate_viewer_timezone(membership)
            return view(authed, *args, **kwargs)

        return wrapped

    return decorator


def needs_mfa_setup(membership: Membership) -> bool:
    """True when the organization requires two-step sign-in of its admins and coordinators, this member
    is one of them, and they have not set it up yet (no authenticator app or passkey).

    The one rule behind the enforcement: `org_view` (every organization page) sends them to set it up,
    `api_membership` (every organization endpoint) answers 403. Mentors and mentees are never forced.
    """
    if not (membership.is_coordinator and membership.organization.require_mfa_for_staff):
        return False
    return not has_second_step(membership.user)


def has_second_step(user: Any) -> bool:
    """True when `user` signs in in two steps: an authenticator app or a passkey (recovery codes only stand in)."""
    from allauth.mfa.models import Authenticator

    return bool(Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists())


def organizations_requiring_mfa(user: Any) -> list[Any]:
    """The organizations where `user` is an admin or coordinator and two-step sign-in is required."""
    from mentora.accounts.models import Membership, Role

    if not getattr(user, "is_authenticated", False):
        return []
    memberships = Membership.objects.filter(
        user=user, is_active=True, role__in=[Role.ADMIN, Role.COORDINATOR], organization__require_mfa_for_staff=True,
    ).select_related("organization").order_by("organization__name")
    return [membership.organization for membership in memberships]


def mfa_setup_redirect(request: HttpRequest, organization: Any) -> HttpResponse:
    """Send a staff member without two-step sign-in to set it up, saying why (htmx swaps follow too)."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.translation import gettext as _

    messages.warning(request, _("%(org)s asks its admins and coordinators to turn on two-step sign-in. "
                                "It takes two minutes; once it is on, you can carry on where you were.")
                     % {"org": organization.name})
    if getattr(request, "htmx", False):
        from django_htmx.http import HttpResponseClientRedirect

        return HttpResponseClientRedirect(reverse("mfa_index"))
    return redirect("mfa_index")


def viewer_zone(membership: Membership) -> zoneinfo.ZoneInfo:
    """The viewer's own zone (from their profile in this organization); UTC when unknown."""
    profile = getattr(membership, "profile", None)
    try:
        return zoneinfo.ZoneInfo(profile.timezone if profile else "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def activate_viewer_timezone(membership: Membership) -> None:
    """Show times in the viewer's own zone (from their profile in this organization)."""
    dj_timezone.activate(viewer_zone(membership))


def visible_programs(membership: Membership) -> Any:
    """Programs this member may see: all of the organization's for coordinators;
    otherwise open programs they are eligible for, plus any they have enrolled in."""
    from django.db.models import Q

    from mentora.programs.models import Program, ProgramStatus

    programs = Program.objects.in_organization(membership.organization)
    if membership.is_coordinator:
        return programs
    return programs.filter(
        Q(status=ProgramStatus.OPEN) | Q(enrollments__membership=membership)
    ).distinct()


def access_program(membership: Membership, program_id: int, *, manage: bool = False) -> Program:
    """Return the program if this member may see it (or manage it), else 404."""
    from mentora.programs.models import Program

    if manage:
        require_coordinator(membership)
        programs = Program.objects.in_organization(membership.organization)
    else:
        programs = visible_programs(membership)
    try:
        program: Program = programs.get(pk=program_id)
    except Program.DoesNotExist:
        raise Http404 from None
    if not manage and not membership.is_coordinator and not program.enrollments.filter(
        membership=membership
    ).exists():
        profile = getattr(membership, "profile", None)
        if not program.is_eligible(profile):
            raise Http404
    return program


def access_enrollment(membership: Membership, enrollment_id: int, *, manage: bool = False) -> Enrollment:
    """Return an enrolment its owner may act on, or that a coordinator may decide; else 404."""
    from mentora.programs.models import Enrollment

    enrollments = Enrollment.objects.select_related("program", "membership__user").filter(
        program__organization=membership.organization
    )
    if manage:
        require_coordinator(membership)
    else:
        enrollments = enrollments.filter(membership=membership)
    try:
        return enrollments.get(pk=enrollment_id)
    except Enrollment.DoesNotExist:
        raise Http404 from None


def access_member(membership: Membership, member_id: int) -> Membership:
    """Return another member of the same organization (any member may see colleagues)."""
    from mentora.accounts.models import Membership as MembershipModel

    try:
        return MembershipModel.objects.select_related("user", "profile").get(
            pk=member_id, organization=membership.organization, is_active=True
        )
    except MembershipModel.DoesNotExist:
        raise Http404 from None


def access_mentorship(membership: Membership, mentorship_id: int, *, manage: bool = False) -> Any:
    """Return a mentorship its members may see, or (not private parts) the org's coordinators; else 404.

    `manage=True` requires a coordinator. Private data inside (private notes, reasons) has its own
    checks in the views that show it.
    """
    from mentora.mentorships.models import Mentorship

    mentorships = Mentorship.objects.select_related("program__organization").filter(
        program__organization=membership.organization
    )
    if manage:
        require_coordinator(membership)
    elif not membership.is_coordinator:
        mentorships = mentorships.filter(members__membership=membership, members__left_at__isnull=True)
    try:
        return mentorships.distinct().get(pk=mentorship_id)
    except Mentorship.DoesNotExist:
        raise Http404 from None


def is_mentorship_member(membership: Membership, mentorship: Any) -> bool:
    return any(m.membership_id == membership.pk and m.left_at is None for m in mentorship.members.all())
