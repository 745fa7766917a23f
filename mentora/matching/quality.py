"""What-if figures for a run: match rate, score spread, load, unmatched reasons, group spreads.

Groups smaller than PRIVACY_THRESHOLD are hidden, with complements, so nobody can be singled out.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from mentora.core.suppression import MIN_GROUP, Group, suppress_groups

PRIVACY_THRESHOLD = MIN_GROUP


def _describe(scores: list[float]) -> dict[str, float | None]:
    if not scores:
        return {"mean": None, "median": None, "min": None, "max": None}
    return {"mean": round(statistics.fmean(scores), 4), "median": round(statistics.median(scores), 4),
            "min": round(min(scores), 4), "max": round(max(scores), 4)}


def group_order(group: str) -> tuple[int, int, str]:
    """Sort key for group names: numbers (job levels) numerically, then words, then "—" (unknown).

    >>> sorted(["10", "2", "Sales", "—", "4"], key=group_order)
    ['2', '4', '10', 'Sales', '—']
    """
    if group.isdigit():
        return (0, int(group), "")
    return (2, 0, "") if group == "—" else (1, 0, group.casefold())


def group_spread(scores_by_person: dict[str, float], attribute_of: Mapping[str, str | None], everyone: list[str], *,
                 k: int = PRIVACY_THRESHOLD) -> list[dict[str, Any]]:
    """Per group: people, matched, mean score. Groups under the threshold are hidden together with
    enough others (complementary suppression, `mentora.core.suppression`) that the hidden people
    number none or at least the threshold: the run's total minus the shown groups never describes
    one person ("Sales 14, 11 matched; 11 matched overall" gave away the one person in Legal)."""
    members: dict[str, list[str]] = defaultdict(list)
    for person in everyone:
        members[attribute_of.get(person) or "—"].append(person)
    ordered = sorted(members.items(), key=lambda item: group_order(item[0]))
    shown = suppress_groups([Group(group, len(people)) for group, people in ordered], k=k)
    rows, hidden = [], 0
    for (group, people), row in zip(ordered, shown, strict=True):
        if row.is_hidden:
            hidden += len(people)
            continue
        matched = [scores_by_person[p] for p in people if p in scores_by_person]
        rows.append({"group": group, "people": len(people), "matched": len(matched),
                     "match_rate": round(len(matched) / len(people), 4), "mean_score": _describe(matched)["mean"]})
    if hidden:
        rows.append({"group": None, "people": hidden, "hidden": True})
    return rows


def unmatched_reasons(instance: dict[str, Any], unmatched: list[str],
                      engine_reasons: Mapping[str, str] | None = None) -> dict[str, str]:
    """A plain reason per unmatched mentee, from the snapshot (first that applies).

    Circles: the engine says why each person is left out (every circle they may join is full, no
    circle they may join reached its minimum size, or no facilitator allowed); places are the
    reason only in the first case, the rules' reasons are looked for only in the last.
    """
    engine_reasons = engine_reasons or {}
    everyone = instance.get("mentors", [])
    # Mentors the rules leave out (untrained, where training is required) are not available.
    trained_only = bool(instance.get("rules", {}).get("require_mentor_training"))
    mentors = [m for m in everyone if m.get("trained", True) or not trained_only]
    untrained_seats = sum(max(0, m.get("capacity", 0)) for m in everyone) - sum(
        max(0, m.get("capacity", 0)) for m in mentors)
    offered = set()
    for mentor in mentors:
        if mentor.get("capacity", 0) > 0:
            offered |= set(mentor["profile"].get("skills_offered", {}))
    free_seats = sum(max(0, m.get("capacity", 0)) for m in mentors)
    mentees = {m["id"]: m for m in instance.get("mentees", instance.get("people", []))}
    demand = len(mentees)
    reasons: dict[str, str] = {}
    circles = instance.get("form") == "circles"
    required = set(instance.get("rules", {}).get("required_factors", []))
    for person in unmatched:
        profile = mentees.get(person, {}).get("profile", {})
        wanted = set(profile.get("skills_wanted", {}))
        engine_reason = engine_reasons.get(person)
        short_of_places = not circles and (free_seats == 0 or demand > free_seats)
        if instance.get("form") == "peer":
            reasons[person] = "odd_one_out"
        elif circles and engine_reason in ("circles_full", "circle_too_small"):
            reasons[person] = engine_reason
        elif untrained_seats > 0 and (short_of_places or (circles and not any(m.get("capacity", 0) > 0 for m in mentors))):
            reasons[person] = "training_required"
        elif short_of_places:
            reasons[person] = "capacity_exhausted"
        elif wanted and not wanted & offered and (not circles or "skills" in required):
            reasons[person] = "no_one_with_the_skill"
        elif profile.get("languages") and not any(
            set(profile["languages"]) & set(m["profile"].get("languages", [])) or not m["profile"].get("languages")
            for m in mentors if m.get("capacity", 0) > 0
        ):
            reasons[person] = "no_shared_language"
        else:
            reasons[person] = "constraints"
    return reasons


REASON_LABELS = {
    "capacity_exhausted": "Not enough mentor places for everyone",
    "training_required": "Not enough places with mentors who have completed the training",
    "no_one_with_the_skill": "No available mentor offers the skills they want",
    "no_shared_language": "No available mentor shares a language",
    "odd_one_out": "Odd number of people, or no compatible partner left",
    "circles_full": "Every circle they could join is full: add a facilitator or places",
    "circle_too_small": "Too few people could join the same circle to reach its minimum size",
    "constraints": "Hard rules (reporting line, time zones, past pairs, avoid lists) left no mentor",
}


def attribute_spreads(
    scores_by_person: dict[str, float], everyone: list[str], answers: dict[str, dict[str, str]], labels: dict[str, dict[str, str]],
    *, k: int = PRIVACY_THRESHOLD,
) -> list[dict[str, Any]]:
    """Spread by each consented attribute the organization allows in reports; people who did not
    answer (or preferred not to say) form their own group, so declining never singles anyone out."""
    spreads = []
    for attribute, label_of in labels.items():
        given = answers.get(attribute, {})
        groups = {person: label_of.get(given.get(person, ""), "Not stated") for person in everyone}
        spreads.append({"attribute": label_of.get("__label__", attribute),
                        "groups": group_spread(scores_by_person, groups, everyone, k=k)})
    return spreads


def run_quality(instance: dict[str, Any], pairs: list[tuple[str, str, float]], unmatched: list[str], *,
                k: int = PRIVACY_THRESHOLD) -> dict[str, Any]:
    """Figures for the preview. `pairs` are (mentee or member, mentor or partner, score); `k` is the
    organization's smallest group."""
    people = instance.get("mentees") or instance.get("people") or []
    everyone = [p["id"] for p in people]
    scores = [score for _a, _b, score in pairs]
    score_of = {a: score for a, _b, score in pairs}
    if instance.get("form") == "peer":
        score_of |= {b: score for _a, b, score in pairs}
    load = Counter(b for _a, b, _s in pairs) if instance.get("form") != "peer" else Counter()
    capacity = {m["id"]: m.get("capacity", 0) for m in instance.get("mentors", [])}
    profile_of = {p["id"]: p.get("profile", {}) for p in people}
    matched_count = len({a for a, _b, _s in pairs} | ({b for _a, b, _s in pairs} if instance.get("form") == "peer" else set()))
    return {
        "people": len(everyone),
        "matched": matched_count,
        "match_rate": round(matched_count / len(everyone), 4) if everyone else 0.0,
        "total_score": round(sum(scores), 4),
        "scores": _describe(scores),
        "unmatched": len(unmatched),
        "mentor_load": sorted(
            ({"mentor": mentor, "matched": load.get(mentor, 0), "free": capacity.get(mentor, 0)} for mentor in capacity),
            key=lambda row: (-row["matched"], row["mentor"]),
        ),
        "by_department": group_spread(score_of, {p: profile_of[p].get("department") for p in everyone}, everyone, k=k),
        "by_site": group_spread(score_of, {p: profile_of[p].get("site") for p in everyone}, everyone, k=k),
        "by_level": group_spread(score_of, {p: str(profile_of[p].get("seniority") or "—") for p in everyone}, everyone, k=k),
    }
