"""Home pages, organization creation and settings, and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mentora.accounts.models import Membership, User
from mentora.accounts.services import create_organization
from mentora.core.access import AuthedRequest, org_view
from mentora.core.branding import set_organization_branding
from mentora.core.dashboard import coordinator_dashboard, member_dashboard
from mentora.core.errors import DomainError
from mentora.core.forms import BrandingForm, DiversitySettingsForm, OrganizationForm
from mentora.core.images import CONTENT_TYPES
from mentora.core.models import AuditEvent
from mentora.profiles.models import DiversityPolicy
from mentora.profiles.services import set_diversity_policy


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send people to their organization; list them when there are several."""
    memberships = list(
        Membership.objects.for_user(request.user).select_related("organization").order_by("organization__name")
    )
    if len(memberships) == 1:
        return redirect("core:dashboard", org=memberships[0].organization.slug)
    return render(request, "core/home.html", {"memberships": memberships})


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    """Platform superusers create organizations (tenants)."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_superuser:
        raise Http404
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        admin = user
        if form.cleaned_data["admin_email"]:
            found = User.objects.filter(email__iexact=form.cleaned_data["admin_email"]).first()
            if found is None:
                form.add_error("admin_email", _("No account uses this email yet. Invite them after creating."))
            admin = found or user
        if form.is_valid():
            try:
                organization = create_organization(
                    name=form.cleaned_data["name"], slug=form.cleaned_data["slug"], created_by=user, admin=admin
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Organization created."))
                if admin == user:
                    return redirect("core:dashboard", org=organization.slug)
                return redirect("core:home")
    return render(request, "core/organization_form.html", {"form": form}, status=422 if form.errors else 200)


@org_view()
def dashboard(request: AuthedRequest) -> HttpResponse:
    """What I need to do next; coordinators also see their programs at a glance."""
    membership = request.membership
    context = member_dashboard(membership)
    if membership.is_coordinator:
        context |= coordinator_dashboard(membership)
    return render(request, "core/dashboard.html", context)


@org_view(role="admin")
def audit_log(request: AuthedRequest) -> HttpResponse:
    events = AuditEvent.objects.for_organization(request.membership.organization).select_related("actor")
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action})


@org_view(role="admin")
def organization_settings(request: AuthedRequest) -> HttpResponse:
    organization = request.membership.organization
    uses = dict(DiversityPolicy.objects.filter(organization=organization).values_list("attribute", "use"))
    initial = {"diversity_enabled": organization.diversity_enabled} | {f"use_{k}": v for k, v in uses.items()}
    form = DiversitySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        set_diversity_policy(
            organization=organization,
            enabled=form.cleaned_data["diversity_enabled"],
            uses={k[4:]: v for k, v in form.cleaned_data.items() if k.startswith("use_")},
            changed_by=request.user,
        )
        messages.success(request, _("Settings saved."))
        return redirect("core:organization_settings", org=organization.slug)
    branding_form = BrandingForm(initial={"accent_color": organization.accent_color})
    return render(request, "core/organization_settings.html", {"form": form, "branding_form": branding_form})


@require_POST
@org_view(role="admin")
def organization_branding(request: AuthedRequest) -> HttpResponse:
    """Save the accent colour and logo; a colour too light for white text or a bad file is refused (422)."""
    organization = request.membership.organization
    branding_form = BrandingForm(request.POST, request.FILES)
    if branding_form.is_valid():
        try:
            set_organization_branding(
                organization=organization, accent_color=branding_form.cleaned_data["accent_color"],
                logo=branding_form.cleaned_data["logo"], remove_logo=branding_form.cleaned_data["remove_logo"],
                changed_by=request.user,
            )
        except DomainError as error:
            organization.refresh_from_db()
            branding_form.add_error("logo" if error.field == "image" else "accent_color", error.message)
        else:
            messages.success(request, _("Look saved."))
            return redirect("core:organization_settings", org=organization.slug)
    uses = dict(DiversityPolicy.objects.filter(organization=organization).values_list("attribute", "use"))
    form = DiversitySettingsForm(initial={"diversity_enabled": organization.diversity_enabled}
                                 | {f"use_{k}": v for k, v in uses.items()})
    return render(request, "core/organization_settings.html", {"form": form, "branding_form": branding_form},
                  status=422)


@require_GET
@org_view()
def organization_logo(request: AuthedRequest) -> HttpResponse:
    """The organization's logo, for its members (the header shows it)."""
    logo = request.membership.organization.logo
    if not logo:
        raise Http404
    extension = logo.name.rsplit(".", 1)[-1]
    with logo.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=CONTENT_TYPES.get(extension, "application/octet-stream"))
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
