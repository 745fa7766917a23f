"""People import from CSV: preview with per-row errors, then all-or-nothing, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from mentora.accounts.imports import apply_people_import, preview_people_csv
from mentora.accounts.models import Membership, PeopleImport
from mentora.core.errors import DomainError
from mentora.core.models import AuditEvent
from mentora.profiles.models import Profile

HEADER = "name,email,department,job_title,level,manager_email,location,timezone,languages\n"
GOOD = HEADER + (
    "Ada Lovelace,ada@acme.test,Engineering,Staff Engineer,7,,London,Europe/London,en;fr\n"
    "Grace Hopper,grace@acme.test,Engineering,Engineer,4,ada@acme.test,Toronto,America/Toronto,English\n"
)


def make_import(world, content: str) -> PeopleImport:
    return PeopleImport.objects.create(organization=world.org, uploaded_by=world.coordinator.user, content=content)


def test_a_valid_file_previews_as_new_people_without_writing(world):
    """The preview lists every row and writes nothing."""
    preview = preview_people_csv(organization=world.org, content=GOOD)
    assert preview.is_valid
    assert preview.counts() == {"create": 2, "update": 0, "unchanged": 0, "errors": 0}
    assert not Membership.objects.filter(user__email="ada@acme.test").exists()


@pytest.mark.parametrize(("row", "message"), [
    ("Bad,not-an-email,,,,,,UTC,", "not a valid email"),
    ("Zed,zed@acme.test,,,,,,Mars/Olympus,", "Unknown time zone"),
    ("Zed,zed@acme.test,,,,boss@nowhere.test,,UTC,", "Unknown manager"),
    ("Zed,zed@acme.test,,,12,,,UTC,", "Level must be"),
    ("Zed,zed@acme.test,,,,,,UTC,Klingon", "Unknown language"),
    (",zed@acme.test,,,,,,UTC,", "Name is missing"),
    ("Ada Again,ada@acme.test,,,,,,UTC,", "Duplicate of line 2"),
])
def test_each_kind_of_bad_row_gets_a_clear_error(world, row, message):
    """Bad email, unknown zone, unknown manager, bad level, unknown language, duplicates."""
    preview = preview_people_csv(organization=world.org, content=GOOD + row + "\n")
    assert not preview.is_valid
    bad = [r for r in preview.rows if r.errors]
    assert len(bad) == 1 and bad[0].line == 4
    assert message in " ".join(bad[0].errors)


def test_a_missing_required_column_is_a_file_error(world):
    preview = preview_people_csv(organization=world.org, content="name,department\nAda,Eng\n")
    assert preview.file_errors and "email" in preview.file_errors[0]


def test_applying_a_file_with_an_error_changes_nothing(world):
    """All or nothing: one bad row and no one is imported."""
    people_import = make_import(world, GOOD + "Bad,not-an-email,,,,,,UTC,\n")
    before = Membership.objects.count()
    with pytest.raises(DomainError):
        apply_people_import(people_import=people_import, applied_by=world.coordinator.user)
    assert Membership.objects.count() == before
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.PREVIEW


def test_applying_creates_people_profiles_and_managers(world):
    counts = apply_people_import(people_import=make_import(world, GOOD), applied_by=world.coordinator.user)
    assert counts["create"] == 2
    grace = Profile.objects.get(membership__user__email="grace@acme.test", membership__organization=world.org)
    assert grace.manager.membership.user.email == "ada@acme.test"
    assert grace.timezone == "America/Toronto" and grace.languages == ["en"] and grace.level == 4
    assert AuditEvent.objects.filter(action="people.import", organization=world.org).exists()


def test_reimporting_updates_instead_of_duplicating(world):
    """The same people again: updated rows, no new memberships."""
    apply_people_import(people_import=make_import(world, GOOD), applied_by=world.coordinator.user)
    again = GOOD.replace("Staff Engineer", "Principal Engineer")
    preview = preview_people_csv(organization=world.org, content=again)
    assert preview.counts() == {"create": 0, "update": 1, "unchanged": 1, "errors": 0}
    apply_people_import(people_import=make_import(world, again), applied_by=world.coordinator.user)
    assert Membership.objects.filter(user__email="ada@acme.test").count() == 1
    assert Profile.objects.get(membership__user__email="ada@acme.test").job_title == "Principal Engineer"


def test_an_import_cannot_be_applied_twice(world):
    people_import = make_import(world, GOOD)
    apply_people_import(people_import=people_import, applied_by=world.coordinator.user)
    with pytest.raises(DomainError):
        apply_people_import(people_import=people_import, applied_by=world.coordinator.user)


def test_upload_preview_and_import_through_the_pages(world, as_coordinator):
    """Upload → preview (with the row errors shown) → import."""
    bad = SimpleUploadedFile("people.csv", (GOOD + "Bad,not-an-email,,,,,,UTC,\n").encode())
    response = as_coordinator.post(reverse("accounts:import_upload", args=["acme"]), {"file": bad})
    assert response.status_code == 302
    preview_page = as_coordinator.get(response["Location"])
    assert "not a valid email" in preview_page.content.decode()
    assert "Import all rows" not in preview_page.content.decode()
    refused = as_coordinator.post(response["Location"], {"action": "apply"})
    assert refused.status_code == 422
    assert not Membership.objects.filter(user__email="ada@acme.test").exists()

    good = SimpleUploadedFile("people.csv", GOOD.encode())
    response = as_coordinator.post(reverse("accounts:import_upload", args=["acme"]), {"file": good})
    applied = as_coordinator.post(response["Location"], {"action": "apply"})
    assert applied.status_code == 302
    assert Membership.objects.filter(user__email="ada@acme.test", organization=world.org).exists()


def test_a_non_csv_upload_is_refused(world, as_coordinator):
    upload = SimpleUploadedFile("people.xlsx", b"PK\x03\x04")
    response = as_coordinator.post(reverse("accounts:import_upload", args=["acme"]), {"file": upload})
    assert response.status_code == 422
    assert PeopleImport.objects.count() == 0


def test_the_management_command_previews_then_applies(world, tmp_path):
    """`import_people` checks the file and, with --apply, imports it."""
    path = tmp_path / "people.csv"
    path.write_text(GOOD)
    out = StringIO()
    call_command("import_people", "acme", str(path), stdout=out)
    assert "2 new" in out.getvalue() and "dry run" in out.getvalue().lower()
    assert not Membership.objects.filter(user__email="ada@acme.test").exists()
    call_command("import_people", "acme", str(path), "--apply", stdout=out)
    assert Membership.objects.filter(user__email="ada@acme.test").exists()


def test_the_management_command_exits_with_the_row_errors(world, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(GOOD + "Bad,not-an-email,,,,,,UTC,\n")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="line 4"):
        call_command("import_people", "acme", str(path), "--apply", stdout=StringIO())
    assert not Membership.objects.filter(user__email="ada@acme.test").exists()
