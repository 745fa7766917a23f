"""Profile writes: fields, skills, availability and consented attributes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import User
from mentora.core.errors import DomainError, NotAllowed, StaleWrite
from mentora.core.images import process_image
from mentora.core.models import Organization, record_audit_event
from mentora.core.ratelimit import limit
from mentora.profiles.availability import cells_to_slots
from mentora.profiles.diversity import ATTRIBUTES_BY_KEY
from mentora.profiles.models import (
    AvailabilitySlot,
    DiversityAnswer,
    DiversityPolicy,
    DiversityUse,
    Profile,
    ProfileSkill,
    Skill,
)

EDITABLE_FIELDS = (
    "headline", "bio", "department", "job_title", "level", "location", "timezone", "languages",
    "goals", "interests", "communication_preferences", "learning_style", "preferred_cadence",
    "session_length_minutes",
)


@transaction.atomic
def update_profile(*, profile: Profile, **fields: Any) -> Profile:
    """Save the given profile fields (already validated by a form or schema)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown profile fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile


@transaction.atomic
def save_profile(
    *, profile: Profile, fields: dict[str, Any], full_name: str | None = None,
    skills: dict[str, list[tuple[int, int]]] | None = None, cells: Iterable[str] | None = None,
    diversity: dict[str, str | None] | None = None, expected_version: int | None = None,
) -> Profile:
    """One save of the profile — its fields, the person's name, skills by direction, availability and
    consented answers — all or nothing, from the page and the API alike. Parts left as None stay.

    `expected_version` is the version the writer read: when the profile moved on since (a save from
    another tab), `StaleWrite` is raised and nothing changes. Every save raises the version.
    """
    current = Profile.objects.select_for_update().filter(pk=profile.pk).values_list("version", flat=True).get()
    if expected_version is not None and expected_version != current:
        raise StaleWrite(_("Your profile was saved from somewhere else (another tab or device) since you opened "
                           "this page. Your changes are still here: check them and save again to keep them."),
                         field="version")
    profile.version = current
    update_profile(profile=profile, **fields)
    if full_name is not None and profile.membership.user.full_name != full_name:
        profile.membership.user.full_name = full_name
        profile.membership.user.save(update_fields=["full_name"])
    for direction, pairs in (skills or {}).items():
        set_skills(profile=profile, direction=direction, skills=pairs)
    if cells is not None:
        set_availability(profile=profile, cells=cells)
    if diversity is not None:
        save_diversity_answers(profile=profile, answers=diversity)
    Profile.objects.filter(pk=profile.pk).update(version=F("version") + 1)
    profile.version = current + 1
    return profile


@transaction.atomic
def set_skills(
    *, profile: Profile, direction: str, skills: Iterable[tuple[int, int]]
) -> list[ProfileSkill]:
    """Replace the profile's skills in one direction with (skill_id, level) pairs.

    Each skill appears once per direction; a repeated one is refused (naming it) rather than
    silently keeping one of its levels.
    """
    chosen = list(skills)
    pairs = dict(chosen)
    if len(pairs) != len(chosen):
        ids = [skill_id for skill_id, _level in chosen]
        repeated = next(skill_id for skill_id in ids if ids.count(skill_id) > 1)
        name = Skill.objects.filter(pk=repeated).values_list("name", flat=True).first() or str(repeated)
        raise DomainError(_("“%(skill)s” is chosen twice; keep it once, with one level.") % {"skill": name}, field="skills")
    allowed = set(
        Skill.objects.available_to(profile.membership.organization)
        .filter(pk__in=list(pairs)).values_list("pk", flat=True)
    )
    if set(pairs) - allowed:
        raise DomainError(_("Choose skills from the list."), field="skills")
    if any(level not in (1, 2, 3, 4) for level in pairs.values()):
        raise DomainError(_("Choose a level for each skill."), field="skills")
    ProfileSkill.objects.filter(profile=profile, direction=direction).delete()
    return ProfileSkill.objects.bulk_create(
        ProfileSkill(profile=profile, skill_id=skill_id, direction=direction, level=level)
        for skill_id, level in sorted(pairs.items())
    )


