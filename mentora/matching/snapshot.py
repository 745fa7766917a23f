"""Turn a program's enrolments and profiles into a `mentora.match/1` engine instance.

The instance is plain JSON, stored on the MatchRun, so any run can be replayed outside the app:
`python -m mentora.matching.engine solve instance.json`. Ids are membership ids as strings.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q, Sum

from mentora.matching.models import MatchingSettings, MentorshipRequest
from mentora.mentorships.models import MentorshipMember
from mentora.profiles.models import (
    AvailabilitySlot,
    DiversityAnswer,
    DiversityPolicy,
    DiversityUse,
    Profile,
    ProfileSkill,
)
from mentora.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, Program

FORMAT = "mentora.match/1"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def slug(name: str) -> str:
    return "-".join(name.lower().split())


def _slots(slots: list[AvailabilitySlot]) -> list[str]:
    # The engine works in whole hours; partial hours round outwards (a 09:30–10:00 slot counts 09–10).
    return [f"{_DAYS[s.weekday]} {s.start_minute // 60:02d}-{min(24, (s.end_minute + 59) // 60):02d}" for s in slots]


def engine_profile(profile: Profile, *, generation: str | None = None) -> dict[str, Any]:
    """The engine's view of a profile; empty fields stay empty (neutral, never a penalty)."""
    skills = list(profile.skills.all())
    return {
        "skills_offered": {slug(s.skill.name): min(3, s.level) for s in skills if s.direction == ProfileSkill.Direction.OFFERED},
        "skills_wanted": {slug(s.skill.name): min(3, s.level) for s in skills if s.direction == ProfileSkill.Direction.WANTED},
        "tags": sorted({slug(t) for t in (profile.interests or [])}),
        "text": " ".join(part for part in (profile.goals, profile.headline) if part).strip(),
        "availability": _slots(list(profile.availability.all())),
        "time_zone": profile.timezone or "UTC",
        "channels": sorted(profile.communication_preferences or []),
        "languages": sorted(profile.languages or []),
        "learning_styles": [profile.learning_style] if profile.learning_style else [],
        "seniority": profile.level,
        "department": profile.department or None,
        "site": profile.location or None,
        "generation": generation,
    }


def _profiles(membership_ids: set[int]) -> dict[int, Profile]:
    profiles = (
        Profile.objects.filter(membership_id__in=membership_ids)
        .select_related("membership__user")
        .prefetch_related(Prefetch("skills", queryset=ProfileSkill.objects.select_related("skill")), "availability")
    )
    return {p.membership_id: p for p in profiles}


def _manager_map(profiles: dict[int, Profile]) -> dict[str, str]:
    """Person → manager (membership ids), for everyone in the program and their chain."""
    by_profile_id = {p.pk: p.membership_id for p in profiles.values()}
    manager_of: dict[str, str] = {}
    if not profiles:
        return {}
    organization_id = next(iter(profiles.values())).membership.organization_id
    in_org = Profile.objects.filter(membership__organization_id=organization_id)
    managers = dict(in_org.filter(manager__isnull=False).values_list("pk", "manager_id"))
    membership_of = dict(in_org.values_list("pk", "membership_id"))
    for profile_id in by_profile_id:
        current = profile_id
        seen = {current}
        while current in managers and managers[current] not in seen:
            manager = managers[current]
            manager_of[str(membership_of[current])] = str(membership_of[manager])
            seen.add(manager)
            current = manager
    return manager_of


def _generation_answers(program: Program) -> dict[int, str]:
    """Consented age-band answers, only if the organization allows their use in matching."""
    allowed = DiversityPolicy.objects.filter(
        organization=program.organization, attribute="age_band", use=DiversityUse.MATCHING
    ).exists()
    if not (program.organization.diversity_enabled and allowed):
        return {}
    return {
        membership_id: value
        for membership_id, value in DiversityAnswer.objects.filter(
            profile__membership__organization=program.organization, attribute="age_band"
        ).exclude(value="prefer_not_to_say").values_list("profile__membership_id", "value")
    }


def settings_for(program: Program) -> MatchingSettings:
    found, _created = MatchingSettings.objects.get_or_create(program=program)
    return found


