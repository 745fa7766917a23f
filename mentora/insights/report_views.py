"""Start and stop the scheduled report emails (program pages and the organization's Insights page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora.accounts.models import Membership, Role
from mentora.core.access import AuthedRequest, access_program, org_view
from mentora.core.errors import DomainError
from mentora.programs.models import Program

from .models import ReportFrequency, ReportSubscription
from .reports import subscribe_report, unsubscribe_report


def report_context(membership: Membership, program: Program | None) -> dict[str, Any]:
    """What the "Email this report" box shows: who gets it now, and who could (2 queries)."""
    organization = membership.organization
    return {
        "report_subscriptions": list(ReportSubscription.objects.filter(organization=organization, program=program)
                                     .select_related("recipient__user")),
        "report_recipients": list(Membership.objects.filter(organization=organization, is_active=True)
                                  .filter(Q(role=Role.COORDINATOR) | Q(role=Role.ADMIN)).select_related("user")
                                  .order_by("user__full_name", "pk")),
        "report_frequencies": ReportFrequency.choices,
    }


def _back(request: AuthedRequest, program: Program | None) -> HttpResponse:
    slug = request.membership.organization.slug
    if program is None:
        return redirect("insights:organization", org=slug)
    return redirect("insights:program", org=slug, program_id=program.pk)


def _subscribe(request: AuthedRequest, program: Program | None) -> HttpResponse:
    organization = request.membership.organization
    chosen = request.POST.get("recipient", "")
    recipient = Membership.objects.filter(organization=organization, pk=int(chosen)).first() if chosen.isdigit() else None
    try:
        if recipient is None:
            raise DomainError(_("Choose who gets the report."), field="recipient")
        subscription = subscribe_report(organization=organization, program=program, recipient=recipient,
                                        frequency=request.POST.get("frequency", ""), created_by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s will get this report %(when)s, first on %(first)s.") % {
            "name": recipient.user.full_name or recipient.user.email,
            "when": subscription.get_frequency_display().lower(), "first": subscription.next_send_on.strftime("%d %b %Y")})
    return _back(request, program)


@require_POST
@org_view(role="coordinator")
def subscribe_program_report(request: AuthedRequest, program_id: int) -> HttpResponse:
    return _subscribe(request, access_program(request.membership, program_id, manage=True))


@require_POST
@org_view(role="coordinator")
def subscribe_organization_report(request: AuthedRequest) -> HttpResponse:
    return _subscribe(request, None)


@require_POST
@org_view(role="coordinator")
def stop_report(request: AuthedRequest, subscription_id: int) -> HttpResponse:
    subscription = (ReportSubscription.objects.filter(organization=request.membership.organization, pk=subscription_id)
                    .select_related("program", "organization").first())
    if subscription is None:
        raise Http404
    program = subscription.program
    unsubscribe_report(subscription=subscription, removed_by=request.user)
    messages.success(request, _("That report is stopped."))
    return _back(request, program)
