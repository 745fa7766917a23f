"""The guided profile form, profile pages and the skills taxonomy."""

from __future__ import annotations

from http import HTTPStatus
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mentora.core.access import AuthedRequest, access_member, org_view
from mentora.core.errors import DomainError, StaleWrite
from mentora.core.images import stored_image_response
from mentora.profiles import services
from mentora.profiles.availability import GRID_HOURS, cell_key, slots_to_cells
from mentora.profiles.forms import DiversityForm, PhotoForm, ProfileForm, SkillForm
from mentora.profiles.languages import language_name
from mentora.profiles.models import WEEKDAYS, DiversityAnswer, Profile, ProfileSkill, Skill


def _skill_choices(organization: Any) -> list[tuple[str, list[tuple[int, str]]]]:
    skills = Skill.objects.available_to(organization).order_by("category", "name").values_list("category", "pk", "name")
    return [(category, [(pk, name) for _c, pk, name in rows]) for category, rows in groupby(skills, key=lambda r: r[0])]


def _parse_skills(post: QueryDict, direction: str) -> list[tuple[int, int]]:
    """(skill_id, level) pairs posted by the picker: chips plus the "add" row, minus removed chips.

    Each chip posts ``<direction>_skill`` and ``<direction>_level`` side by side; without
    JavaScript a ticked ``<direction>_remove`` box drops a chip and the add row's select adds one.
    """
    ids = post.getlist(f"{direction}_skill")
    levels = post.getlist(f"{direction}_level")
    if len(ids) != len(levels):
        raise DomainError(_("The skills were not understood; please choose them again."), field="skills")
    removed = set(post.getlist(f"{direction}_remove"))
    pairs: list[tuple[int, int]] = []
    for raw_id, raw_level in zip(ids, levels, strict=True):
        if not raw_id or raw_id in removed:
            continue
        try:
            pairs.append((int(raw_id), int(raw_level or ProfileSkill.Level.INTERMEDIATE)))
        except ValueError:
            raise DomainError(_("Choose skills from the list."), field="skills") from None
    return pairs


def _chips(
    profile: Profile, direction: str, posted: list[tuple[int, int]] | None, names: dict[int, str]
) -> list[dict[str, Any]]:
    """The skills shown as chips: what was posted (re-shown after an error) or what is saved."""
    if posted is None:
        posted = [(s.skill_id, s.level) for s in profile.skills.all() if s.direction == direction]
    # A refused id (another organization's skill, a made-up number) has no name here: it is
    # dropped from the chips, and the error above the form says why.
    return [{"skill": pk, "name": names[pk], "level": level} for pk, level in posted if pk in names]


