"""The SMART check: one verdict and one piece of guidance per letter. Pure functions, no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["GUIDANCE", "LetterCheck", "check_smart"]

GUIDANCE: dict[str, str] = {
    "S": "Name one concrete outcome, not an area: “give a 10-minute talk at the team meeting” "
         "rather than “get better at speaking”.",
    "M": "Say how you will know: a number, a count, a deliverable, something someone else could check.",
    "A": "Say what makes it realistic: the time you can give it, the support you have, what you already know.",
    "R": "Say why it matters now — to your role, your next step, or the program's purpose.",
    "T": "Pick a date before the mentorship ends, and not in the past.",
}
VAGUE = re.compile(r"^\s*(get better|be better|improve|learn more|work on|grow|develop)\b", re.IGNORECASE)
MEASURABLE = re.compile(
    r"\d|%|\b(times|at least|every|per|complete[ds]?|finish(ed)?|pass(ed)?|deliver(ed)?|publish(ed)?|present(ed)?|"
    r"ship(ped)?|lead|led|score|certif\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LetterCheck:
    letter: str
    name: str
    ok: bool
    guidance: str


def _words(text: str) -> int:
    return len(text.split())


def check_smart(
    *, title: str, description: str, measure: str, achievable: str, relevance: str, target_on: date | None,
    today: date, ends_on: date | None,
) -> list[LetterCheck]:
    """Check a goal letter by letter; each result carries the guidance to show next to it.

    >>> [c.ok for c in check_smart(title="Give a talk", description="Give a 10 minute talk on our data "
    ...     "platform at the monthly all-hands", measure="Talk given, 3 questions answered",
    ...     achievable="I have two months and my mentor's review", relevance="Leads need to present their work",
    ...     target_on=date(2030, 1, 1), today=date(2029, 1, 1), ends_on=None)]
    [True, True, True, True, True]
    >>> [c.letter for c in check_smart(title="Improve", description="", measure="", achievable="", relevance="",
    ...     target_on=None, today=date(2029, 1, 1), ends_on=None) if not c.ok]
    ['S', 'M', 'A', 'R', 'T']
    """
    specific = _words(description) >= 8 and not (VAGUE.match(title) and _words(title) <= 3)
    measurable = bool(measure.strip()) and bool(MEASURABLE.search(measure))
    time_bound = target_on is not None and target_on > today and (ends_on is None or target_on <= ends_on)
    return [
        LetterCheck("S", "Specific", specific, GUIDANCE["S"]),
        LetterCheck("M", "Measurable", measurable, GUIDANCE["M"]),
        LetterCheck("A", "Achievable", _words(achievable) >= 5, GUIDANCE["A"]),
        LetterCheck("R", "Relevant", _words(relevance) >= 5, GUIDANCE["R"]),
        LetterCheck("T", "Time-bound", time_bound, GUIDANCE["T"]),
    ]
