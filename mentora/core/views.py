"""The organization picker, organization creation and settings, and the audit log.

The organization home page itself is assembled by `mentora.home` (it reads every feature app)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mentora.accounts.models import Membership, User
from mentora.accounts.services import create_organization
from mentora.core.access import AuthedRequest, org_view
from mentora.core.branding import set_organization_branding
from mentora.core.errors import DomainError
from mentora.core.forms import BrandingForm, DiversitySettingsForm, OrganizationForm, RetentionForm, SigninPolicyForm
from mentora.core.health import readiness
from mentora.core.images import stored_image_response
from mentora.core.models import AuditEvent, Organization, record_audit_event
from mentora.profiles.models import DiversityPolicy
from mentora.profiles.services import set_diversity_policy


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers (it touches nothing else, so a Redis or database outage
    does not get a healthy web process restarted)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: database, cache, channel layer and task queue, one JSON entry each.

    503 when the database is down (or, with ?strict=1, when anything is); otherwise 200 with
    "ok" or "degraded" (see mentora.core.health)."""
    status, report = readiness(strict=request.GET.get("strict") == "1")
    return JsonResponse(report, status=status)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send people to their organization; list them when there are several."""
    memberships = list(
        Membership.objects.for_user(request.user).select_related("organization").order_by("organization__name")
    )
    # Platform admins always land here: it is their way to "create an organization".
    if len(memberships) == 1 and not request.user.is_superuser:
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
        admin_email = form.cleaned_data["admin_email"]
        try:
            organization = create_organization(
                name=form.cleaned_data["name"], slug=form.cleaned_data["slug"], created_by=user, admin_email=admin_email,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if not admin_email or admin_email.lower() == user.email.lower():
                messages.success(request, _("Organization created."))
                return redirect("core:dashboard", org=organization.slug)
            if organization.invitations.filter(email__iexact=admin_email).exists():
                messages.success(request, _("Organization created. %(email)s has no account yet, so we emailed them "
                                            "an invitation to join as its admin.") % {"email": admin_email})
            else:
                messages.success(request, _("Organization created with %(email)s as its admin.") % {"email": admin_email})
            return redirect("core:home")
    return render(request, "core/organization_form.html", {"form": form}, status=422 if form.errors else 200)


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
    if request.method == "POST" and request.POST.get("section") == "signin":
        return _save_signin_policy(request)
    retention = request.method == "POST" and request.POST.get("section") == "retention"
    retention_form = RetentionForm(request.POST if retention else None,
                                   initial={"retention_months": organization.retention_months,
                                            "min_group_size": organization.min_group_size})
    if retention:
        if retention_form.is_valid():
            months = retention_form.cleaned_data["retention_months"]
            k = retention_form.cleaned_data["min_group_size"]
            if months != organization.retention_months:
                record_audit_event(organization=organization, actor=request.user, action="privacy.retention_change",
                                   target=organization, details={"from": organization.retention_months, "to": months})
            if k != organization.min_group_size:
                record_audit_event(organization=organization, actor=request.user, action="privacy.min_group_change",
                                   target=organization, details={"from": organization.min_group_size, "to": k})
            Organization.objects.filter(pk=organization.pk).update(retention_months=months, min_group_size=k)
            messages.success(request, _("Saved: closed mentorships' notes and messages are kept for %(n)d months, and "
                                        "figures never describe a group of fewer than %(k)d people.")
                             % {"n": months, "k": k})
            return redirect(reverse("core:organization_settings", args=[organization.slug]) + "#retention")
        form = DiversitySettingsForm(initial=initial)
        branding_form = BrandingForm(initial={"accent_color": organization.accent_color})
        return render(request, "core/organization_settings.html", {
            "form": form, "branding_form": branding_form, "retention_form": retention_form,
            "signin_form": _signin_form(organization)}, status=422)
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
    return render(request, "core/organization_settings.html", {"form": form, "branding_form": branding_form,
                                                               "retention_form": retention_form,
                                                               "signin_form": _signin_form(organization)})


def _signin_form(organization: Organization) -> SigninPolicyForm:
    return SigninPolicyForm(initial={"require_mfa_for_staff": organization.require_mfa_for_staff})


def _save_signin_policy(request: AuthedRequest) -> HttpResponse:
    """Turn the two-step sign-in requirement for admins and coordinators on or off (audited)."""
    organization = request.membership.organization
    signin_form = SigninPolicyForm(request.POST)
    signin_form.is_valid()  # a lone checkbox: absent means off, so it is always valid
    required = bool(signin_form.cleaned_data.get("require_mfa_for_staff"))
    if required != organization.require_mfa_for_staff:
        record_audit_event(organization=organization, actor=request.user, action="security.mfa_policy_change",
                           target=organization, details={"from": organization.require_mfa_for_staff, "to": required})
        Organization.objects.filter(pk=organization.pk).update(require_mfa_for_staff=required)
    messages.success(request, _("Saved: admins and coordinators must use two-step sign-in.") if required
                     else _("Saved: two-step sign-in is up to each person."))
    return redirect(reverse("core:organization_settings", args=[organization.slug]) + "#signin")


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
    retention_form = RetentionForm(initial={"retention_months": organization.retention_months})
    return render(request, "core/organization_settings.html", {"form": form, "branding_form": branding_form,
                                                               "retention_form": retention_form,
                                                               "signin_form": _signin_form(organization)}, status=422)


@require_GET
@org_view()
def organization_logo(request: AuthedRequest) -> HttpResponse:
    """The organization's logo, for its members (the header shows it)."""
    logo = request.membership.organization.logo
    if not logo:
        raise Http404
    return stored_image_response(logo)
