"""Evidence files: allowed kinds only (by extension and content), a size limit, stored privately and
served only after the goal's access check."""

from __future__ import annotations

from http import HTTPStatus

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from mentora.core.models import AuditEvent
from mentora.goals.models import Evidence
from mentora.mentorships.services import create_mentorship
from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory
from tests.relationship_fixtures import PDF_BYTES, goal_of

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(world: World, name: str, content: bytes, content_type: str = "application/octet-stream") -> object:
    return client_for(world.mentee).post(reverse("goals:evidence_add", args=["acme", goal_of(world).pk]),
                                         {"evidence-upload": SimpleUploadedFile(name, content, content_type)})


def test_a_pdf_is_stored_and_downloaded_by_the_other_side_as_an_attachment(world: World):
    assert upload(world, "My Talk.pdf", PDF_BYTES).status_code == HTTPStatus.FOUND
    evidence = Evidence.objects.get()
    assert (evidence.file_name, evidence.content_type, evidence.size) == ("My Talk.pdf", "application/pdf", len(PDF_BYTES))
    assert "My Talk" not in evidence.file.name  # the stored name reveals nothing
    response = client_for(world.mentor).get(reverse("goals:evidence_file", args=["acme", evidence.pk]))
    assert response.status_code == HTTPStatus.OK
    assert response.content == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "My Talk.pdf" in client_for(world.mentor).get(reverse("goals:detail", args=["acme", goal_of(world).pk])).content.decode()


def test_a_coordinator_may_download_it_and_the_read_is_audited(world: World):
    upload(world, "outline.png", PNG_BYTES, "image/png")
    evidence = Evidence.objects.get()
    response = client_for(world.coordinator).get(reverse("goals:evidence_file", args=["acme", evidence.pk]))
    assert response.status_code == HTTPStatus.OK
    assert AuditEvent.objects.filter(action="evidence.download").count() == 1


def test_other_people_in_the_organization_get_404(world: World):
    upload(world, "outline.pdf", PDF_BYTES)
    evidence = Evidence.objects.get()
    other_mentee = MembershipFactory(organization=world.org)
    EnrollmentFactory(program=world.program, membership=other_mentee, role="mentee")
    create_mentorship(program=world.program, members=[(world.mentor, "mentor"), (other_mentee, "mentee")],
                      created_by=None)
    for stranger in (world.member, other_mentee):
        response = client_for(stranger).get(reverse("goals:evidence_file", args=["acme", evidence.pk]))
        assert response.status_code == HTTPStatus.NOT_FOUND


def test_disallowed_kinds_and_disguised_content_are_refused(world: World):
    for name, content in (("page.html", b"<script>alert(1)</script>"), ("logo.svg", b"<svg onload=alert(1)>"),
                          ("fake.pdf", b"<script>alert(1)</script>"), ("tool.exe", b"MZ\x90\x00"),
                          ("notes.txt", b"\x00\x01binary")):
        assert upload(world, name, content, "application/pdf").status_code == HTTPStatus.UNPROCESSABLE_ENTITY, name
    assert not Evidence.objects.exists()


@override_settings(MENTORA_EVIDENCE_MAX_BYTES=1024)
def test_files_over_the_size_limit_are_refused(world: World):
    response = upload(world, "big.pdf", PDF_BYTES + b"0" * 2048)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "up to" in response.content.decode()
    assert not Evidence.objects.exists()


def test_media_urls_serve_nothing(world: World, client: object):
    upload(world, "outline.pdf", PDF_BYTES)
    evidence = Evidence.objects.get()
    assert client_for(world.mentee).get(f"/media/{evidence.file.name}").status_code == HTTPStatus.NOT_FOUND