def build_instance(program: Program, matching: MatchingSettings, *, only_mentee: int | None = None) -> dict[str, Any]:
    """Snapshot the whole cohort at once (early sign-ups get no advantage).

    `only_mentee` limits the mentees to one person (their suggestions), so a participant's page
    does not load the whole cohort. Coordinator edits (pins, removals) are applied later, on the
    stored snapshot (services.adjusted_instance).
    """
    approved_rows = Enrollment.objects.filter(program=program, status=EnrollmentStatus.APPROVED)
    if only_mentee is not None:
        approved_rows = approved_rows.exclude(Q(role=EnrollmentRole.MENTEE) & ~Q(membership_id=only_mentee))
    approved = list(approved_rows.select_related("membership"))
    open_members = set(
        MentorshipMember.objects.filter(program=program, is_open=True, left_at__isnull=True)
        .exclude(role__in=["mentor", "facilitator"]).values_list("membership_id", flat=True)
    )
    profiles = _profiles({e.membership_id for e in approved})
    generation = _generation_answers(program)
    history = _past_pairs(program)
    choices = _ranked_choices(program)
    manager_of = _manager_map(profiles) if matching.exclude_reporting_line else {}

    def person(membership_id: int) -> dict[str, Any]:
        return engine_profile(profiles[membership_id], generation=generation.get(membership_id))

    rules_modes = {"department": matching.department_mode, "site": matching.site_mode,
                   "generation": "diversity" if generation else "ignore"}
    rules: dict[str, Any] = {
        "require_shared_language": matching.require_shared_language,
        # Peers have no mentors: the training rule means nothing there.
        "require_mentor_training": matching.require_training and program.form != "peer",
        "max_time_zone_gap_hours": matching.max_time_zone_gap_hours,
        "manager_of": manager_of,
        "past_pairs": [list(p) for p in sorted(history)],
        "forbid_past_pairs": matching.avoid_past_pairs,
        "seniority_gap": [matching.seniority_gap_min, matching.seniority_gap_max],
        "reverse_mentoring": matching.reverse_mentoring,
        "department": matching.department_mode,
        "site": matching.site_mode,
        "generation": "diversity" if generation else "ignore",
        "sensitive_attributes": ["generation"],
        # "Must match": a pair with nothing in common on these factors is not allowed at all.
        # Peers have no ranked choices, and an ignored attribute cannot be required: those switches
        # mean nothing there (the settings form refuses the second; this guards older settings).
        "required_factors": sorted(
            f for f in (matching.must_match or [])
            if not (f == "choices" and program.form == "peer")
            and not (f in ("department", "site", "generation") and rules_modes.get(f) == "ignore")
        ),
    }
    instance: dict[str, Any] = {
        "format": FORMAT, "objective": matching.objective, "weights": matching.effective_weights(), "rules": rules,
    }
    if program.form == "peer":
        from mentora.matching.rounds import paused_members

        sitting_out = paused_members(program)
        peers = [e for e in approved if e.role == EnrollmentRole.PEER and e.membership_id not in open_members
                 and e.membership_id in profiles and e.membership_id not in sitting_out]
        instance |= {"form": "peer", "people": [
            {"id": str(e.membership_id), "profile": person(e.membership_id), "avoid": []}
            for e in sorted(peers, key=lambda e: e.membership_id)
        ]}
        return instance

    loads = _loads_elsewhere(program, [e.membership_id for e in approved if e.role == EnrollmentRole.MENTOR])
    mentors = []
    for e in sorted((e for e in approved if e.role == EnrollmentRole.MENTOR), key=lambda e: e.membership_id):
        if e.membership_id not in profiles:
            continue
        free = max(0, (e.capacity or 0) - e.assigned)
        entry: dict[str, Any] = {
            "id": str(e.membership_id), "capacity": free, "profile": person(e.membership_id),
            "load_elsewhere": loads.get(e.membership_id, 0),
            "trained": e.training_completed_at is not None,
        }
        if matching.mentor_load_cap is not None:
            entry["max_total"] = int(matching.mentor_load_cap) - e.assigned
        mentors.append(entry)
    mentees = [
        {"id": str(e.membership_id), "profile": person(e.membership_id),
         "choices": choices.get(e.membership_id, []), "avoid": []}
        for e in sorted((e for e in approved if e.role == EnrollmentRole.MENTEE), key=lambda e: e.membership_id)
        if e.membership_id not in open_members and e.membership_id in profiles
    ]
    instance |= {"form": "circles" if program.form == "circle" else "one_on_one", "mentors": mentors, "mentees": mentees}
    if program.form == "circle":
        instance["options"] = {"min_size": program.circle_size_min, "max_size": program.circle_size_max, "min_common_hours": 1}
    return instance


def _loads_elsewhere(program: Program, mentor_ids: list[int]) -> dict[int, int]:
    rows = (
        Enrollment.objects.filter(membership_id__in=mentor_ids, role=EnrollmentRole.MENTOR)
        .exclude(program=program).values("membership_id").annotate(total=Sum("assigned"))
    )
    return {row["membership_id"]: int(row["total"] or 0) for row in rows}


def _past_pairs(program: Program) -> set[tuple[str, str]]:
    """(mentee, mentor) or (peer, peer) pairs that were matched in this program before."""
    pairs: set[tuple[str, str]] = set()
    members = MentorshipMember.objects.filter(program=program).values_list("mentorship_id", "membership_id", "role")
    by_mentorship: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for mentorship_id, membership_id, role in members:
        by_mentorship[mentorship_id].append((membership_id, role))
    for seats in by_mentorship.values():
        mentors = [m for m, role in seats if role in ("mentor", "facilitator")]
        others = [m for m, role in seats if role not in ("mentor", "facilitator")]
        for mentee in others:
            for mentor in mentors:
                pairs.add((str(mentee), str(mentor)))
        if not mentors and len(others) == 2:
            a, b = sorted(others)
            pairs.add((str(a), str(b)))
            pairs.add((str(b), str(a)))
    return pairs


def _ranked_choices(program: Program) -> dict[int, list[str]]:
    """Hybrid programs: each mentee's ranked mentor choices (from their ranked requests)."""
    ranked: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rank: int | None
    for mentee_id, mentor_id, rank in MentorshipRequest.objects.filter(program=program, rank__isnull=False).exclude(
        status__in=["withdrawn", "declined", "expired"]
    ).values_list("mentee_id", "mentor_id", "rank"):
        ranked[mentee_id].append((rank or 0, str(mentor_id)))
    return {mentee: [mentor for _rank, mentor in sorted(items)] for mentee, items in ranked.items()}
