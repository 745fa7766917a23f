"""The privacy threshold: no figure a page shows, or a reader can work back from it, describes
fewer than five people."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mentora.core.suppression import MIN_GROUP, Group, enough_answers, suppress_groups

sizes = st.lists(st.integers(min_value=0, max_value=40), max_size=12)


@given(sizes)
def test_every_shown_group_and_the_hidden_rest_hold_zero_or_at_least_five_people(group_sizes: list[int]) -> None:
    groups = [Group(f"g{i}", size, {"matched": size // 2}) for i, size in enumerate(group_sizes)]
    rows = suppress_groups(groups)
    assert [row.label for row in rows] == [group.label for group in groups]
    shown = [row for row in rows if not row.is_hidden]
    assert all(row.size == 0 or (row.size or 0) >= MIN_GROUP for row in shown)
    # What a reader derives from the total minus the shown groups covers no one or at least five
    # (when every group is hidden, it is the total itself: no breakdown is shown at all).
    rest = sum(group_sizes) - sum(row.size or 0 for row in shown)
    assert rest == 0 or rest >= MIN_GROUP or not any(row.size for row in shown)


@given(sizes)
def test_groups_of_five_or_more_are_hidden_only_when_needed_to_cover_a_small_one(group_sizes: list[int]) -> None:
    rows = suppress_groups([Group(f"g{i}", size) for i, size in enumerate(group_sizes)])
    small = sum(size for size in group_sizes if 0 < size < MIN_GROUP)
    if small == 0 or small >= MIN_GROUP:
        assert all(row.is_hidden == (0 < size < MIN_GROUP) for row, size in zip(rows, group_sizes, strict=True))
    else:
        complements = [size for row, size in zip(rows, group_sizes, strict=True) if row.is_hidden and size >= MIN_GROUP]
        assert len(complements) <= 1  # one group of five or more always covers the small ones


def test_the_one_person_in_legal_cannot_be_worked_back_from_the_total() -> None:
    """The trust issue's case: Sales 14 (11 matched), Legal 1, 11 matched overall."""
    rows = suppress_groups([Group("Sales", 14, {"matched": 11}), Group("Legal", 1, {"matched": 0}),
                            Group("Marketing", 8, {"matched": 8})])
    by_label = {row.label: row for row in rows}
    assert by_label["Legal"].is_hidden and by_label["Legal"].counts is None
    assert by_label["Marketing"].is_hidden  # the smallest shown group covers Legal
    assert by_label["Sales"].counts == {"matched": 11} and by_label["Sales"].percent("matched") == 79


def test_answers_are_summarised_from_five_people_on() -> None:
    assert not enough_answers([10, 9, 9, 8])
    assert enough_answers([10, 9, 9, 8, 2])
    assert not enough_answers(0)
