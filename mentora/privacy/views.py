"""Your data: what Mentora holds about you, its download, and asking to be erased; and, for
admins, the requests to be erased of their organization's people."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora.accounts.models import Membership, User
from mentora.core.access import AuthedRequest, access_member, org_view
from mentora.core.errors import DomainError

from .export import POLICY, Exclude
from .models import ErasureRequest, ErasureStatus
from .services import (
    cancel_erasure_request,
    confirm_erasure_request,
    decline_erasure_request,
    export_for_member,
    export_response,
    request_erasure,
)

CONFIRM_WORD = "erase"


@login_required
def my_data(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    left_out = sum(isinstance(policy, Exclude) for policy in POLICY.values())  # as data.json lists them
    user: User = request.user  # type: ignore[assignment]
    erasure_requests = ErasureRequest.objects.filter(user=user).order_by("-requested_at", "-pk")
    pending = erasure_requests.filter(status=ErasureStatus.PENDING).first()
    last_declined = None if pending else erasure_requests.filter(status=ErasureStatus.DECLINED).first()
    organizations = [m.organization for m in Membership.objects.filter(user=user, is_active=True)
                     .select_related("organization")]
    return render(request, "privacy/my_data.html", {
        "left_out": left_out, "pending": pending, "last_declined": last_declined, "error": error,
        "organizations": organizations, "confirm_word": CONFIRM_WORD}, status=status)


@require_POST
@login_required
def my_data_download(request: HttpRequest) -> FileResponse:
    return export_response(request.user)  # type: ignore[arg-type]


@require_POST
@login_required
def erasure_request(request: HttpRequest) -> HttpResponse:
    if request.POST.get("confirm", "").strip().lower() != CONFIRM_WORD:
        return my_data(request, error=_("Type “%(word)s” in the box to confirm.") % {"word": CONFIRM_WORD}, status=422)
    user: User = request.user  # type: ignore[assignment]
    try:
        request_erasure(user=user)
    except DomainError as error:
        return my_data(request, error=error.message, status=error.status_code)
    messages.success(request, _("Your request is sent. An admin of your organization will confirm it."))
    return redirect("privacy:my_data")


@require_POST
@login_required
def erasure_cancel(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if ErasureRequest.objects.pending().filter(user=user).exists():  # nothing to cancel: nothing to say
        cancel_erasure_request(user=user)
        messages.success(request, _("Your request is cancelled. Nothing was erased."))
    return redirect("privacy:my_data")


def _pending_request(request: AuthedRequest, request_id: int) -> ErasureRequest:
    """A pending request of someone in this organization, other than the admin themselves; else 404."""
    found = (ErasureRequest.objects.pending().for_organization(request.membership.organization_id)
             .exclude(user=request.user).select_related("user").filter(pk=request_id).first())
    if found is None:
        raise Http404
    return found


@require_POST
@org_view(role="admin")
def member_data_download(request: AuthedRequest, member_id: int) -> HttpResponse | FileResponse:
    """An admin downloads everything Mentora holds about one of their organization's people."""
    member = access_member(request.membership, member_id)
    try:
        return export_for_member(member=member, admin=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("profiles:detail", org=request.membership.organization.slug, member_id=member.pk)


@org_view(role="admin")
def erasure_requests(request: AuthedRequest) -> HttpResponse:
    organization = request.membership.organization
    pending = list(ErasureRequest.objects.pending().for_organization(organization.pk).exclude(user=request.user)
                   .select_related("user").prefetch_related("user__memberships__organization"))
    decided = (ErasureRequest.objects.for_organization(organization.pk).exclude(status=ErasureStatus.PENDING)
               .select_related("user", "decided_by").order_by("-decided_at")[:20])
    return render(request, "privacy/erasure_requests.html", {"pending": pending, "decided": decided})


@require_POST
@org_view(role="admin")
def erasure_confirm(request: AuthedRequest, request_id: int) -> HttpResponse:
    found = _pending_request(request, request_id)
    if not request.POST.get("understood"):
        messages.error(request, _("Tick “I understand this cannot be undone” to erase %(name)s.")
                       % {"name": found.user.display_name})
        return redirect("privacy:erasure_requests", org=request.membership.organization.slug)
    name = found.user.display_name
    try:
        confirm_erasure_request(erasure_request=found, admin=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is erased. Where others still need a record, they show as "
                                    "“Former member”.") % {"name": name})
    return redirect("privacy:erasure_requests", org=request.membership.organization.slug)


@require_POST
@org_view(role="admin")
def erasure_decline(request: AuthedRequest, request_id: int) -> HttpResponse:
    found = _pending_request(request, request_id)
    decline_erasure_request(erasure_request=found, admin=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("Declined. %(name)s sees your reason on their “Your data” page.")
                     % {"name": found.user.display_name})
    return redirect("privacy:erasure_requests", org=request.membership.organization.slug)
