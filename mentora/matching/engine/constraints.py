"""Hard constraints that are sparse in the pair space, and the sparse ``choices`` factor.

Dense constraints (shared language, time-zone gap) are matrix masks built in
:mod:`~mentora.matching.engine.features`; per-person ones (training, capacity) remove the person
from the run. What is left here — self-matches, reporting lines, avoid lists, past pairs — is a
short list of forbidden index pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .people import Mentee, Mentor, Rules
from .sparse import SparsePairs

__all__ = ["choice_pairs", "forbidden_pairs", "reporting_line"]


def reporting_line(person_id: str, manager_of: Mapping[str, str]) -> list[str]:
    """Return the person's managers, nearest first (a cycle in the map stops the walk).

    Examples
    --------
    >>> reporting_line("ann", {"ann": "bob", "bob": "cat", "cat": "ann"})
    ['bob', 'cat']
    """
    chain: list[str] = []
    seen = {person_id}
    current = manager_of.get(person_id)
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = manager_of.get(current)
    return chain


def forbidden_pairs(left_ids: Sequence[str], right_ids: Sequence[str],
                    left_avoid: Sequence[frozenset[str]], right_avoid: Sequence[frozenset[str]],
                    rules: Rules) -> SparsePairs:
    """Return the (left, right) index pairs no match may use.

    Forbidden: the same person on both sides, anyone in the other's reporting line (either way),
    anyone on either side's avoid list, and past pairs when ``rules.forbid_past_pairs``.

    Examples
    --------
    >>> rules = Rules(manager_of={"e1": "m2"})
    >>> pairs = forbidden_pairs(["e1", "m1"], ["m1", "m2"], [frozenset(), frozenset()],
    ...                         [frozenset(), frozenset()], rules)
    >>> list(zip(pairs.rows.tolist(), pairs.cols.tolist()))
    [(0, 1), (1, 0)]
    """
    left_index = {person: row for row, person in enumerate(left_ids)}
    right_index = {person: col for col, person in enumerate(right_ids)}
    pairs: set[tuple[int, int]] = set()
    for col, person in enumerate(right_ids):
        if person in left_index:
            pairs.add((left_index[person], col))
    for row, person in enumerate(left_ids):
        for manager in reporting_line(person, rules.manager_of):
            if manager in right_index:
                pairs.add((row, right_index[manager]))
        pairs.update((row, right_index[other]) for other in left_avoid[row] if other in right_index)
    for col, person in enumerate(right_ids):
        for manager in reporting_line(person, rules.manager_of):
            if manager in left_index:
                pairs.add((left_index[manager], col))
        pairs.update((left_index[other], col) for other in right_avoid[col] if other in left_index)
    if rules.forbid_past_pairs:
        for first, second in rules.past_pairs:
            if first in left_index and second in right_index:
                pairs.add((left_index[first], right_index[second]))
            if second in left_index and first in right_index:
                pairs.add((left_index[second], right_index[first]))
    ordered = sorted(pairs)
    rows = np.array([row for row, _ in ordered], dtype=np.int64)
    cols = np.array([col for _, col in ordered], dtype=np.int64)
    return SparsePairs(rows, cols, np.ones(len(ordered)), n_rows=len(left_ids))


def choice_pairs(mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> SparsePairs:
    """Return the ``choices`` factor: ``(L - rank) / L`` for a mentee's ``L`` ranked choices.

    Examples
    --------
    >>> pairs = choice_pairs([Mentee("e1", choices=("m2", "m1"))], [Mentor("m1"), Mentor("m2")])
    >>> pairs.cols.tolist(), pairs.values.tolist()
    ([0, 1], [0.5, 1.0])
    """
    mentor_index = {mentor.id: col for col, mentor in enumerate(mentors)}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for row, mentee in enumerate(mentees):
        known = [choice for choice in dict.fromkeys(mentee.choices) if choice in mentor_index]
        for rank, choice in enumerate(known):
            rows.append(row)
            cols.append(mentor_index[choice])
            values.append((len(known) - rank) / len(known))
    return SparsePairs(np.array(rows, np.int64), np.array(cols, np.int64), np.array(values),
                       n_rows=len(mentees))
