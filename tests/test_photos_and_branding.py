"""Profile photos and the organization's look: pictures are checked (kind, size), re-encoded small,
served to members of the same organization only; an accent colour must keep white text readable."""

from __future__ import annotations

import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import Image

from mentora.accounts.models import Membership
from mentora.core.branding import AVATAR_COLOURS, MIN_CONTRAST, contrast_ratio
from mentora.core.models import AuditEvent, Organization
from mentora.profiles.models import Profile
from tests.conftest import World, client_for


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def picture(fmt: str = "JPEG", size: tuple[int, int] = (800, 600), mode: str = "RGB", name: str = "me.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 120, 40, 128) if mode == "RGBA" else (200, 120, 40)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def upload_photo(membership: Membership, file: SimpleUploadedFile) -> object:
    return client_for(membership).post(reverse("profiles:photo_edit", args=[membership.organization.slug]), {"photo": file})


def stored_photo(membership: Membership) -> Image.Image:
    profile = Profile.objects.get(membership=membership)
    with profile.photo.open("rb") as stored:
        return Image.open(io.BytesIO(stored.read()))


def test_a_photo_is_cropped_square_resized_to_256_px_and_re_encoded(world: World):
    response = upload_photo(world.mentee, picture(size=(1200, 800)))

    assert response.status_code == HTTPStatus.FOUND
    image = stored_photo(world.mentee)
    assert (image.format, image.size) == ("JPEG", (256, 256))
    assert "me.jpg" not in Profile.objects.get(membership=world.mentee).photo.name  # the stored name says nothing


def test_png_and_webp_photos_are_accepted_and_transparency_stays_png(world: World):
    assert upload_photo(world.mentee, picture("WEBP", (300, 300), name="a.webp")).status_code == HTTPStatus.FOUND
    assert stored_photo(world.mentee).format == "JPEG"
    assert upload_photo(world.mentee, picture("PNG", (100, 60), "RGBA", name="a.png")).status_code == HTTPStatus.FOUND
    image = stored_photo(world.mentee)
    assert (image.format, image.size) == ("PNG", (60, 60))  # small pictures are not enlarged


@pytest.mark.parametrize(("file", "message"), [
    (SimpleUploadedFile("me.jpg", b"%PDF-1.4 not a picture", "image/jpeg"), "not a picture we can use"),
    (picture("GIF", name="me.gif"), "not a picture we can use"),
    (picture("BMP", name="me.bmp"), "not a picture we can use"),
])
def test_files_that_are_not_jpeg_png_or_webp_are_refused_with_a_reason(world: World, file, message):
    response = upload_photo(world.mentee, file)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert message in response.content.decode()
    assert not Profile.objects.get(membership=world.mentee).photo


def test_a_photo_over_the_size_limit_is_refused(world: World, settings):
    settings.MENTORA_IMAGE_MAX_BYTES = 1000
    response = upload_photo(world.mentee, picture(size=(400, 400)))

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "the limit is" in response.content.decode()
    assert not Profile.objects.get(membership=world.mentee).photo


def test_colleagues_see_the_photo_other_organizations_get_404(world: World):
    upload_photo(world.mentee, picture())
    url = reverse("profiles:photo", args=["acme", world.mentee.pk])

    response = client_for(world.member).get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private")
    assert client_for(world.outsider).get(url).status_code == HTTPStatus.NOT_FOUND
    assert client_for(world.outsider).get(reverse("profiles:photo", args=["globex", world.mentee.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client_for(None).get(url).status_code == HTTPStatus.FOUND  # to sign in
    assert client_for(world.member).get(reverse("profiles:photo", args=["acme", world.mentor.pk])).status_code == HTTPStatus.NOT_FOUND


def test_removing_the_photo_deletes_the_file_and_initials_show_again(world: World, django_capture_on_commit_callbacks):
    upload_photo(world.mentee, picture())
    photo = Profile.objects.get(membership=world.mentee).photo
    storage, name = photo.storage, photo.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.mentee).post(reverse("profiles:photo_edit", args=["acme"]), {"remove": "1"})

    assert response.status_code == HTTPStatus.FOUND
    assert not Profile.objects.get(membership=world.mentee).photo
    assert not storage.exists(name)


def render_avatar(membership: Membership) -> str:
    membership = Membership.objects.select_related("user", "profile", "organization").get(pk=membership.pk)
    template = Template('{% include "includes/avatar.html" with membership=m size="sm" %}')
    return template.render(Context({"m": membership, "current_org": membership.organization}))


def test_the_avatar_shows_the_photo_or_else_initials_on_a_stable_readable_colour(world: World):
    world.mentee.user.full_name = "Chloé Okafor"
    world.mentee.user.save()

    html = render_avatar(world.mentee)
    assert ">CO</span>" in html and "avatar-sm" in html and 'aria-hidden="true"' in html
    assert html == render_avatar(world.mentee)  # same colour every time
    upload_photo(world.mentee, picture())
    assert reverse("profiles:photo", args=["acme", world.mentee.pk]) + "?v=" in render_avatar(world.mentee)


def test_every_initials_colour_keeps_white_text_at_aa():
    assert all(contrast_ratio(colour, "#ffffff") >= MIN_CONTRAST for colour in AVATAR_COLOURS)


def brand(membership: Membership, **data: object) -> object:
    return client_for(membership).post(reverse("core:organization_branding", args=["acme"]), data)


def test_an_admin_sets_a_dark_enough_accent_colour_and_the_header_uses_it(world: World):
    response = brand(world.admin, accent_color="#5B21B6")

    assert response.status_code == HTTPStatus.FOUND
    assert Organization.objects.get(slug="acme").accent_color == "#5b21b6"
    assert "--org-accent: #5b21b6" in client_for(world.member).get(reverse("core:dashboard", args=["acme"])).content.decode()
    assert AuditEvent.objects.filter(action="organization.branding").count() == 1


@pytest.mark.parametrize(("colour", "message"), [
    ("#f5a300", "contrast ratio of 2.07:1"),   # amber: white text unreadable
    ("#1ea7fd", "needs at least 4.5:1"),
    ("teal", "hex code"),
])
def test_an_accent_colour_white_text_cannot_read_on_is_refused_with_the_ratio(world: World, colour, message):
    response = brand(world.admin, accent_color=colour)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert message in response.content.decode()
    assert Organization.objects.get(slug="acme").accent_color == ""


def test_the_logo_is_checked_resized_served_to_members_and_removable(world: World):
    response = client_for(world.admin).post(reverse("core:organization_branding", args=["acme"]),
                                            {"accent_color": "", "logo": picture("PNG", (2000, 500), "RGBA", "logo.png")})
    assert response.status_code == HTTPStatus.FOUND
    org = Organization.objects.get(slug="acme")
    with org.logo.open("rb") as stored:
        assert Image.open(io.BytesIO(stored.read())).size == (480, 120)
    assert client_for(world.member).get(reverse("core:organization_logo", args=["acme"])).status_code == HTTPStatus.OK
    assert client_for(world.outsider).get(reverse("core:organization_logo", args=["acme"])).status_code == HTTPStatus.NOT_FOUND
    assert reverse("core:organization_logo", args=["acme"]) in client_for(world.member).get(reverse("core:dashboard", args=["acme"])).content.decode()

    bad = client_for(world.admin).post(reverse("core:organization_branding", args=["acme"]),
                                       {"accent_color": "", "logo": SimpleUploadedFile("x.png", b"nope", "image/png")})
    assert bad.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "not a picture we can use" in bad.content.decode()
    assert Organization.objects.get(slug="acme").logo.name == org.logo.name

    brand(world.admin, accent_color="", remove_logo="on")
    assert not Organization.objects.get(slug="acme").logo


def test_only_admins_change_the_look(world: World):
    for membership in (world.coordinator, world.member, world.outsider):
        assert brand(membership, accent_color="#0f6b62").status_code == HTTPStatus.NOT_FOUND
    assert Organization.objects.get(slug="acme").accent_color == ""


def test_the_favicon_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"].endswith("/static/favicon.ico")