@transaction.atomic
def set_availability(*, profile: Profile, cells: Iterable[str]) -> list[AvailabilitySlot]:
    """Replace weekly availability with the grid cells ticked (in the profile's zone)."""
    try:
        slots = cells_to_slots(cells)
    except ValueError:
        raise DomainError(_("The availability grid was not understood."), field="availability") from None
    AvailabilitySlot.objects.filter(profile=profile).delete()
    return AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(profile=profile, weekday=day, start_minute=start, end_minute=end)
        for day, start, end in slots
    )


def diversity_policies(organization: Organization) -> dict[str, str]:
    """attribute → use, for the attributes the organization collects."""
    if not organization.diversity_enabled:
        return {}
    return {
        p.attribute: p.use
        for p in DiversityPolicy.objects.filter(organization=organization).exclude(use=DiversityUse.NOT_STORED)
        if p.attribute in ATTRIBUTES_BY_KEY
    }


@transaction.atomic
def save_diversity_answers(*, profile: Profile, answers: dict[str, str | None]) -> None:
    """Store consented answers; a None answer (no consent or cleared) deletes what was stored."""
    policies = diversity_policies(profile.membership.organization)
    for key, value in answers.items():
        if key not in policies:
            raise NotAllowed(_("This attribute is not collected."))
        attribute = ATTRIBUTES_BY_KEY[key]
        if value is None or value == "":
            DiversityAnswer.objects.filter(profile=profile, attribute=key).delete()
            continue
        if value not in {choice for choice, _label in attribute.choices}:
            raise DomainError(_("Choose one of the options."), field=f"diversity_{key}")
        DiversityAnswer.objects.update_or_create(
            profile=profile, attribute=key, defaults={"value": value, "consented_at": timezone.now()}
        )


@transaction.atomic
def set_diversity_policy(
    *, organization: Organization, enabled: bool, uses: dict[str, str], changed_by: User
) -> None:
    """Set which attributes are collected and how; 'not collected' deletes stored answers."""
    for key, use in uses.items():
        if key not in ATTRIBUTES_BY_KEY or use not in DiversityUse.values:
            raise DomainError(_("Choose a valid policy."), field=key)
    organization.diversity_enabled = enabled
    organization.save(update_fields=["diversity_enabled"])
    for key, use in uses.items():
        DiversityPolicy.objects.update_or_create(organization=organization, attribute=key, defaults={"use": use})
        if use == DiversityUse.NOT_STORED:
            DiversityAnswer.objects.filter(
                profile__membership__organization=organization, attribute=key
            ).delete()
    record_audit_event(
        organization=organization, actor=changed_by, action="diversity.policy_change",
        target=organization, details={"enabled": enabled, "uses": uses},
    )


@transaction.atomic
def add_skill(*, organization: Organization, name: str, category: str, added_by: User) -> Skill:
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Give the skill a name."), field="name")
    if Skill.objects.available_to(organization).filter(name__iexact=name).exists():
        raise DomainError(_("“%(name)s” is already in the taxonomy.") % {"name": name}, field="name")
    skill = Skill.objects.create(organization=organization, name=name, category=category or "Other")
    record_audit_event(organization=organization, actor=added_by, action="skill.create", target=skill)
    return skill


PHOTO_SIZE = 256


@transaction.atomic
def set_profile_photo(*, profile: Profile, upload: UploadedFile | None) -> Profile:
    """Replace the profile's photo with ``upload`` (checked, cropped square, ≤ 256 px), or remove it (None)."""
    if upload is not None:
        limit("upload", profile.membership.user)
    processed = process_image(upload, max_width=PHOTO_SIZE, max_height=PHOTO_SIZE, square=True) if upload else None
    old_name = profile.photo.name if profile.photo else ""
    if processed is not None:
        profile.photo.save(f"photo.{processed.extension}", ContentFile(processed.content), save=False)
    else:
        profile.photo = ""  # type: ignore[assignment]
    profile.save(update_fields=["photo", "updated_at"])
    if old_name:
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return profile
