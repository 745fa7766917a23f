"""Retention (issue 14, item 3): a closed mentorship's words go once the organization's retention
has passed since it ended (default 24 months); open ones and recent ones keep theirs. Frozen clock."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mentora.core.models import AuditEvent, Organization
from mentora.core.periodic import registered_jobs
from mentora.feedback.models import CheckIn
from mentora.mentorships.models import Mentorship, Note
from mentora.mentorships.services import create_mentorship, transition_mentorship
from mentora.mentorships.sessions import add_note
from mentora.messaging.models import Conversation, Message
from mentora.messaging.services import post_message
from mentora.privacy.retention import purge_expired
from tests.conftest import World, client_for
from tests.factories import MembershipFactory


def _with_words(world: World, mentorship: Mentorship, label: str) -> None:
    conversation = Conversation.objects.get_or_create(mentorship=mentorship)[0]
    member = mentorship.members.exclude(role="mentor").first().membership
    post_message(conversation=conversation, author=member.user, body=f"{label} message",
                 attachment=SimpleUploadedFile(f"{label}.txt", b"notes", content_type="text/plain"))
    add_note(mentorship=mentorship, author=member, body=f"{label} note", is_private=True)
    CheckIn.objects.create(mentorship=mentorship, respondent=member, sequence=1, due_on=timezone.localdate(),
                           answered_at=timezone.now(), going_well=4, usefulness=4, meeting_regularly=True)


def test_words_of_a_long_closed_mentorship_go_and_the_rest_stay(world: World, settings, tmp_path,
                                                                 django_capture_on_commit_callbacks) -> None:
    settings.MEDIA_ROOT = tmp_path
    closed = world.mentorship
    _with_words(world, closed, "old")
    other = create_mentorship(program=world.program, members=[(world.mentor, "mentor"), (MembershipFactory(organization=world.org), "mentee")],
                              created_by=None)
    _with_words(world, other, "open")
    transition_mentorship(mentorship=closed, to_status="completed", actor=world.coordinator.user)
    ended = timezone.now()
    attachment = Message.objects.get(body="old message").attachment
    assert attachment.storage.exists(attachment.name)

    assert purge_expired(now=ended + timedelta(days=30 * 23)) == {}  # 23 months: still kept
    assert Message.objects.filter(body="old message").exists()

    with django_capture_on_commit_callbacks(execute=True):  # files go after commit
        counts = purge_expired(now=ended + timedelta(days=int(24 * 30.44) + 2))
    assert counts["messages"] == 1 and counts["notes"] == 1 and counts["check_ins"] == 1
    assert not Message.objects.filter(conversation__mentorship=closed).exists()
    assert not Note.objects.filter(mentorship=closed).exists() and not CheckIn.objects.filter(mentorship=closed).exists()
    assert not attachment.storage.exists(attachment.name)  # the file too
    assert Mentorship.objects.filter(pk=closed.pk).exists()  # the record of the mentorship stays
    for model in (Message, Note, CheckIn):  # the open mentorship keeps everything
        assert model.objects.filter(**({"conversation__mentorship": other} if model is Message else {"mentorship": other})).exists()
    event = AuditEvent.objects.get(action="privacy.retention_purge")
    assert event.details["messages"] == 1 and event.details["mentorships"] == 1
    assert purge_expired(now=ended + timedelta(days=800)) == {}  # nothing twice


def test_an_admin_shortens_retention_and_bad_values_change_nothing(world: World) -> None:
    url = reverse("core:organization_settings", args=["acme"])
    admin = client_for(world.admin)
    assert admin.post(url, {"section": "retention", "retention_months": "6", "min_group_size": "5"}).status_code == HTTPStatus.FOUND
    assert Organization.objects.get(pk=world.org.pk).retention_months == 6
    assert AuditEvent.objects.filter(action="privacy.retention_change", details__to=6).exists()
    for bad in ("0", "121", "soon"):
        response = admin.post(url, {"section": "retention", "retention_months": bad, "min_group_size": "5"})
        assert response.status_code == 422
    assert Organization.objects.get(pk=world.org.pk).retention_months == 6
    assert client_for(world.coordinator).post(url, {"section": "retention", "retention_months": "1", "min_group_size": "5"}).status_code == 404


def test_the_purge_runs_daily() -> None:
    job = next(job for job in registered_jobs() if job.name == "privacy.purge_expired")
    assert job.every == timedelta(days=1)
