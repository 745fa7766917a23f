"""The guided profile form: fields, skills, availability grid, consented attributes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentora.profiles.models import AvailabilitySlot, DiversityAnswer, DiversityPolicy, Profile, ProfileSkill, Skill
from mentora.profiles.services import set_diversity_policy


def skill_ids(n: int) -> list[int]:
    return list(Skill.objects.filter(organization__isnull=True).order_by("pk").values_list("pk", flat=True)[:n])


def profile_post(**overrides):
    s = skill_ids(3)
    data = {
        "full_name": "Mina Mentee", "headline": "Analyst learning to lead", "bio": "Hi!", "department": "Data",
        "job_title": "Analyst", "level": "3", "location": "Lyon", "timezone": "Europe/Paris", "languages": ["fr", "en"],
        "goals": "Lead a team within a year.", "interests_text": "public speaking, AI tools, Public Speaking",
        "communication_preferences": ["video", "async"], "learning_style": "discussion",
        "preferred_cadence": "biweekly", "session_length_minutes": "45",
        "offered_skill": [str(s[0]), str(s[1]), ""], "offered_level": ["3", "4", "2"],
        "wanted_skill": [str(s[2])], "wanted_level": ["1"],
        "avail": ["0-9", "0-10", "2-14"],
    }
    data.update(overrides)
    return data


def test_the_builtin_taxonomy_has_a_few_hundred_skills_including_ai(builtin_skills):
    assert Skill.objects.filter(organization__isnull=True).count() >= 250
    assert Skill.objects.filter(category="AI & new technology", name="Prompt engineering").exists()


def test_saving_the_profile_stores_every_section(world, as_mentee):
    response = as_mentee.post(reverse("profiles:edit", args=["acme"]), profile_post())
    assert response.status_code == 302
    profile = Profile.objects.get(membership=world.mentee)
    assert profile.headline == "Analyst learning to lead" and profile.level == 3
    assert profile.interests == ["public speaking", "AI tools"]  # duplicates dropped, case-insensitively
    assert profile.languages == ["fr", "en"]
    assert ProfileSkill.objects.filter(profile=profile, direction="offered").count() == 2
    assert list(ProfileSkill.objects.filter(profile=profile, direction="wanted").values_list("level", flat=True)) == [1]
    slots = list(AvailabilitySlot.objects.filter(profile=profile).values_list("weekday", "start_minute", "end_minute"))
    assert slots == [(0, 540, 660), (2, 840, 900)]  # adjacent hours merged
    assert profile.completeness == 100
    world.mentee.user.refresh_from_db()
    assert world.mentee.user.full_name == "Mina Mentee"


def test_an_invalid_profile_changes_nothing(world, as_mentee):
    """A bad time zone is refused with 422, and skills/availability stay as they were."""
    response = as_mentee.post(reverse("profiles:edit", args=["acme"]), profile_post(timezone="Mars/Base"))
    assert response.status_code == 422
    assert not AvailabilitySlot.objects.filter(profile__membership=world.mentee).exists()
    assert not ProfileSkill.objects.filter(profile__membership=world.mentee).exists()


def test_a_skill_of_another_organization_cannot_be_chosen(world, as_mentee):
    foreign = Skill.objects.create(organization=world.other_org, name="Globex secret sauce")
    response = as_mentee.post(reverse("profiles:edit", args=["acme"]), profile_post(offered_skill=[str(foreign.pk)], offered_level=["2"]))
    assert response.status_code == 422
    assert not ProfileSkill.objects.filter(skill=foreign).exists()


def test_a_grid_cell_out_of_range_is_refused(world, as_mentee):
    response = as_mentee.post(reverse("profiles:edit", args=["acme"]), profile_post(avail=["9-99"]))
    assert response.status_code == 422


def test_diversity_questions_appear_only_when_the_organization_enables_them(world, as_mentee):
    url = reverse("profiles:edit", args=["acme"])
    assert "div-diversity_gender" not in as_mentee.get(url).content.decode()
    set_diversity_policy(organization=world.org, enabled=True, uses={"gender": "aggregate", "age_band": "not_stored"},
                         changed_by=world.admin.user)
    page = as_mentee.get(url).content.decode()
    assert "div-diversity_gender" in page and "Prefer not to say" in page
    assert "div-diversity_age_band" not in page  # "not collected" is never shown


def test_a_diversity_answer_is_stored_only_with_consent(world, as_mentee):
    set_diversity_policy(organization=world.org, enabled=True, uses={"gender": "matching"}, changed_by=world.admin.user)
    url = reverse("profiles:edit", args=["acme"])
    refused = as_mentee.post(url, profile_post(**{"div-diversity_gender": "woman"}))
    assert refused.status_code == 422
    assert not DiversityAnswer.objects.exists()
    ok = as_mentee.post(url, profile_post(**{"div-diversity_gender": "prefer_not_to_say", "div-consent_gender": "on"}))
    assert ok.status_code == 302
    assert DiversityAnswer.objects.get().value == "prefer_not_to_say"
    # Withdrawing consent deletes the answer.
    as_mentee.post(url, profile_post(**{"div-diversity_gender": "prefer_not_to_say"}))
    # (answer without consent is refused; clearing both removes it)
    as_mentee.post(url, profile_post(**{"div-diversity_gender": ""}))
    assert not DiversityAnswer.objects.exists()


def test_switching_a_policy_to_not_collected_deletes_stored_answers(world, as_mentee):
    set_diversity_policy(organization=world.org, enabled=True, uses={"caregiver": "aggregate"}, changed_by=world.admin.user)
    as_mentee.post(reverse("profiles:edit", args=["acme"]), profile_post(**{"div-diversity_caregiver": "yes", "div-consent_caregiver": "on"}))
    assert DiversityAnswer.objects.count() == 1
    set_diversity_policy(organization=world.org, enabled=True, uses={"caregiver": "not_stored"}, changed_by=world.admin.user)
    assert DiversityAnswer.objects.count() == 0


def test_colleagues_never_see_diversity_answers(world, as_member):
    set_diversity_policy(organization=world.org, enabled=True, uses={"gender": "matching"}, changed_by=world.admin.user)
    from django.utils import timezone

    DiversityAnswer.objects.create(profile=world.mentee.profile, attribute="gender", value="non_binary", consented_at=timezone.now())
    page = as_member.get(reverse("profiles:detail", args=["acme", world.mentee.pk])).content.decode()
    assert "non_binary" not in page and "Non-binary" not in page


def test_admins_set_the_diversity_policy_in_settings(world, as_admin):
    response = as_admin.post(reverse("core:organization_settings", args=["acme"]), {
        "diversity_enabled": "on", "use_gender": "aggregate", "use_age_band": "not_stored", "use_ethnicity": "not_stored",
        "use_disability": "not_stored", "use_caregiver": "matching", "use_returning_from_leave": "matching",
    })
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.diversity_enabled
    assert DiversityPolicy.objects.get(organization=world.org, attribute="caregiver").use == "matching"


def test_admins_can_add_their_own_skills_once(world, as_admin):
    url = reverse("profiles:skills", args=["acme"])
    assert as_admin.post(url, {"name": "Acme Widget Design", "category": "Product"}).status_code == 302
    assert as_admin.post(url, {"name": "acme widget design", "category": "Product"}).status_code == 422
    assert as_admin.post(url, {"name": "Prompt engineering"}).status_code == 422  # already built in
    assert Skill.objects.filter(organization=world.org).count() == 1


@pytest.mark.parametrize("level", [0, 11])
def test_the_database_refuses_a_job_level_out_of_range(world, level):
    from django.db import IntegrityError, transaction

    profile = world.member.profile
    profile.level = level
    with pytest.raises(IntegrityError), transaction.atomic():
        profile.save()


def test_the_profile_form_shows_saved_skills_as_chips_with_their_level_and_a_remove_box(world, as_mentee):
    """No 13 dropdowns: each saved skill is one chip (name, level, remove) plus a single "add" select."""
    as_mentee.post(reverse("profiles:edit", args=["acme"]), profile_post())
    offered = list(ProfileSkill.objects.filter(profile__membership=world.mentee, direction="offered").select_related("skill"))
    page = as_mentee.get(reverse("profiles:edit", args=["acme"])).content.decode()
    for chosen in offered:
        assert f'data-skill-id="{chosen.skill_id}"' in page and chosen.skill.name in page
        assert f'name="offered_remove" value="{chosen.skill_id}"' in page
        assert f'id="offered-level-{chosen.skill_id}" name="offered_level"' in page
    assert page.count('name="offered_skill"') == len(offered) + 1  # the chips and one "add" select
    assert page.count("— choose a skill —") == 2  # one "add" select per direction, not 3 blank rows each


def test_a_ticked_remove_box_drops_that_skill(world, as_mentee):
    s = skill_ids(3)
    url = reverse("profiles:edit", args=["acme"])
    as_mentee.post(url, profile_post())
    as_mentee.post(url, profile_post(offered_skill=[str(s[0]), str(s[1]), ""], offered_level=["3", "4", "2"],
                                     offered_remove=[str(s[0])]))
    assert list(ProfileSkill.objects.filter(profile__membership=world.mentee, direction="offered")
                .values_list("skill_id", "level")) == [(s[1], 4)]


def test_a_skill_chosen_twice_is_refused_by_name_and_nothing_changes(world, as_mentee):
    s = skill_ids(1)
    name = Skill.objects.get(pk=s[0]).name
    response = as_mentee.post(reverse("profiles:edit", args=["acme"]),
                              profile_post(offered_skill=[str(s[0]), str(s[0])], offered_level=["2", "4"]))
    assert response.status_code == 422
    assert f"“{name}” is chosen twice" in response.content.decode()
    assert not ProfileSkill.objects.filter(profile__membership=world.mentee).exists()
    assert Profile.objects.get(membership=world.mentee).headline == ""  # all-or-nothing


def test_skills_and_levels_out_of_step_are_refused(world, as_mentee):
    s = skill_ids(2)
    response = as_mentee.post(reverse("profiles:edit", args=["acme"]),
                              profile_post(offered_skill=[str(s[0]), str(s[1])], offered_level=["2"]))
    assert response.status_code == 422
    assert "The skills were not understood" in response.content.decode()
    assert not ProfileSkill.objects.filter(profile__membership=world.mentee).exists()


def test_the_set_skills_service_refuses_duplicates_for_every_caller(world):
    from mentora.core.errors import DomainError
    from mentora.profiles.services import set_skills

    s = skill_ids(1)
    profile = Profile.objects.get(membership=world.mentee)
    with pytest.raises(DomainError, match="chosen twice"):
        set_skills(profile=profile, direction="wanted", skills=[(s[0], 1), (s[0], 3)])


def test_languages_are_checkboxes_not_a_ctrl_click_multi_select(world, as_mentee):
    as_mentee.post(reverse("profiles:edit", args=["acme"]), profile_post(languages=["pt", "en"]))
    page = as_mentee.get(reverse("profiles:edit", args=["acme"])).content.decode()
    assert "<select multiple" not in page and "Ctrl" not in page
    assert 'type="checkbox" name="languages" value="pt"' in page
    assert sorted(Profile.objects.get(membership=world.mentee).languages) == ["en", "pt"]
