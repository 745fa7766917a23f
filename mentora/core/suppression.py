"""Privacy thresholds for figures about groups of people: the one place the rule lives.

A figure about a group (a department, a site, a level, a consented diversity answer, the people who
answered a survey) is shown only when the group has at least `MIN_GROUP` people. Hiding the small
groups is not enough when the total is shown too: "Sales 14 people, 11 matched" and "11 matched
overall" tell the reader that the one person in Legal is unmatched. So hiding is *complementary*:
when the hidden groups together hold fewer than `MIN_GROUP` people (but some), the next smallest
shown groups are hidden with them until, together, they do. Whatever a reader works back from the
total and the shown groups then describes at least `MIN_GROUP` people, never one person.

Answers people give (check-in ratings, evaluations, NPS) are summarised only when at least
`MIN_GROUP` people answered (`enough_answers`), so no single person's answer can be read off.

>>> rows = suppress_groups([Group("Sales", 14, {"matched": 11}), Group("Legal", 1, {"matched": 0}),
...                         Group("Design", 6, {"matched": 6})])
>>> [(row.label, row.size, row.is_hidden) for row in rows]
[('Sales', 14, False), ('Legal', None, True), ('Design', None, True)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["MIN_GROUP", "Group", "GroupRow", "enough_answers", "suppress_groups"]

#: The smallest group a figure may describe (k in k-anonymity).
MIN_GROUP = 5


@dataclass(frozen=True)
class Group:
    """A group of people and counts about them (each count is of people in the group)."""

    label: str
    size: int
    counts: Mapping[str, int] = field(default_factory=dict)
    key: str = ""  # what the group's list link filters on (a department name, a level…)


@dataclass(frozen=True)
class GroupRow:
    """A group as a page may show it: its figures, or none of them when hidden."""

    label: str
    size: int | None
    counts: Mapping[str, int] | None
    key: str = ""

    @property
    def is_hidden(self) -> bool:
        return self.size is None

    def percent(self, name: str) -> int | None:
        """`counts[name]` as a whole percentage of the group (None when hidden or empty)."""
        if self.counts is None or not self.size:
            return None
        return round(100 * self.counts.get(name, 0) / self.size)


def suppress_groups(groups: Iterable[Group], *, k: int = MIN_GROUP) -> list[GroupRow]:
    """Return the groups in their order, hiding those smaller than `k` and enough others that the
    hidden ones together hold no people or at least `k` (so no total gives a small group away).

    Complements are the smallest shown groups (ties: the later one), the fewest that reach `k`.

    >>> [row.is_hidden for row in suppress_groups([Group("A", 9), Group("B", 3), Group("C", 7)])]
    [False, True, True]
    >>> [row.is_hidden for row in suppress_groups([Group("A", 9), Group("B", 3), Group("C", 2)])]
    [False, True, True]
    >>> [row.is_hidden for row in suppress_groups([Group("A", 9), Group("B", 0)])]
    [False, False]
    """
    groups = list(groups)
    hidden = {index for index, group in enumerate(groups) if 0 < group.size < k}
    hidden_people = sum(groups[index].size for index in hidden)
    shown = sorted((index for index in range(len(groups)) if index not in hidden and groups[index].size > 0),
                   key=lambda index: (groups[index].size, -index))
    while 0 < hidden_people < k and shown:
        index = shown.pop(0)
        hidden.add(index)
        hidden_people += groups[index].size
    return [
        GroupRow(group.label, None, None, group.key) if index in hidden
        else GroupRow(group.label, group.size, dict(group.counts), group.key)
        for index, group in enumerate(groups)
    ]


def enough_answers(answers: Sequence[object] | int, *, k: int = MIN_GROUP) -> bool:
    """Whether a summary of these answers (or this many) may be shown: at least `k` of them.

    >>> enough_answers([9, 10, 7, 8]), enough_answers(5)
    (False, True)
    """
    count = answers if isinstance(answers, int) else len(answers)
    return count >= k
