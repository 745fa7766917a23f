"""Sign-in, invitations, roles, organizations and API tokens."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mentora.accounts import services
from mentora.accounts.models import ApiToken, Invitation, Membership, User
from mentora.core.errors import DomainError
from mentora.core.models import AuditEvent, Organization
from tests.factories import PASSWORD, UserFactory


def test_signing_in_with_email_and_password_lands_on_the_organization(world):
    client = Client()
    response = client.post(reverse("account_login"), {"login": "member@acme.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/o/acme/"


def test_a_wrong_password_is_refused(world):
    response = Client().post(reverse("account_login"), {"login": "member@acme.test", "password": "nope"})
    assert response.status_code == 200 and "_auth_user_id" not in Client().session


def test_sign_up_requires_email_verification(db, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes out through the outbox
        response = client.post(reverse("account_signup"), {"email": "new@acme.test", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert any("new@acme.test" in m.to for m in mail.outbox)
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": "member@acme.test"})
    assert mail.outbox and "password" in mail.outbox[-1].subject.lower()


def test_an_invitation_is_emailed_and_accepted_by_the_invited_address(world, as_coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coordinator.post(reverse("accounts:invite", args=["acme"]), {"email": "Newbie@Acme.test", "role": "member"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="newbie@acme.test")
    link = re.search(r"http://\S+/invitations/(\S+)/", mail.outbox[-1].body)
    assert link and link.group(1) == invitation.token

    stranger = UserFactory(email="someone-else@acme.test")
    client = Client()
    client.force_login(stranger)
    assert client.post(reverse("accounts:invitation_accept", args=[invitation.token])).status_code == 403

    newbie = UserFactory(email="newbie@acme.test")
    client.force_login(newbie)
    response = client.post(reverse("accounts:invitation_accept", args=[invitation.token]))
    assert response.status_code == 302
    membership = Membership.objects.get(user=newbie, organization=world.org)
    assert membership.role == "member" and membership.profile is not None
    assert client.get(reverse("accounts:invitation_accept", args=[invitation.token])).status_code == 404  # used up


def test_coordinators_cannot_invite_admins(world, as_coordinator):
    response = as_coordinator.post(reverse("accounts:invite", args=["acme"]), {"email": "x@acme.test", "role": "admin"})
    assert response.status_code == 422
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused(world):
    with pytest.raises(DomainError, match="already a member"):
        services.invite_member(organization=world.org, email="member@acme.test", role="member", invited_by=world.admin.user)


def test_a_new_invitation_replaces_the_open_one(world):
    first = services.invite_member(organization=world.org, email="a@acme.test", role="member", invited_by=world.admin.user)
    second = services.invite_member(organization=world.org, email="a@acme.test", role="coordinator", invited_by=world.admin.user)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.is_pending


def test_admins_change_roles_and_it_is_audited(world, as_admin):
    response = as_admin.post(reverse("accounts:change_role", args=["acme", world.member.pk]), {"role": "coordinator"})
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.role == "coordinator"
    event = AuditEvent.objects.get(action="membership.role_change")
    assert event.details == {"from": "member", "to": "coordinator"} and event.actor == world.admin.user


def test_the_last_admin_cannot_be_demoted(world):
    with pytest.raises(DomainError, match="at least one admin"):
        services.change_role(membership=world.admin, role="member", changed_by=world.admin.user)


def test_only_platform_superusers_create_organizations(world):
    superuser = User.objects.create_superuser(email="root@platform.test", password=PASSWORD)
    client = Client()
    client.force_login(superuser)
    response = client.post(reverse("core:organization_create"), {"name": "Initech", "slug": ""})
    assert response.status_code == 302
    org = Organization.objects.get(slug="initech")
    assert Membership.objects.get(organization=org).role == "admin"
    assert client.post(reverse("core:organization_create"), {"name": "Initech"}).status_code == 422
    with pytest.raises(DomainError):
        services.create_organization(name="Nope", created_by=world.admin.user)


def test_people_in_several_organizations_choose_one(world):
    Membership.objects.create(user=world.member.user, organization=world.other_org)
    client = Client()
    client.force_login(world.member.user)
    page = client.get("/").content.decode()
    assert "Acme" in page and "Globex" in page


def test_an_api_token_authenticates_and_can_be_revoked(world):
    client = Client()
    client.force_login(world.member.user)
    page = client.post(reverse("accounts:api_tokens"), {"name": "HR sync"}).content.decode()
    raw = re.search(r'id="new-token">(mnt_[^<]+)<', page).group(1)
    token = ApiToken.objects.get(user=world.member.user)
    assert token.key_hash != raw  # only the hash is stored
    api = Client()
    assert api.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).json()["email"] == "member@acme.test"
    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert api.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_the_audit_log_lists_the_organizations_events_only(world, as_admin):
    services.change_role(membership=world.member, role="coordinator", changed_by=world.admin.user)
    services.change_role(membership=world.outsider, role="admin", changed_by=world.outsider.user)
    page = as_admin.get(reverse("core:audit_log", args=["acme"])).content.decode()
    assert "membership.role_change" in page and "boss@globex.test" not in page
