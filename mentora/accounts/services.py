"""Organizations, memberships and invitations: the writes that touch several models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
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
from mentora.core.ratelimit import limit
from mentora.profiles.models import Profile


def ensure_profile(membership: Membership) -> Profile:
    profile, _created = Profile.objects.get_or_create(membership=membership)
    return profile


@transaction.atomic
def create_organization(
    *, name: str, slug: str = "", created_by: User, admin: User | None = None, admin_email: str = "",
) -> Organization:
    """Create a tenant with its first admin: `admin`, else the account using `admin_email`, else
    the creator. When nobody has an account at `admin_email` yet, they are invited as its admin
    (the creator is not made a member)."""
    if not created_by.is_superuser:
        raise NotAllowed(_("Only platform administrators can create organizations."))
    slug = slugify(slug or name)[:60]
    if not slug:
        raise DomainError(_("Give the organization a name."), field="name")
    if Organization.objects.filter(slug=slug).exists():
        raise Conflict(_("An organization with this short name already exists."), field="slug")
    organization = Organization.objects.create(name=name, slug=slug)
    record_audit_event(organization=organization, actor=created_by, action="organization.create", target=organization)
    email = admin_email.strip().lower()
    if admin is None and email:
        admin = User.objects.filter(email__iexact=email).first()
        if admin is None:
            _create_invitation(organization=organization, email=email, role=Role.ADMIN, invited_by=created_by)
            return organization
    membership = Membership.objects.create(user=admin or created_by, organization=organization, role=Role.ADMIN)
    ensure_profile(membership)
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
    limit("invitation", invited_by)
    return _create_invitation(organization=organization, email=email, role=role, invited_by=invited_by)


def _create_invitation(*, organization: Organization, email: str, role: str, invited_by: User) -> Invitation:
    """Replace any open invitation for this address with a new one; email it after commit."""
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


# An imported person is invited at most once a day, however often "invite" is pressed or run.
INVITE_AGAIN_AFTER = timedelta(days=1)


def imported_people_to_invite(*, organization: Organization, emails: Iterable[str]) -> list[Membership]:
    """Active members among `emails` who have no account yet (never signed in, no password) and
    were not invited in the last day."""
    wanted = {e.strip().lower() for e in emails if e.strip()}
    recently = {
        e.lower() for e in Invitation.objects.filter(
            organization=organization, created_at__gt=timezone.now() - INVITE_AGAIN_AFTER
        ).values_list("email", flat=True)
    }
    members = (
        Membership.objects.filter(organization=organization, is_active=True, user__last_login__isnull=True,
                                  user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .select_related("user").order_by("user__full_name", "user__email")
    )
    # Filtered here, not in SQL, so addresses match whatever their case in the file or the account.
    return [m for m in members if m.user.email.lower() in wanted and m.user.email.lower() not in recently]


@transaction.atomic
def invite_imported_people(*, organization: Organization, emails: Iterable[str], invited_by: User) -> list[Invitation]:
    """Invite the imported people who have no account yet (in their current role); idempotent
    within a day. Returns the invitations sent."""
    people = imported_people_to_invite(organization=organization, emails=emails)
    invitations = [
        _create_invitation(organization=organization, email=m.user.email.lower(), role=m.role, invited_by=invited_by)
        for m in people
    ]
    if invitations:
        record_audit_event(organization=organization, actor=invited_by, action="people.invite_imported",
                           target=organization, details={"invited": len(invitations)})
    return invitations


def has_account(email: str) -> bool:
    """Whether someone can sign in with this address (an imported person has no password yet)."""
    return User.objects.filter(email__iexact=email).exclude(
        last_login__isnull=True, password__startswith=UNUSABLE_PASSWORD_PREFIX).exists()


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
