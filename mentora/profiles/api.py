"""API: read and update one's own profile; read colleagues' public profiles."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from mentora.core.access import access_member
from mentora.core.api_access import api_membership
from mentora.core.api_input import ObjectIn
from mentora.core.api_responses import READ_ERRORS, WRITE_ERRORS
from mentora.core.errors import DomainError, StaleWrite
from mentora.profiles import services
from mentora.profiles.languages import LANGUAGE_NAMES
from mentora.profiles.models import Cadence, Channel, LearningStyle, Profile

router = Router(tags=["profiles"])


class SkillLevel(Schema):
    skill_id: int
    name: str = ""
    level: int = Field(2, ge=1, le=4)


class SlotOut(Schema):
    weekday: int
    start_minute: int
    end_minute: int


class ProfileOut(Schema):
    member_id: int
    version: int = Field(..., description="Send it back with a PATCH: a profile saved since is not overwritten (409).")
    full_name: str
    headline: str
    bio: str
    department: str
    job_title: str
    level: int | None
    location: str
    timezone: str
    languages: list[str]
    goals: str
    interests: list[str]
    communication_preferences: list[str]
    learning_style: str
    preferred_cadence: str
    session_length_minutes: int | None
    skills_offered: list[SkillLevel]
    skills_wanted: list[SkillLevel]
    availability: list[SlotOut]
    completeness: int


class ProfileIn(ObjectIn):
    version: int | None = Field(None, ge=1, description="The version you read; when the profile was saved since, "
                                "nothing changes and the answer is 409 with the profile as it is now.")
    headline: str | None = Field(None, max_length=160)
    bio: str | None = Field(None, max_length=4000)
    department: str | None = Field(None, max_length=120)
    job_title: str | None = Field(None, max_length=120)
    level: int | None = Field(None, ge=1, le=10)
    location: str | None = Field(None, max_length=120)
    timezone: str | None = None
    languages: list[str] | None = None
    goals: str | None = Field(None, max_length=4000)
    interests: list[str] | None = Field(None, max_length=20)
    communication_preferences: list[str] | None = None
    learning_style: str | None = None
    preferred_cadence: str | None = None
    session_length_minutes: int | None = Field(None, ge=15, le=240)
    skills_offered: list[SkillLevel] | None = None
    skills_wanted: list[SkillLevel] | None = None
    availability_cells: list[str] | None = Field(
        None, description='Hour cells in the profile\'s zone, "weekday-hour" (Monday=0), e.g. "0-9".'
    )

    @field_validator("timezone")
    @classmethod
    def known_zone(cls, value: str | None) -> str | None:
        if value is not None and value not in zoneinfo.available_timezones():
            raise ValueError("unknown time zone")
        return value

    @field_validator("languages")
    @classmethod
    def known_languages(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(code not in LANGUAGE_NAMES for code in value):
            raise ValueError("use ISO 639-1 language codes")
        return value

    @field_validator("communication_preferences")
    @classmethod
    def known_channels(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(v not in Channel.values for v in value):
            raise ValueError(f"choose from {Channel.values}")
        return value

    @field_validator("learning_style")
    @classmethod
    def known_style(cls, value: str | None) -> str | None:
        if value not in (None, "") and value not in LearningStyle.values:
            raise ValueError(f"choose from {LearningStyle.values}")
        return value

    @field_validator("preferred_cadence")
    @classmethod
    def known_cadence(cls, value: str | None) -> str | None:
        if value not in (None, "") and value not in Cadence.values:
            raise ValueError(f"choose from {Cadence.values}")
        return value


def profile_out(profile: Profile) -> dict[str, Any]:
    skills = list(profile.skills.all())
    return {
        "member_id": profile.membership_id, "version": profile.version, "full_name": profile.membership.user.full_name,
        **{name: getattr(profile, name) for name in services.EDITABLE_FIELDS},
        "learning_style": profile.learning_style, "preferred_cadence": profile.preferred_cadence,
        "skills_offered": [{"skill_id": s.skill_id, "name": s.skill.name, "level": s.level} for s in skills if s.direction == "offered"],
        "skills_wanted": [{"skill_id": s.skill_id, "name": s.skill.name, "level": s.level} for s in skills if s.direction == "wanted"],
        "availability": list(profile.availability.all()),
        "completeness": profile.completeness,
    }


def _empty_for(name: str) -> Any:
    """What an explicit null means for a field: cleared text, empty list, UTC, or no value."""
    if name in ("languages", "interests", "communication_preferences"):
        return []
    if name == "timezone":
        return "UTC"
    if name in ("level", "session_length_minutes"):
        return None
    return ""


def _load(membership_id: int) -> Profile:
    return (
        Profile.objects.select_related("membership__user")
        .prefetch_related("skills__skill", "availability").get(membership_id=membership_id)
    )


@router.get("/orgs/{org}/profile", response={200: ProfileOut, **READ_ERRORS}, summary="My profile in an organization")
def my_profile(request: HttpRequest, org: str) -> dict[str, Any]:
    membership = api_membership(request, org)
    return profile_out(_load(membership.pk))


class StaleProfileOut(Schema):
    detail: str
    field: str | None = None
    current: ProfileOut | None = Field(None, description="The profile as it is now (for a stale write).")


@router.patch("/orgs/{org}/profile", response={200: ProfileOut, **WRITE_ERRORS, 409: StaleProfileOut},
              summary="Update my profile")
def update_my_profile(request: HttpRequest, org: str, payload: ProfileIn) -> Any:
    membership = api_membership(request, org)
    profile = _load(membership.pk)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("version", None)
    skills = {direction: [(s["skill_id"], s["level"]) for s in chosen]
              for direction, chosen in (("offered", data.pop("skills_offered", None)),
                                        ("wanted", data.pop("skills_wanted", None))) if chosen is not None}
    cells = data.pop("availability_cells", None)
    fields = {k: _empty_for(k) if v is None else v for k, v in data.items()}
    try:
        services.save_profile(profile=profile, fields=fields, skills=skills, cells=cells, expected_version=expected)
    except StaleWrite as error:
        return Status(409, {"detail": error.message, "field": "version", "current": profile_out(_load(membership.pk))})
    return Status(200, profile_out(_load(membership.pk)))


@router.get("/orgs/{org}/members/{member_id}/profile", response={200: ProfileOut, **READ_ERRORS},
            summary="A colleague's profile")
def member_profile(request: HttpRequest, org: str, member_id: int) -> dict[str, Any]:
    membership = api_membership(request, org)
    member = access_member(membership, member_id)
    return profile_out(_load(member.pk))


__all__ = ["DomainError", "router"]
