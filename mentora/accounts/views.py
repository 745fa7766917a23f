"""People management, invitations, CSV import and API tokens."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentora.accounts import services
from mentora.accounts.forms import ApiTokenForm, ImportUploadForm, InviteForm, RoleForm
from mentora.accounts.imports import apply_people_import, decode_upload, imported_emails, preview_people_csv
from mentora.accounts.models import ApiToken, Invitation, Membership, PeopleImport, User
from mentora.core import security_log
from mentora.core.access import (
    AuthedRequest,
    access_member,
    has_second_step,
    mfa_setup_redirect,
    org_view,
    organizations_requiring_mfa,
)
from mentora.core.errors import DomainError


@org_view(role="coordinator")
def people(request: AuthedRequest) -> HttpResponse:
    organization = request.membership.organization
    query = request.GET.get("q", "").strip()
    members = (
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user", "profile")
        .order_by("user__full_name", "user__email")
    )
    if query:
        members = members.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
            | Q(profile__department__icontains=query)
        )
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    invitations = Invitation.objects.pending().filter(organization=organization).select_related("invited_by")
    return render(request, "accounts/people.html", {
        "page": page, "query": query, "invitations": invitations,
        "invite_form": InviteForm(), "role_form": RoleForm(),
    })


@org_view(role="coordinator")
def invite(request: AuthedRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["role"] != "member" and not request.membership.is_admin:
            form.add_error("role", _("Only admins can invite coordinators or admins."))
        else:
            try:
                services.invite_member(
                    organization=request.membership.organization, email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"], invited_by=request.user,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("accounts:people", org=request.membership.organization.slug)
    return render(request, "accounts/invite.html", {"form": form}, status=422 if form.errors else 200)


@require_POST
@org_view(role="coordinator")
def invitation_revoke(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id, organization=request.membership.organization)
    try:
        services.revoke_invitation(invitation=invitation, revoked_by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation revoked."))
    return redirect("accounts:people", org=request.membership.organization.slug)


@require_POST
@org_view(role="admin")
def change_member_role(request: AuthedRequest, member_id: int) -> HttpResponse:
    member = access_member(request.membership, member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            services.change_role(membership=member, role=form.cleaned_data["role"], changed_by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s is now %(role)s.") % {"name": member.user, "role": member.get_role_display()})
    return redirect("accounts:people", org=request.membership.organization.slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Show the invitation; signed in with the invited address, accept it."""
    invitation = Invitation.objects.select_related("organization").filter(token=token).first()
    if invitation is None or not invitation.is_pending:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        request.session["pending_invitation"] = token
        # Imported people exist without a password: they set one (by the emailed reset link) to accept.
        has_account = services.has_account(invitation.email)
        needs_password = not has_account and User.objects.filter(email__iexact=invitation.email).exists()
        return render(request, "accounts/invitation.html", {
            "invitation": invitation, "has_account": has_account, "needs_password": needs_password,
        })
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        try:
            membership = services.accept_invitation(invitation=invitation, user=user)
        except DomainError as error:
            messages.error(request, error.message)
            return render(request, "accounts/invitation.html", {"invitation": invitation, "wrong_user": True}, status=403)
        request.session.pop("pending_invitation", None)
        messages.success(request, _("Welcome to %(org)s!") % {"org": membership.organization.name})
        return redirect("profiles:edit", org=membership.organization.slug)
    wrong_user = invitation.email.lower() != user.email.lower()
    return render(request, "accounts/invitation.html", {"invitation": invitation, "wrong_user": wrong_user})


@org_view(role="coordinator")
def import_upload(request: AuthedRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = decode_upload(upload.read())
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            people_import = PeopleImport.objects.create(
                organization=request.membership.organization, uploaded_by=request.user,
                filename=upload.name[:200], content=content,
            )
            return redirect("accounts:import_preview", org=request.membership.organization.slug, import_id=people_import.pk)
    recent = PeopleImport.objects.filter(organization=request.membership.organization).select_related("uploaded_by")[:10]
    return render(request, "accounts/import_upload.html", {"form": form, "recent": recent}, status=422 if form.errors else 200)


@org_view(role="coordinator")
def import_preview(request: AuthedRequest, import_id: int) -> HttpResponse:
    organization = request.membership.organization
    people_import = PeopleImport.objects.filter(pk=import_id, organization=organization).first()
    if people_import is None:
        raise Http404
    if request.method == "POST" and people_import.status == PeopleImport.Status.PREVIEW:
        if request.POST.get("action") == "discard":
            people_import.status = PeopleImport.Status.DISCARDED
            people_import.save(update_fields=["status"])
            messages.success(request, _("Import discarded; nothing was changed."))
            return redirect("accounts:import_upload", org=organization.slug)
        try:
            counts = apply_people_import(people_import=people_import, applied_by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Imported: %(create)d new, %(update)d updated, %(unchanged)d unchanged.") % counts)
            if services.imported_people_to_invite(organization=organization, emails=imported_emails(people_import)):
                return redirect("accounts:import_invite", org=organization.slug, import_id=people_import.pk)
            return redirect("accounts:people", org=organization.slug)
    preview = preview_people_csv(organization=organization, content=people_import.content)
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/import_preview.html", {
        "people_import": people_import, "preview": preview, "counts": preview.counts(),
    }, status=status)


@org_view(role="coordinator")
def import_invite(request: AuthedRequest, import_id: int) -> HttpResponse:
    """Invite the people an applied import brought in who have no account yet: GET shows who, a confirming POST sends."""
    organization = request.membership.organization
    people_import = PeopleImport.objects.filter(pk=import_id, organization=organization,
                                                status=PeopleImport.Status.APPLIED).first()
    if people_import is None:
        raise Http404
    emails = imported_emails(people_import)
    people = services.imported_people_to_invite(organization=organization, emails=emails)
    token = hashlib.sha256(repr(sorted(m.pk for m in people)).encode()).hexdigest()[:16]
    if request.method == "POST":
        if not people:
            messages.info(request, _("Everyone from this import has an account or was invited in the last day."))
        elif request.POST.get("confirm") != token:
            messages.warning(request, _("Nobody was invited. Check the list below and confirm."))
            return redirect("accounts:import_invite", org=organization.slug, import_id=people_import.pk)
        else:
            sent = services.invite_imported_people(organization=organization, emails=emails, invited_by=request.user)
            messages.success(request, ngettext("Invitation sent to %(n)d person.", "Invitations sent to %(n)d people.",
                                               len(sent)) % {"n": len(sent)})
        return redirect("accounts:people", org=organization.slug)
    return render(request, "accounts/import_invite.html", {
        "people_import": people_import, "people": people, "token": token,
    })


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # A token is a second way in that skips the sign-in page: where two-step sign-in is required of
    # this person, they set it up before they may make one (revoking stays open to everyone).
    requiring = organizations_requiring_mfa(user)
    if requiring and not has_second_step(user):
        return mfa_setup_redirect(request, requiring[0])
    form = ApiTokenForm(request.POST or None)
    raw_key = None
    if request.method == "POST" and form.is_valid():
        token, raw_key = ApiToken.issue(user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"])
        security_log.event("token.created", user=user, token_id=token.pk)
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=user)
    return render(request, "accounts/api_tokens.html", {
        "form": form, "tokens": tokens, "raw_key": raw_key, "docs_url": reverse("api-1.0.0:openapi-view"),
    })


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    security_log.event("token.revoked", user=request.user, token_id=token.pk)
    token.delete()
    messages.success(request, _("Token revoked."))
    return redirect("accounts:api_tokens")
