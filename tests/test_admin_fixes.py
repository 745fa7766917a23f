"""Admin defects (issue 13, item 9): imported people get invited, a first admin without an
account is invited, the audit log reads as words, and platform admins find "create organization"."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentora.accounts import services
from mentora.accounts.imports import apply_people_import
from mentora.accounts.models import Invitation, Membership, PeopleImport, User
from mentora.core.models import AuditEvent, Organization, record_audit_event
from mentora.core.templatetags.mentora_tags import audit_lines
from tests.conftest import World
from tests.factories import PASSWORD
from tests.test_imports import GOOD, HEADER, make_import

WITH_AN_ACCOUNT = HEADER + "Mentor Person,mentor@acme.test,Engineering,Engineer,5,,Paris,Europe/Paris,en\n"


def _apply(world: World, content: str = GOOD) -> PeopleImport:
    people_import = make_import(world, content)
    apply_people_import(people_import=people_import, applied_by=world.coordinator.user)
    people_import.refresh_from_db()
    return people_import


def test_after_an_import_the_coordinator_confirms_inviting_the_people_without_an_account(
    world: World, as_coordinator, django_capture_on_commit_callbacks,
):
    content = GOOD + WITH_AN_ACCOUNT.split("\n", 1)[1]
    upload = as_coordinator.post(reverse("accounts:import_upload", args=["acme"]),
                                 {"file": SimpleUploadedFile("people.csv", content.encode())})
    people_import = PeopleImport.objects.get()
    applied = as_coordinator.post(upload["Location"], {"action": "apply"})
    invite_url = reverse("accounts:import_invite", args=["acme", people_import.pk])
    assert applied["Location"] == invite_url

    page = as_coordinator.get(invite_url).content.decode()
    assert "Invite the 2 imported people who have no account yet?" in page
    assert "ada@acme.test" in page and "grace@acme.test" in page
    assert "mentor@acme.test" not in page  # already has an account

    as_coordinator.post(invite_url)  # no confirmation: nobody is invited
    assert not Invitation.objects.exists()

    token = re.search(r'name="confirm" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        as_coordinator.post(invite_url, {"confirm": token})
    assert sorted(Invitation.objects.values_list("email", flat=True)) == ["ada@acme.test", "grace@acme.test"]
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@acme.test", "grace@acme.test"]

    # Idempotent within a day: pressing again (or a stale page) invites nobody.
    with django_capture_on_commit_callbacks(execute=True):
        as_coordinator.post(invite_url, {"confirm": token})
    assert Invitation.objects.count() == 2 and len(mail.outbox) == 2
    assert "Nobody to invite" in as_coordinator.get(invite_url).content.decode()


def test_nobody_is_invited_twice_within_a_day_but_may_be_reminded_later(world: World):
    people_import = _apply(world)
    emails = ["ada@acme.test", "grace@acme.test"]
    assert len(services.invite_imported_people(organization=world.org, emails=emails, invited_by=world.admin.user)) == 2
    assert services.invite_imported_people(organization=world.org, emails=emails, invited_by=world.admin.user) == []
    Invitation.objects.update(created_at=timezone.now() - timedelta(days=2))
    again = services.invite_imported_people(organization=world.org, emails=emails, invited_by=world.admin.user)
    assert len(again) == 2
    assert Invitation.objects.filter(revoked_at__isnull=True, accepted_at__isnull=True).count() == 2
    assert people_import.status == PeopleImport.Status.APPLIED


def test_someone_who_signed_in_is_never_invited(world: World):
    _apply(world)
    ada = User.objects.get(email="ada@acme.test")
    ada.set_password(PASSWORD)
    ada.save()
    people = services.imported_people_to_invite(organization=world.org, emails=["ada@acme.test", "grace@acme.test"])
    assert [m.user.email for m in people] == ["grace@acme.test"]


def test_an_imported_person_accepts_by_choosing_a_password(world: World, django_capture_on_commit_callbacks):
    _apply(world)
    with django_capture_on_commit_callbacks(execute=True):
        [invitation] = services.invite_imported_people(organization=world.org, emails=["ada@acme.test"],
                                                       invited_by=world.admin.user)
    page = Client().get(reverse("accounts:invitation_accept", args=[invitation.token])).content.decode()
    assert "Choose your password to accept" in page and reverse("account_reset_password") in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # account mails leave through the outbox
        Client().post(reverse("account_reset_password"), {"email": "ada@acme.test"})
    assert [m.to for m in mail.outbox] == [["ada@acme.test"]]


def test_the_import_command_invites_with_invite(world: World, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "people.csv"
    path.write_text(GOOD)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_people", "acme", str(path), "--apply", "--invite", stdout=out)
    assert "Invited: 2" in out.getvalue()
    assert Invitation.objects.filter(email__in=["ada@acme.test", "grace@acme.test"]).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_people", "acme", str(path), "--apply", "--invite", stdout=out)
    assert "Invited: 0" in out.getvalue() and Invitation.objects.count() == 2


def test_a_first_admin_without_an_account_is_invited_as_admin(db, django_capture_on_commit_callbacks):
    root = User.objects.create_superuser(email="root@platform.test", password=PASSWORD)
    client = Client()
    client.force_login(root)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:organization_create"), {"name": "Initech", "admin_email": "Boss@Initech.test"})
    assert response.status_code == 302
    org = Organization.objects.get(slug="initech")
    invitation = Invitation.objects.get(organization=org)
    assert invitation.email == "boss@initech.test" and invitation.role == "admin"
    assert not Membership.objects.filter(organization=org).exists()  # the platform admin is not made a member
    assert [m.to for m in mail.outbox] == [["boss@initech.test"]]
    assert "emailed them an invitation" in client.get(response["Location"]).content.decode()


def test_a_first_admin_with_an_account_becomes_admin_at_once(world: World):
    root = User.objects.create_superuser(email="root@platform.test", password=PASSWORD)
    org = services.create_organization(name="Initech", created_by=root, admin_email="member@acme.test")
    assert Membership.objects.get(organization=org).user == world.member.user


def test_the_platform_admin_always_finds_create_organization(world: World):
    root = User.objects.create_superuser(email="root@platform.test", password=PASSWORD)
    services.add_member(organization=world.org, user=root, role="admin")
    client = Client()
    client.force_login(root)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200  # not redirected into the one organization
    assert reverse("core:organization_create") in response.content.decode()


def test_the_audit_log_shows_details_as_words(world: World, as_admin):
    record_audit_event(organization=world.org, actor=world.admin.user, action="member.role", target=world.member,
                       details={"from": "member", "to": "coordinator"})
    record_audit_event(organization=world.org, actor=world.admin.user, action="diversity.policy", target=world.org,
                       details={"enabled": True, "uses": {"gender": "aggregate"}})
    page = as_admin.get(reverse("core:audit_log", args=["acme"])).content.decode()
    assert "member → coordinator" in page
    assert "Enabled: yes" in page and "Uses: Gender = aggregate" in page
    assert "{&#x27;" not in page and "{'" not in page
    assert AuditEvent.objects.count() >= 2


def test_audit_lines_read_changes_and_values():
    assert audit_lines({"role": {"from": "member", "to": "admin"}, "pairs": 3}) == ["Role: member → admin", "Pairs: 3"]
    assert audit_lines({}) == [] and audit_lines(None) == []


def test_another_organizations_import_is_not_found(world: World, as_coordinator):
    theirs = PeopleImport.objects.create(organization=world.other_org, content=GOOD, status=PeopleImport.Status.APPLIED)
    url = reverse("accounts:import_invite", args=["acme", theirs.pk])
    assert as_coordinator.get(url).status_code == 404
    assert as_coordinator.post(url, {"confirm": "x"}).status_code == 404
