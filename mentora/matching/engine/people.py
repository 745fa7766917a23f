"""The people, weights and rules the engine matches on: typed, immutable dataclasses.

A :class:`Profile` is shared by mentors, mentees and peers; :class:`Mentor`, :class:`Mentee` and
:class:`Peer` add what is specific to a role. :class:`Weights` sets how much each factor counts
and :class:`Rules` holds the hard constraints and program preferences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Literal

from .errors import InvalidInstance

__all__ = [
    "FACTORS",
    "AttributeMode",
    "Mentee",
    "Mentor",
    "Peer",
    "Profile",
    "Rules",
    "WeeklySlot",
    "Weights",
]

#: The scoring factors, in the order explanations list them when shares tie.
FACTORS: tuple[str, ...] = (
    "skills",
    "goals",
    "text",
    "availability",
    "communication",
    "languages",
    "learning",
    "seniority",
    "department",
    "site",
    "generation",
    "choices",
)

#: How a program uses an organisational attribute: same value preferred, different preferred,
#: or not at all.
AttributeMode = Literal["affinity", "diversity", "ignore"]


@dataclass(frozen=True, slots=True)
class WeeklySlot:
    """A weekly recurring free period in the person's local time.

    ``day`` is 0 for Monday … 6 for Sunday; hours are whole hours, ``end_hour`` exclusive and at
    most 24.

    Examples
    --------
    >>> WeeklySlot(day=0, start_hour=9, end_hour=11).hours
    2
    """

    day: int
    start_hour: int
    end_hour: int

    @property
    def hours(self) -> int:
        """Return the length of the slot in hours."""
        return max(0, self.end_hour - self.start_hour)


@dataclass(frozen=True, slots=True)
class Profile:
    """What a person offers, wants and how they like to work.

    Skill maps go from a skill slug to a level 1 (basic) … 3 (expert). Empty fields mean "did not
    say" and never lower a person's chances: the factor is neutral for them.

    Examples
    --------
    >>> Profile(skills_wanted={"public-speaking": 2}, languages=frozenset({"en"})).time_zone
    'UTC'
    """

    skills_offered: Mapping[str, int] = field(default_factory=dict)
    skills_wanted: Mapping[str, int] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()
    text: str = ""
    availability: tuple[WeeklySlot, ...] = ()
    time_zone: str = "UTC"
    channels: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    learning_styles: frozenset[str] = frozenset()
    seniority: int | None = None
    department: str | None = None
    site: str | None = None
    generation: str | None = None


@dataclass(frozen=True, slots=True)
class Mentor:
    """A mentor (or circle facilitator) with a capacity in this program.

    ``capacity`` is the number of mentees in this program; ``max_total`` caps the load across all
    programs, of which ``load_elsewhere`` is already taken. ``avoid`` lists mentee ids the mentor
    opted out of.

    Examples
    --------
    >>> Mentor("m1", capacity=3, max_total=4, load_elsewhere=2).effective_capacity
    2
    """

    id: str
    capacity: int = 1
    profile: Profile = field(default_factory=Profile)
    max_total: int | None = None
    load_elsewhere: int = 0
    trained: bool = True
    avoid: frozenset[str] = frozenset()

    @property
    def effective_capacity(self) -> int:
        """Return how many mentees this program may still give the mentor."""
        if self.max_total is None:
            return max(0, self.capacity)
        return max(0, min(self.capacity, self.max_total - self.load_elsewhere))


@dataclass(frozen=True, slots=True)
class Mentee:
    """A mentee with ranked mentor choices (best first) and an avoid list of mentor ids.

    Examples
    --------
    >>> Mentee("e1", choices=("m2", "m1")).choices[0]
    'm2'
    """

    id: str
    profile: Profile = field(default_factory=Profile)
    choices: tuple[str, ...] = ()
    avoid: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Peer:
    """A member of a peer-matching pool; ``avoid`` lists peer ids never to pair with.

    Examples
    --------
    >>> Peer("p1").avoid
    frozenset()
    """

    id: str
    profile: Profile = field(default_factory=Profile)
    avoid: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each factor counts; the score is the weighted mean of the factors in [0, 1].

    A factor with weight 0 is not computed at all.

    Examples
    --------
    >>> Weights().active()[:3]
    (('skills', 3.0), ('goals', 2.0), ('text', 1.0))
    >>> Weights(text=0).active()[2]
    ('availability', 2.0)
    """

    skills: float = 3.0
    goals: float = 2.0
    text: float = 1.0
    availability: float = 2.0
    communication: float = 0.5
    languages: float = 0.5
    learning: float = 0.5
    seniority: float = 1.0
    department: float = 0.5
    site: float = 0.0
    generation: float = 0.0
    choices: float = 2.0

    def active(self) -> tuple[tuple[str, float], ...]:
        """Return ``(factor, weight)`` for every factor with a positive weight."""
        named = {f.name: float(getattr(self, f.name)) for f in fields(self)}
        return tuple((name, named[name]) for name in FACTORS if named[name] > 0)


@dataclass(frozen=True, slots=True)
class Rules:
    """Hard constraints and program preferences.

    Attributes
    ----------
    require_shared_language, require_mentor_training
        Hard constraints; a person who gave no language is compatible with everyone.
    max_time_zone_gap_hours
        Largest allowed UTC-offset difference, or ``None``.
    manager_of
        Person id → their manager's id; nobody is matched with someone in their reporting line.
    past_pairs, forbid_past_pairs
        ``(mentee, mentor)`` (or peer) pairs matched before, and whether to forbid them.
    seniority_gap
        Preferred ``mentor - mentee`` seniority range; ``reverse_mentoring`` inverts it.
    department, site, generation
        Affinity, diversity or ignore.
    sensitive_attributes
        Factors never named in explanations (they may still count in the score).
    availability_target_hours
        Weekly overlap at which the availability factor is full.
    candidates_per_person
        ``k`` of the candidate graph (each mentee's and each mentor's top ``k``).
    required_factors
        "Must match" factors (names from :data:`FACTORS`): a pair whose value of one of them is
        0 is not allowed — a mask, like the other hard constraints, whatever the factor's
        weight. Someone who gave no answer gets the neutral value and is never excluded.

    Examples
    --------
    >>> Rules().seniority_gap
    (1, 4)
    >>> Rules(required_factors=frozenset({"skils"}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mentora.matching.engine.errors.InvalidInstance: unknown required factor 'skils' (known: ...)
    """

    require_shared_language: bool = True
    require_mentor_training: bool = False
    max_time_zone_gap_hours: float | None = None
    manager_of: Mapping[str, str] = field(default_factory=dict)
    past_pairs: frozenset[tuple[str, str]] = frozenset()
    forbid_past_pairs: bool = False
    seniority_gap: tuple[int, int] = (1, 4)
    reverse_mentoring: bool = False
    department: AttributeMode = "diversity"
    site: AttributeMode = "ignore"
    generation: AttributeMode = "ignore"
    sensitive_attributes: frozenset[str] = frozenset({"generation"})
    availability_target_hours: float = 2.0
    candidates_per_person: int = 10
    required_factors: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = sorted(set(self.required_factors) - set(FACTORS))
        if unknown:
            raise InvalidInstance(f"unknown required factor {unknown[0]!r} "
                                  f"(known: {', '.join(FACTORS)})")
        for name in ("department", "site", "generation"):
            if name in self.required_factors and getattr(self, name) == "ignore":
                raise InvalidInstance(f"required factor {name!r} needs rules.{name} set to "
                                      "'affinity' or 'diversity', not 'ignore'")