@org_view()
def profile_edit(request: AuthedRequest) -> HttpResponse:
    """One guided page: about, work, skills, goals, ways to meet, availability, languages."""
    membership = request.membership
    organization = membership.organization
    profile = Profile.objects.prefetch_related("skills", "availability").get(membership=membership)
    policies = services.diversity_policies(organization)
    answers = dict(DiversityAnswer.objects.filter(profile=profile).values_list("attribute", "value"))
    initial = {"full_name": request.user.full_name, "version": profile.version}
    form = ProfileForm(request.POST or None, instance=profile, initial=initial)
    diversity_form = DiversityForm(request.POST or None, policies=policies, answers=answers, prefix="div")
    posted_skills: dict[str, list[tuple[int, int]] | None] = {"offered": None, "wanted": None}
    cells = slots_to_cells((s.weekday, s.start_minute, s.end_minute) for s in profile.availability.all())
    skill_error, status = "", 200
    if request.method == "POST":
        cells = set(request.POST.getlist("avail"))
        try:
            posted_skills = {d: _parse_skills(request.POST, d) for d in ("offered", "wanted")}
        except DomainError as error:
            skill_error = error.message
        if form.is_valid() and diversity_form.is_valid() and not skill_error:
            data = form.cleaned_data
            fields = {k: v for k, v in data.items() if k in services.EDITABLE_FIELDS}
            fields["interests"] = data["interests_text"]
            try:
                services.save_profile(
                    profile=profile, fields=fields, full_name=data["full_name"],
                    skills={d: pairs or [] for d, pairs in posted_skills.items()}, cells=cells,
                    diversity=diversity_form.answers() if policies else None, expected_version=data["version"],
                )
            except StaleWrite as error:
                # Keep their words on the page; the next save is made from the version saved now.
                status = HTTPStatus.CONFLICT
                data = request.POST.copy()
                data["version"] = str(Profile.objects.values_list("version", flat=True).get(pk=profile.pk))
                form = ProfileForm(data, instance=Profile.objects.get(pk=profile.pk), initial=initial)
                form.is_valid()
                form.add_error(None, error.message)
            except DomainError as error:
                skill_error = error.message
            else:
                messages.success(request, _("Profile saved."))
                return redirect("profiles:edit", org=organization.slug)
    grid = [
        {"day": day, "label": label, "cells": [
            {"key": cell_key(day, hour), "hour": hour, "checked": cell_key(day, hour) in cells} for hour in GRID_HOURS
        ]}
        for day, label in WEEKDAYS
    ]
    has_errors = bool(form.errors or diversity_form.errors or skill_error)
    skill_choices = _skill_choices(organization)
    names = {pk: name for _category, options in skill_choices for pk, name in options}
    return render(request, "profiles/edit.html", {
        "form": form, "diversity_form": diversity_form, "profile": profile, "grid": grid,
        "hours": GRID_HOURS, "skill_choices": skill_choices, "skill_error": skill_error,
        "levels": ProfileSkill.Level.choices, "default_level": ProfileSkill.Level.INTERMEDIATE,
        "offered_chips": _chips(profile, "offered", posted_skills["offered"], names),
        "wanted_chips": _chips(profile, "wanted", posted_skills["wanted"], names),
        "diversity_keys": diversity_form.attribute_keys,
    }, status=status if status != 200 else (422 if has_errors else 200))


@org_view()
def profile_detail(request: AuthedRequest, member_id: int) -> HttpResponse:
    """A colleague's profile as others see it (never their diversity answers)."""
    member = access_member(request.membership, member_id)
    profile = (
        Profile.objects.select_related("membership__user", "manager__membership__user")
        .prefetch_related("skills__skill", "availability").get(membership=member)
    )
    return render(request, "profiles/detail.html", {
        "member": member, "profile": profile,
        "languages": [language_name(code) for code in profile.languages],
        "is_self": member.pk == request.membership.pk,
    })


@org_view()
def profile_photo(request: AuthedRequest) -> HttpResponse:
    """Upload, replace or remove your own photo (shown instead of your initials)."""
    membership = request.membership
    profile = Profile.objects.get(membership=membership)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "remove" in request.POST:
        services.set_profile_photo(profile=profile, upload=None)
        messages.success(request, _("Photo removed; your initials show instead."))
        return redirect("profiles:photo_edit", org=membership.organization.slug)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_profile_photo(profile=profile, upload=form.cleaned_data["photo"])
        except DomainError as error:
            form.add_error("photo", error.message)
        else:
            messages.success(request, _("Photo saved."))
            return redirect("profiles:photo_edit", org=membership.organization.slug)
    membership.profile = profile
    return render(request, "profiles/photo.html", {"form": form, "profile": profile},
                  status=422 if form.errors else 200)


@require_GET
@org_view()
def member_photo(request: AuthedRequest, member_id: int) -> HttpResponse:
    """A colleague's photo, for members of the same organization only (404 otherwise or without one)."""
    member = access_member(request.membership, member_id)
    photo = member.profile.photo
    if not photo:
        raise Http404
    return stored_image_response(photo)


@org_view(role="admin")
def skills(request: AuthedRequest) -> HttpResponse:
    organization = request.membership.organization
    form = SkillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            skill = services.add_skill(
                organization=organization, name=form.cleaned_data["name"],
                category=form.cleaned_data["category"], added_by=request.user,
            )
        except DomainError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Added “%(name)s”.") % {"name": skill.name})
            return redirect("profiles:skills", org=organization.slug)
    own = Skill.objects.filter(organization=organization)
    builtin_count = Skill.objects.filter(organization__isnull=True).count()
    return render(request, "profiles/skills.html", {
        "form": form, "own_skills": own, "builtin_count": builtin_count,
        "categories": _skill_choices(organization),
    }, status=422 if form.errors else 200)
