"""No lost updates on profiles (issue 14, item 8): a save from a page opened before another save (a
second tab, a phone) is refused with 409 and the person's words kept; the API's PATCH takes the
version it read. One service saves the whole profile, all or nothing."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from mentora.core.errors import StaleWrite
from mentora.profiles import services
from mentora.profiles.models import AvailabilitySlot, Profile
from tests.conftest import World, client_for
from tests.test_profiles import profile_post

pytestmark = pytest.mark.usefixtures("builtin_skills")


def test_a_save_from_an_older_tab_is_refused_and_keeps_the_words(world: World) -> None:
    url = reverse("profiles:edit", args=["acme"])
    client = client_for(world.mentee)
    read = Profile.objects.get(membership=world.mentee).version
    assert f'name="version" value="{read}"' in client.get(url).content.decode()
    first = client.post(url, profile_post(headline="Saved from the laptop") | {"version": read})
    assert first.status_code == HTTPStatus.FOUND
    stale = client.post(url, profile_post(headline="Typed on the phone", avail=["4-9"]) | {"version": read})
    assert stale.status_code == HTTPStatus.CONFLICT
    page = stale.content.decode()
    assert "Your profile was saved from somewhere else" in page
    assert 'value="Typed on the phone"' in page  # their words, kept in the form
    assert f'name="version" value="{read + 1}"' in page  # the next save is made from what is saved now
    profile = Profile.objects.get(membership=world.mentee)
    assert profile.headline == "Saved from the laptop" and profile.version == read + 1
    assert not AvailabilitySlot.objects.filter(profile=profile, weekday=4).exists()  # nothing of the stale save
    again = client.post(url, profile_post(headline="Typed on the phone") | {"version": read + 1})
    assert again.status_code == HTTPStatus.FOUND
    assert Profile.objects.get(membership=world.mentee).headline == "Typed on the phone"


def test_the_api_refuses_a_stale_patch_with_the_profile_as_it_is(world: World) -> None:
    client = client_for(world.mentee)
    url = "/api/orgs/acme/profile"
    read = client.get(url).json()["version"]
    assert client.patch(url, {"headline": "One", "version": read}, content_type="application/json").status_code == 200
    stale = client.patch(url, {"headline": "Two", "bio": "Lost?", "version": read}, content_type="application/json")
    assert stale.status_code == HTTPStatus.CONFLICT
    answer = stale.json()
    assert answer["field"] == "version" and answer["current"]["headline"] == "One"
    assert answer["current"]["version"] == read + 1
    profile = Profile.objects.get(membership=world.mentee)
    assert profile.headline == "One" and profile.bio != "Lost?"
    # Without a version the write goes through, as before versions existed, and still raises it.
    assert client.patch(url, {"headline": "Three"}, content_type="application/json").json()["version"] == read + 2


def test_a_refused_part_leaves_the_whole_profile_as_it_was(world: World) -> None:
    profile = Profile.objects.get(membership=world.mentee)
    before = (profile.headline, profile.version)
    with pytest.raises(StaleWrite):
        services.save_profile(profile=profile, fields={"headline": "x"}, expected_version=profile.version + 5)
    with pytest.raises(services.DomainError):
        services.save_profile(profile=profile, fields={"headline": "Half saved?"}, skills={"offered": [(1, 3), (1, 2)]},
                              expected_version=profile.version)
    profile = Profile.objects.get(pk=profile.pk)
    assert (profile.headline, profile.version) == before
