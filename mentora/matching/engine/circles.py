"""Circles: groups of mentees around a facilitator, aligned on a topic, free at a common time.

1. Give each facilitator a weekly meeting hour: the one of their free hours when most mentees
   are free too.
2. Assign mentees to facilitators by min-cost flow on the candidate graph. In order of priority:
   place as many mentees as the circles' places allow (a circle holds at most ``max_size`` and
   at most the facilitator's places), fill every open circle up to the minimum size (a bonus per
   seat below it), prefer mentees free at the circle's meeting hour (a bonus worth a whole score
   point), then the member–facilitator score. Circles left below the minimum are closed (the
   smallest first) and the flow solved again.
3. Improve by deterministic local search over member swaps: reach whole-group weekly overlap
   where it can be had, keep members free at the meeting hour, raise within-group diversity
   (distinct departments, sites, generations), and keep alignment.

Shared free time is a strong preference, not a gate: with sparse weekly availability spread over
many time zones no hour suits a whole circle, and refusing everyone who is not free at the
facilitator's hour formed no circles at all (issue 13). Each circle reports how many members are
free at its meeting hour, so the coordinator sees who needs another time.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from .assignment import SCORE_SCALE, score_units
from .availability import week_slots
from .collector import collector_paused
from .features import weekly_slot_matrix
from .one_on_one import TextVectors, prepare_mentor_pairs
from .pairs import CandidateSet, ColumnTopK, IntArray, top_k_of_block
from .people import Mentee, Mentor, Profile, Rules, Weights
from .results import Circle, CirclesResult

__all__ = ["form_circles"]

DIVERSITY_WEIGHT = 0.05
OVERLAP_PENALTY = 1.0
#: A member free at the circle's meeting hour is worth this much score (a whole point: it
#: outweighs any difference in fit between two members).
MEETING_BONUS = 1.0

#: Why a mentee is left out of every circle (``CirclesResult.unmatched_reasons``).
NO_FACILITATOR = "no_facilitator_allowed"
CIRCLES_FULL = "circles_full"
CIRCLE_TOO_SMALL = "circle_too_small"


def _flow_groups(candidates: CandidateSet, open_facilitators: npt.NDArray[np.bool_],
                 n_mentees: int, min_size: int, seats: IntArray) -> IntArray:
    """Assign each mentee to at most one open facilitator (``-1``: none), ``seats`` at most each."""
    n_facilitators = len(open_facilitators)
    source, sink = n_mentees + n_facilitators, n_mentees + n_facilitators + 1
    keep = open_facilitators[candidates.cols]
    rows, cols = candidates.rows[keep], candidates.cols[keep]
    opened = np.flatnonzero(open_facilitators)
    # Filling a seat below the minimum outweighs any gain in preference over the whole cohort
    # (each mentee's preference is below 1 + MEETING_BONUS).
    seat_bonus = int(SCORE_SCALE * (1 + MEETING_BONUS)) * (n_mentees + 1)
    tails = np.concatenate([np.full(n_mentees, source), rows, opened + n_mentees,
                            opened + n_mentees])
    heads = np.concatenate([np.arange(n_mentees), cols + n_mentees, np.full(2 * len(opened),
                                                                           sink)])
    capacity = np.concatenate([np.ones(n_mentees + len(rows), np.int64),
                               np.full(len(opened), min_size), seats[opened] - min_size])
    cost = np.concatenate([np.zeros(n_mentees, np.int64), -score_units(candidates.scores[keep]),
                           np.full(len(opened), -seat_bonus), np.zeros(len(opened), np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                              capacity, cost)
    flow.set_node_supply(source, n_mentees)
    flow.set_node_supply(sink, -n_mentees)
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        raise RuntimeError("circle assignment flow failed")
    used = np.flatnonzero(flow.flows(np.arange(n_mentees, n_mentees + len(rows))) > 0)
    group = np.full(n_mentees, -1, dtype=np.int64)
    group[rows[used]] = cols[used]
    return group


class _Search:
    """State of the local search: members per circle, their common slots and attributes."""

    def __init__(self, scores: npt.NDArray[np.float32], group: IntArray,
                 mentee_slots: list[int], facilitator_slots: list[int],
                 attributes: list[tuple[str | None, ...]], min_size: int, max_size: int,
                 min_common_hours: int, can_meet: npt.NDArray[np.bool_]) -> None:
        self.scores = scores
        # Per facilitator: the mentees free at its meeting hour.
        self.free_at_meeting = [set(np.flatnonzero(column).tolist()) for column in can_meet.T]
        self.group = group
        self.mentee_slots = mentee_slots
        self.facilitator_slots = facilitator_slots
        self.attributes = attributes
        self.min_size, self.max_size = min_size, max_size
        self.min_common_hours = min_common_hours
        self.members: dict[int, list[int]] = {}
        for mentee, circle in enumerate(group.tolist()):
            if circle >= 0:
                self.members.setdefault(circle, []).append(mentee)

    def common_hours(self, circle: int, members: Sequence[int]) -> int:
        slots = self.facilitator_slots[circle]
        for member in members:
            slots &= self.mentee_slots[member]
        return slots.bit_count()

    def distinct(self, members: Sequence[int]) -> int:
        width = len(self.attributes[0]) if self.attributes else 0
        return sum(len({self.attributes[m][a] for m in members} - {None}) for a in range(width))

    def value(self, circle: int, members: Sequence[int]) -> float:
        if any(not np.isfinite(self.scores[m, circle]) for m in members):
            return -np.inf
        alignment = float(sum(self.scores[m, circle] for m in members))
        overlap_ok = self.common_hours(circle, members) >= self.min_common_hours
        free = self.free_at_meeting[circle]
        return (alignment + MEETING_BONUS * sum(m in free for m in members)
                + DIVERSITY_WEIGHT * self.distinct(members)
                - (0.0 if overlap_ok else OVERLAP_PENALTY))

    def improve(self, rounds: int, seed: int = 0) -> int:
        """Try swaps between random circles; return how many were accepted."""
        circles = sorted(self.members)
        rng = random.Random(seed)
        accepted = 0
        for _ in range(rounds):
            if len(circles) < 2:
                break
            first, second = rng.sample(circles, 2)
            a_members, b_members = self.members[first], self.members[second]
            before = self.value(first, a_members) + self.value(second, b_members)
            best_gain, best_move = 1e-9, None
            for i, a in enumerate(a_members):
                for j, b in enumerate(b_members):
                    new_a = [*a_members[:i], b, *a_members[i + 1:]]
                    new_b = [*b_members[:j], a, *b_members[j + 1:]]
                    gain = self.value(first, new_a) + self.value(second, new_b) - before
                    if gain > best_gain:
                        best_gain, best_move = gain, (new_a, new_b)
            if best_move is not None:
                self.members[first], self.members[second] = best_move
                accepted += 1
        return accepted


def _candidates(scores: npt.NDArray[np.float32], k: int) -> CandidateSet:
    """Each mentee's and each facilitator's top ``k`` allowed pairs of a dense score matrix."""
    n_rows, n_cols = scores.shape
    column_best = ColumnTopK(k, n_cols)
    rows, cols, values = top_k_of_block(scores, k, 0, column_best)
    best_rows, best_cols, best_values, _ = column_best.result()
    rows = np.concatenate([rows, best_rows])
    cols = np.concatenate([cols, best_cols])
    all_values = np.concatenate([values, best_values]).astype(np.float64)
    keys, first = np.unique(rows * np.int64(max(n_cols, 1)) + cols, return_index=True)
    unbounded = np.full(n_rows, -np.inf)
    scores_kept = all_values[first]
    return CandidateSet(keys // max(n_cols, 1), keys % max(n_cols, 1), scores_kept, unbounded,
                        np.full(n_cols, -np.inf))


def _topic(members: Sequence[Profile], facilitator: Profile) -> str | None:
    counts = Counter(tag for profile in members for tag in profile.tags)
    shared = [(count, tag) for tag, count in counts.items() if tag in facilitator.tags]
    pool = shared or [(count, tag) for tag, count in counts.items()]
    return min(pool, key=lambda item: (-item[0], item[1]))[1] if pool else None


@collector_paused()
def form_circles(mentees: Sequence[Mentee], facilitators: Sequence[Mentor], *,
                 min_size: int = 5, max_size: int = 7, weights: Weights | None = None,
                 rules: Rules | None = None, min_common_hours: int = 1,
                 search_rounds: int | None = None, k: int = 30,
                 text_vectors: TextVectors | None = None) -> CirclesResult:
    """Form circles of ``min_size``–``max_size`` mentees, one per facilitator at most.

    A facilitator's ``capacity`` caps their circle's size too; one below ``min_size`` opens no
    circle. ``min_common_hours=0`` ignores availability.

    Examples
    --------
    >>> from mentora.matching.engine.people import Profile
    >>> mentees = [Mentee(f"e{i}", Profile(tags=frozenset({"ai" if i < 3 else "ops"})))
    ...            for i in range(6)]
    >>> leads = [Mentor("f1", capacity=4, profile=Profile(tags=frozenset({"ai"}))),
    ...          Mentor("f2", capacity=4, profile=Profile(tags=frozenset({"ops"})))]
    >>> result = form_circles(mentees, leads, min_size=2, max_size=4, min_common_hours=0,
    ...                       weights=Weights(goals=1, text=0, availability=0))
    >>> [(c.facilitator, c.members, c.topic) for c in result.circles]
    [('f1', ('e0', 'e1', 'e2'), 'ai'), ('f2', ('e3', 'e4', 'e5'), 'ops')]
    """
    started = time.perf_counter()
    weights = weights or Weights()
    rules = rules or Rules()
    if not 1 <= min_size <= max_size:
        raise ValueError("circle sizes must satisfy 1 <= min_size <= max_size")
    prepared = prepare_mentor_pairs(mentees, facilitators, weights=weights, rules=rules,
                                    text_vectors=text_vectors)
    n_mentees, n_facilitators = len(prepared.mentees), len(prepared.mentors)
    mentee_profiles = [m.profile for m in prepared.mentees]
    facilitator_profiles = [f.profile for f in prepared.mentors]
    scores = np.vstack([prepared.scorer.block(slice(start, start + 4096))
                        for start in range(0, n_mentees, 4096)]) if n_mentees else np.zeros(
        (0, n_facilitators), np.float32)
    # A circle holds at most max_size members and at most the facilitator's places.
    seats = np.minimum(prepared.capacities, max_size).astype(np.int64)
    can_meet: npt.NDArray[np.bool_] = np.ones((n_mentees, n_facilitators), dtype=np.bool_)
    meeting_hour = np.full(n_facilitators, -1, dtype=np.int64)
    mentee_free: npt.NDArray[np.bool_] = np.zeros((n_mentees, 168), dtype=np.bool_)
    facilitator_free: npt.NDArray[np.bool_] = np.zeros((n_facilitators, 168), dtype=np.bool_)
    if min_common_hours > 0 and n_mentees and n_facilitators:
        mentee_free = weekly_slot_matrix(mentee_profiles) > 0
        facilitator_free = weekly_slot_matrix(facilitator_profiles) > 0
        popularity = mentee_free.sum(axis=0)
        # Most popular free hour of each facilitator (earliest on ties); none if never free.
        hour = np.argmax(np.where(facilitator_free, popularity[None, :] + 1, 0), axis=1)
        has_hour: npt.NDArray[np.bool_] = np.asarray(facilitator_free.any(axis=1))
        meeting_hour = np.where(has_hour, hour, -1)
        can_meet = np.logical_or(mentee_free[:, hour], ~has_hour[None, :])
    preference = np.where(can_meet, scores + np.float32(MEETING_BONUS), scores)
    candidates = _candidates(preference, k)
    open_facilitators = seats >= min_size
    while True:
        group = _flow_groups(candidates, open_facilitators, n_mentees, min_size, seats)
        sizes = np.bincount(group[group >= 0], minlength=n_facilitators)
        small = (sizes > 0) & (sizes < min_size)
        open_facilitators &= ~(sizes == 0)
        if not small.any():
            break
        # Close only the smallest circles: their members may complete the others.
        open_facilitators &= ~(small & (sizes == sizes[small].min()))

    def bits(profile: Profile) -> int:
        return int.from_bytes(np.packbits(week_slots(profile.availability,
                                                     profile.time_zone)).tobytes(), "big")

    attribute_names = [name for name in ("department", "site", "generation")
                       if getattr(rules, name) == "diversity"] or ["department"]
    search = _Search(scores, group, [bits(p) for p in mentee_profiles],
                     [bits(p) for p in facilitator_profiles],
                     [tuple(getattr(p, name) for name in attribute_names)
                      for p in mentee_profiles], min_size, max_size, min_common_hours, can_meet)
    accepted = search.improve(search_rounds if search_rounds is not None
                              else 4 * len(search.members))
    circles = []
    for circle, members in sorted(search.members.items()):
        members_sorted = sorted(members)
        common = search.common_hours(circle, members_sorted)
        alignment = float(np.mean([scores[m, circle] for m in members_sorted]))
        diversity = search.distinct(members_sorted) / (len(attribute_names) * len(members_sorted))
        hour_of_week, free_then = int(meeting_hour[circle]), len(members_sorted)
        if hour_of_week >= 0:
            # Now that the members are known, the facilitator's free hour that suits most of them.
            free_count = np.where(facilitator_free[circle],
                                  mentee_free[members_sorted].sum(axis=0), -1)
            hour_of_week = int(np.argmax(free_count))
            free_then = int(free_count[hour_of_week])
        circles.append(Circle(
            prepared.mentors[circle].id, tuple(prepared.mentees[m].id for m in members_sorted),
            _topic([mentee_profiles[m] for m in members_sorted], facilitator_profiles[circle]),
            float(common), alignment, diversity,
            meeting_hour=hour_of_week if hour_of_week >= 0 else None, free_at_meeting=free_then))
    placed = {m for members in search.members.values() for m in members}
    left_out = [m for m in range(n_mentees) if m not in placed]
    unmatched = tuple(prepared.mentees[m].id for m in left_out)
    reasons = _reasons(left_out, scores, set(search.members), prepared.mentees)
    stats = {"swaps": float(accepted), "circles": float(len(circles)),
             "with_common_time": float(sum(c.common_hours >= min_common_hours for c in circles)),
             "free_at_meeting": float(sum(c.free_at_meeting for c in circles))}
    return CirclesResult(tuple(circles), unmatched, time.perf_counter() - started,
                         "min-cost-flow+local-search", stats, reasons)


def _reasons(left_out: Sequence[int], scores: npt.NDArray[np.float32], opened: set[int],
             mentees: Sequence[Mentee]) -> dict[str, str]:
    """Why each left-out mentee is in no circle, from the pairs the rules allow and the result.

    Every open circle a left-out mentee may join is full (the flow places everyone it can), so
    the reason is either no allowed facilitator, full circles, or circles that never opened.
    """
    reasons: dict[str, str] = {}
    for mentee in left_out:
        allowed = set(np.flatnonzero(np.isfinite(scores[mentee])).tolist())
        reasons[mentees[mentee].id] = (NO_FACILITATOR if not allowed
                                       else CIRCLES_FULL if allowed & opened
                                       else CIRCLE_TOO_SMALL)
    return reasons
