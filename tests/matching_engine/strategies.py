"""Hypothesis strategies for small random populations with profiles."""

from __future__ import annotations

from hypothesis import strategies as st

from mentora.matching.engine import Mentee, Mentor, Peer, Profile, Rules, WeeklySlot

SKILLS = ("sql", "python", "speaking", "design")
TAGS = ("career", "ai", "leadership", "ops")
ZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo")


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    skills = draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 3), max_size=2))
    wanted = draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 3), max_size=2))
    slots = draw(st.lists(st.builds(lambda d, s, n: WeeklySlot(d, s, s + n), st.integers(0, 4),
                                    st.integers(8, 16), st.integers(1, 3)), max_size=2))
    return Profile(
        skills_offered=skills, skills_wanted=wanted,
        tags=frozenset(draw(st.sets(st.sampled_from(TAGS), max_size=2))),
        availability=tuple(slots), time_zone=draw(st.sampled_from(ZONES)),
        languages=frozenset(draw(st.sets(st.sampled_from(("en", "fr")), max_size=2))),
        channels=frozenset(draw(st.sets(st.sampled_from(("video", "chat")), max_size=2))),
        seniority=draw(st.none() | st.integers(0, 8)),
        department=draw(st.none() | st.sampled_from(("eng", "sales"))),
    )


@st.composite
def populations(draw: st.DrawFn, max_mentees: int = 6, max_mentors: int = 4,
                ) -> tuple[list[Mentee], list[Mentor], Rules]:
    n_mentees = draw(st.integers(0, max_mentees))
    n_mentors = draw(st.integers(0, max_mentors))
    mentor_ids = [f"m{j}" for j in range(n_mentors)]
    mentee_ids = [f"e{i}" for i in range(n_mentees)]
    everyone = mentee_ids + mentor_ids
    mentors = [Mentor(person, capacity=draw(st.integers(0, 3)), profile=draw(profiles()),
                      max_total=draw(st.none() | st.integers(0, 3)),
                      load_elsewhere=draw(st.integers(0, 2)), trained=draw(st.booleans()),
                      avoid=frozenset(draw(st.sets(st.sampled_from(mentee_ids), max_size=1)
                                           if mentee_ids else st.just(set()))))
               for person in mentor_ids]
    mentees = [Mentee(person, draw(profiles()),
                      choices=tuple(draw(st.lists(st.sampled_from(mentor_ids), max_size=2,
                                                  unique=True) if mentor_ids else st.just([]))),
                      avoid=frozenset(draw(st.sets(st.sampled_from(mentor_ids), max_size=1)
                                           if mentor_ids else st.just(set()))))
               for person in mentee_ids]
    managers = draw(st.dictionaries(st.sampled_from(everyone), st.sampled_from(everyone),
                                    max_size=3) if everyone else st.just({}))
    rules = Rules(
        require_shared_language=draw(st.booleans()),
        require_mentor_training=draw(st.booleans()),
        max_time_zone_gap_hours=draw(st.none() | st.sampled_from((0.0, 6.0))),
        manager_of=managers,
        candidates_per_person=draw(st.integers(1, 3)),
    )
    return mentees, mentors, rules


@st.composite
def peer_pools(draw: st.DrawFn, max_size: int = 9) -> list[Peer]:
    size = draw(st.integers(0, max_size))
    ids = [f"p{i}" for i in range(size)]
    return [Peer(person, draw(profiles()),
                 avoid=frozenset(draw(st.sets(st.sampled_from(ids), max_size=1))))
            for person in ids]
