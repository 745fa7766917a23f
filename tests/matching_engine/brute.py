"""Independent reference solvers for the property tests (slow, obviously correct)."""

from __future__ import annotations

from collections import deque

import numpy as np
from scipy.optimize import linear_sum_assignment

BIG = 1000.0


def best_assignment(scores: dict[tuple[int, int], float], n_left: int, capacities: list[int],
                    floor: float = -1.0) -> tuple[int, float]:
    """Return (max matches, max total among them) using pairs scoring >= floor."""
    slots = [col for col, capacity in enumerate(capacities) for _ in range(capacity)]
    if not slots or not n_left:
        return 0, 0.0
    weight = np.zeros((n_left, len(slots)))
    for (row, col), score in scores.items():
        if score >= floor:
            for slot, slot_col in enumerate(slots):
                if slot_col == col:
                    weight[row, slot] = BIG + score
    rows, cols = linear_sum_assignment(weight, maximize=True)
    used = weight[rows, cols] > 0
    return int(used.sum()), float((weight[rows, cols][used] - BIG).sum())


def best_bottleneck(scores: dict[tuple[int, int], float], n_left: int, capacities: list[int],
                    ) -> float | None:
    """Return the largest minimum score over maximum matchings (None with no match)."""
    count, _ = best_assignment(scores, n_left, capacities)
    if count == 0:
        return None
    for floor in sorted(set(scores.values()), reverse=True):
        if best_assignment(scores, n_left, capacities, floor)[0] == count:
            return floor
    return None


def gale_shapley(mentee_lists: dict[str, list[str]], mentor_lists: dict[str, list[str]],
                 capacities: dict[str, int]) -> dict[str, str]:
    """Textbook mentee-proposing deferred acceptance, one proposal at a time."""
    rank = {m: {e: r for r, e in enumerate(lst)} for m, lst in mentor_lists.items()}
    next_index = dict.fromkeys(mentee_lists, 0)
    held: dict[str, list[str]] = {m: [] for m in capacities}
    free = deque(sorted(mentee_lists))
    while free:
        mentee = free.popleft()
        choices = mentee_lists[mentee]
        if next_index[mentee] >= len(choices):
            continue
        mentor = choices[next_index[mentee]]
        next_index[mentee] += 1
        if mentee not in rank.get(mentor, {}):
            free.append(mentee)
            continue
        held[mentor].append(mentee)
        held[mentor].sort(key=lambda e: rank[mentor][e])
        if len(held[mentor]) > capacities[mentor]:
            free.append(held[mentor].pop())
    return {e: m for m, es in held.items() for e in es}


def blocking_pairs(match: dict[str, str], mentee_lists: dict[str, list[str]],
                   mentor_lists: dict[str, list[str]], capacities: dict[str, int],
                   ) -> list[tuple[str, str]]:
    """Return every (mentee, mentor) pair that would both rather be together."""
    found = []
    for mentee, choices in mentee_lists.items():
        for mentor in choices:
            if match.get(mentee) == mentor:
                break  # every later choice is worse than the current mentor
            ranking = mentor_lists.get(mentor, [])
            if mentee not in ranking:
                continue
            current = [e for e, m in match.items() if m == mentor]
            if len(current) < capacities[mentor] or any(
                    ranking.index(mentee) < ranking.index(e) for e in current):
                found.append((mentee, mentor))
    return found
