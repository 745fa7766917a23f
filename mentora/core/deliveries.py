"""The "Failed deliveries" pages: background work that used up its retries, with a Retry button.

Organization admins see their organization's entries; platform superusers see the entries that
belong to no organization (password resets, sign-up confirmations, batch reminders).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora.core.access import AuthedRequest, org_view
from mentora.core.errors import DomainError
from mentora.core.models import Organization, OutboxEntry
from mentora.core.outbox import retry_entry


def _require_superuser(request: HttpRequest) -> None:
    if not getattr(request.user, "is_superuser", False):
        raise Http404


def _page(request: HttpRequest, organization: Organization | None, retry_url: str, back_url: str) -> HttpResponse:
    failed = OutboxEntry.objects.visible_to(request.user, organization).failed().order_by("-finished_at", "-pk")
    page = Paginator(failed, 50).get_page(request.GET.get("page"))
    return render(request, "core/failed_deliveries.html", {
        "page": page, "organization": organization, "retry_url": retry_url, "back_url": back_url,
    })


def _retry(request: HttpRequest, organization: Organization | None, entry_id: int) -> None:
    entry = get_object_or_404(OutboxEntry.objects.visible_to(request.user, organization).failed(), pk=entry_id)
    try:
        retry_entry(entry=entry, retried_by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sending again: “%(label)s”.") % {"label": entry.label})


@org_view(role="admin")
def failed_deliveries(request: AuthedRequest) -> HttpResponse:
    organization = request.membership.organization
    return _page(request, organization, "core:failed_delivery_retry", "core:audit_log")


@require_POST
@org_view(role="admin")
def failed_delivery_retry(request: AuthedRequest, entry_id: int) -> HttpResponse:
    _retry(request, request.membership.organization, entry_id)
    return redirect("core:failed_deliveries", org=request.membership.organization.slug)


@login_required
def platform_failed_deliveries(request: HttpRequest) -> HttpResponse:
    _require_superuser(request)
    return _page(request, None, "core:platform_failed_delivery_retry", "core:home")


@require_POST
@login_required
def platform_failed_delivery_retry(request: HttpRequest, entry_id: int) -> HttpResponse:
    _require_superuser(request)
    _retry(request, None, entry_id)
    return redirect("core:platform_failed_deliveries")
