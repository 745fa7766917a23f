"""The personal-data export (issue 14, item 1): every model that points at a person is either
exported or excluded with a reason; a person's archive holds their own words and files and not
what belongs to others; it downloads from the page and the API, audited."""

from __future__ import annotations

import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentora.accounts.models import ApiToken
from mentora.core.models import AuditEvent
from mentora.mentorships.sessions import add_note
from mentora.messaging.models import Conversation
from mentora.messaging.services import post_message
from mentora.privacy.export import POLICY, Exclude, Include, personal_fields
from tests.conftest import World, client_for


def _archive(content: bytes) -> tuple[dict, list[str]]:
    with zipfile.ZipFile(io.BytesIO(content)) as bundle:
        return json.loads(bundle.read("data.json")), bundle.namelist()


def test_every_field_that_points_at_a_person_is_exported_or_excluded_with_a_reason() -> None:
    found, decided = set(personal_fields()), set(POLICY)
    assert found - decided == set(), f"decide how to export these (POLICY in mentora/privacy/export.py): {found - decided}"
    assert decided - found == set(), f"no longer personal fields: {decided - found}"
    assert all(policy.reason.strip() for policy in POLICY.values() if isinstance(policy, Exclude))
    assert all(isinstance(policy, Include | Exclude) for policy in POLICY.values())


def test_the_archive_holds_their_words_and_files_and_not_what_is_others(world: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    mentee, mentor = world.mentee, world.mentor
    world.mentee.profile.bio = "CANARY-BIO loves sailing"
    world.mentee.profile.save()
    conversation = Conversation.objects.get_or_create(mentorship=world.mentorship)[0]
    post_message(conversation=conversation, author=mentee.user, body="CANARY-MINE hello",
                 attachment=SimpleUploadedFile("plan.txt", b"CANARY-FILE plan", content_type="text/plain"))
    post_message(conversation=conversation, author=mentor.user, body="CANARY-THEIRS welcome")
    add_note(mentorship=world.mentorship, author=mentee, body="CANARY-MY-PRIVATE note", is_private=True)
    add_note(mentorship=world.mentorship, author=mentor, body="CANARY-MENTOR-PRIVATE about the mentee", is_private=True)
    ApiToken.issue(user=mentee.user, name="sync")

    response = client_for(mentee).post(reverse("privacy:my_data_download"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    document, names = _archive(b"".join(response.streaming_content))
    text = json.dumps(document)
    assert document["format"] == "mentora.personal-data/1" and document["account"]["email"] == "mentee@acme.test"
    for canary in ("CANARY-BIO", "CANARY-MINE", "CANARY-THEIRS", "CANARY-MY-PRIVATE"):
        assert canary in text, canary
    assert "CANARY-MENTOR-PRIVATE" not in text  # the mentor's private note is the mentor's
    assert "password" not in document["account"] and '"key_hash"' not in text
    assert any(name.startswith("files/messaging.Message/") and name.endswith("plan.txt") for name in names)
    assert "messaging.Block.blocked" in document["not_included"]
    assert AuditEvent.objects.filter(action="privacy.export", actor=mentee.user).exists()


def test_the_api_gives_the_same_archive_and_only_ones_own(world: World) -> None:
    _token, raw = ApiToken.issue(user=world.mentor.user, name="export", days=30)
    response = client_for(None).get("/api/me/export", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    document, _names = _archive(b"".join(response.streaming_content))
    assert document["account"]["email"] == "mentor@acme.test"
    assert client_for(None).get("/api/me/export").status_code == 401


def test_the_page_explains_what_is_in_and_out(world: World) -> None:
    page = client_for(world.member).get(reverse("privacy:my_data")).content.decode()
    assert "Download my data" in page and "protects the person who did" in page
    left_out = sum(isinstance(policy, Exclude) for policy in POLICY.values())
    assert f"data.json names all {left_out} kinds of record left out" in page
    assert client_for(None).get(reverse("privacy:my_data")).status_code == 302  # sign in first
    assert client_for(world.member).get(reverse("privacy:my_data_download")).status_code == 405


def test_the_docs_give_the_policy_as_it_is() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "privacy.md").read_text()
    included = sum(isinstance(policy, Include) for policy in POLICY.values())
    assert f"Today {len(POLICY)} such fields: {included} included, {len(POLICY) - included} excluded." in text



def test_a_large_archive_streams_from_disk_and_is_never_held_in_memory(world: World, settings, tmp_path) -> None:
    """Eight megabytes of files: the download is written to a temporary file in chunks and streamed
    from it, so the process's peak stays far below the archive's size (it held all of it twice)."""
    import os
    import tracemalloc

    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    conversation = Conversation.objects.get_or_create(mentorship=world.mentorship)[0]
    for n in range(2):
        message = post_message(conversation=conversation, author=world.mentee.user, body=f"file {n}",
                               attachment=SimpleUploadedFile(f"big{n}.txt", b"x", content_type="text/plain"))
        with default_storage.open(message.attachment.name, "wb") as handle:
            handle.write(os.urandom(4 * 1024 * 1024))  # does not compress
    client = client_for(world.mentee)
    client.post(reverse("privacy:my_data_download"))  # warm: imports, templates
    tracemalloc.start()
    try:
        response = client.post(reverse("privacy:my_data_download"))
        size = sum(len(chunk) for chunk in response.streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 8 * 1024 * 1024 and int(response["Content-Length"]) == size
    assert peak < 3 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB for an archive of {size / 2**20:.1f} MiB"


def test_an_admin_downloads_a_members_archive_only_when_they_administer_all_its_organizations(world: World) -> None:
    from mentora.core.models import AuditEvent as Event
    from tests.factories import MembershipFactory

    url = reverse("privacy:member_data_download", args=["acme", world.mentee.pk])
    world.mentee.profile.bio = "CANARY-HR-REQUEST"
    world.mentee.profile.save()
    response = client_for(world.admin).post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"data-{world.mentee.pk}" in response["Content-Disposition"]
    document, _names = _archive(b"".join(response.streaming_content))
    assert document["account"]["email"] == "mentee@acme.test" and "CANARY-HR-REQUEST" in json.dumps(document)
    event = Event.objects.get(action="privacy.export_for_member", organization=world.org)
    assert event.actor == world.admin.user and event.details["user_id"] == world.mentee.user_id
    # Also in Globex, where this admin is no admin: the archive would carry Globex's data, so no.
    MembershipFactory(organization=world.other_org, user=world.mentee.user)
    admin = client_for(world.admin)
    refused = admin.post(url)
    assert refused.status_code == 302 and refused["Location"].endswith(f"/people/{world.mentee.pk}/profile/")
    page = admin.get(refused["Location"]).content.decode()
    assert "also belongs to another organization" in page
    assert Event.objects.filter(action="privacy.export_for_member").count() == 1
    assert client_for(world.coordinator).post(url).status_code == 404


def test_the_profile_page_offers_admins_the_download_and_no_one_else(world: World) -> None:
    url = reverse("profiles:detail", args=["acme", world.mentee.pk])
    assert "Download " in client_for(world.admin).get(url).content.decode()
    for who in (world.coordinator, world.mentor):
        assert "Their data" not in client_for(who).get(url).content.decode()
