"""The run preview's group spreads cannot be worked back (issue 14, item 4): a group under five is
hidden with enough others that the hidden people are none or at least five, so "total minus the
shown groups" never describes one person."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mentora.matching.quality import PRIVACY_THRESHOLD, group_spread


def test_one_person_in_legal_is_not_given_away_by_the_total() -> None:
    everyone = [f"s{i}" for i in range(14)] + ["legal"] + [f"d{i}" for i in range(6)]
    department = {p: "Sales" for p in everyone if p.startswith("s")} | {"legal": "Legal"} | {
        p: "Design" for p in everyone if p.startswith("d")}
    scores = {p: 0.5 for p in everyone[:11]} | {p: 0.5 for p in everyone if p.startswith("d")}
    rows = group_spread(scores, department, everyone)
    assert [r.get("group") for r in rows] == ["Sales", None]  # Design hidden with Legal
    assert rows[-1] == {"group": None, "people": 7, "hidden": True}


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=8))
def test_every_shown_group_has_five_and_the_hidden_ones_together_none_or_five(groups: list[tuple[int, int]]) -> None:
    everyone, department, scores = [], {}, {}
    for index, (size, matched) in enumerate(groups):
        for person in range(size):
            name = f"g{index}p{person}"
            everyone.append(name)
            department[name] = f"Group {index}"
            if person < min(matched, size):
                scores[name] = 0.4
    rows = group_spread(scores, department, everyone)
    shown = [r for r in rows if not r.get("hidden")]
    hidden = sum(r["people"] for r in rows if r.get("hidden"))
    assert all(r["people"] >= PRIVACY_THRESHOLD for r in shown)
    # (A cohort of fewer than five in all is hidden whole: the run's own totals are about it anyway.)
    assert hidden == 0 or hidden >= PRIVACY_THRESHOLD or hidden == len(everyone)
    assert sum(r["people"] for r in shown) + hidden == len(everyone)
