"""Organizations, memberships and invitations: the writes that touch several models."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mentora.accounts.models import Invitation, Membership, Role, User
from mentora.core.errors import Conflict, DomainError, NotAllowed
from mentora.core.models import Organization, record_audit_event
from mentora.core.outbox import enqueue_on_commit
from mentora.profiles.models import Profile


def ensure_profile(membership: Membership) -> Profile:
    profile, _created = Profile.objects.get_or_create(membership=membership)
    return profile


@transaction.atomic
def create_organization(*, name: str, slug: str = "", created_by: User, admin: User | None = None) -> Organization:
    """Create a tenant and make `admin` (default: its creator) its first admin."""
    if not created_by.is_superuser:
        raise NotAllowed(_("Only platform administrators can create organizations."))
    slug = slugify(slug or name)[:60]
    if not slug:
        raise DomainError(_("Give the organization a name."), field="name")
    if Organization.objects.filter(slug=slug).exists():
        raise Conflict(_("An organization with this short name already exists."), field="slug")
    organization = Organization.objects.create(name=name, slug=slug)
    membership = Membership.objects.create(
        user=admin or created_by, organization=organization, role=Role.ADMIN
    )
    ensure_profile(membership)
    record_audit_event(organization=organization, actor=created_by, action="organization.create", target=organization)
    return organization


@transaction.atomic
def add_member(*, organization: Organization, user: User, role: str = Role.MEMBER) -> Membership:
    """Give a user a membership (re-activating an old one) and a profile."""
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.role = role
        membership.save(update_fields=["is_active", "role"])
    ensure_profile(membership)
    return membership


@transaction.atomic
def invite_member(*, organization: Organization, email: str, role: str, invited_by: User) -> Invitation:
    """Invite someone by email; the mail goes out after commit."""
    email = email.strip().lower()
    if role not in Role.values:
        raise DomainError(_("Choose a valid role."), field="role")
    if Membership.objects.filter(organization=organization, user__email__iexact=email, is_active=True).exists():
        raise Conflict(_("%(email)s is already a member.") % {"email": email}, field="email")
    Invitation.objects.filter(
        organization=organization, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        organization=organization, email=email, role=role, invited_by=invited_by
    )
    record_audit_event(
        organization=organization, actor=invited_by, action="invitation.create",
        target=invitation, details={"role": role},
    )
    from mentora.accounts.tasks import send_invitation_email

    enqueue_on_commit(send_invitation_email, organization=organization, label=f"Invitation email to {email}",
                      invitation_id=invitation.pk)
    return invitation


def deliver_invitation(invitation: Invitation) -> None:
    link = settings.MENTORA_BASE_URL.rstrip("/") + reverse(
        "accounts:invitation_accept", args=[invitation.token]
    )
    inviter = invitation.invited_by.display_name if invitation.invited_by else _("Your organization")
    send_mail(
        subject=_("You're invited to %(org)s on Mentora") % {"org": invitation.organization.name},
        message=_(
            "%(inviter)s invited you to join %(org)s on Mentora as %(role)s.\n\n"
            "Accept the invitation: %(link)s\n\nThe link expires on %(expires)s."
        ) % {
            "inviter": inviter, "org": invitation.organization.name,
            "role": invitation.get_role_display(), "link": link,
            "expires": invitation.expires_at.date().isoformat(),
        },
        from_email=None,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """Turn a pending invitation into a membership for the signed-in user."""
    if not invitation.is_pending:
        raise Conflict(_("This invitation is no longer valid. Ask for a new one."))
    if invitation.email.lower() != user.email.lower():
        raise NotAllowed(_("This invitation was sent to another email address."))
    membership = add_member(organization=invitation.organization, user=user, role=invitation.role)
    if membership.role != invitation.role:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_audit_event(
        organization=invitation.organization, actor=user, action="invitation.accept", target=membership
    )
    return membership


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, revoked_by: User) -> None:
    if invitation.accepted_at or invitation.revoked_at:
        raise Conflict(_("This invitation is already closed."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_audit_event(
        organization=invitation.organization, actor=revoked_by, action="invitation.revoke", target=invitation
    )


@transaction.atomic
def change_role(*, membership: Membership, role: str, changed_by: User) -> Membership:
    """Change a member's role; an organization always keeps at least one admin."""
    if role not in Role.values:
        raise DomainError(_("Choose a valid role."), field="role")
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        admins = Membership.objects.select_for_update().filter(
            organization=membership.organization, role=Role.ADMIN, is_active=True
        )
        if admins.count() <= 1:
            raise Conflict(_("An organization needs at least one admin."))
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_audit_event(
        organization=membership.organization, actor=changed_by, action="membership.role_change",
        target=membership, details={"from": old_role, "to": role},
    )
    return membership
