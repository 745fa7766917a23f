"""Synthetic, realistic-looking populations for benchmarks, demos and tests (seeded).

Skills and tags follow a skewed popularity (a few common, a long tail of rare ones); people are
spread over eight time zones with working-hours availability; text vectors stand in for cached
sentence embeddings (a unit vector near the person's interests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .people import Mentee, Mentor, Peer, Profile, WeeklySlot

__all__ = ["Population", "synthetic_population"]

_ZONES = ("America/Los_Angeles", "America/New_York", "America/Sao_Paulo", "Europe/London",
          "Europe/Paris", "Africa/Nairobi", "Asia/Kolkata", "Asia/Tokyo")
_CHANNELS = ("video", "phone", "chat", "async", "in_person")
_LANGUAGES = ("en", "fr", "es", "de", "pt", "ja")
_STYLES = ("hands_on", "discussion", "reading")


@dataclass(frozen=True)
class Population:
    """Mentees, mentors (also usable as facilitators), peers and their cached text vectors."""

    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    peers: tuple[Peer, ...]
    text_vectors: dict[str, npt.NDArray[np.float32]]


def synthetic_population(n_mentees: int, n_mentors: int, *, capacity: int = 5,
                         n_peers: int = 0, seed: int = 0, n_skills: int = 80, n_tags: int = 30,
                         text_dimensions: int = 32) -> Population:
    """Return a seeded population; the same arguments always give the same people.

    Examples
    --------
    >>> population = synthetic_population(4, 2, seed=1)
    >>> len(population.mentees), population.mentors[0].capacity
    (4, 5)
    """
    rng = np.random.default_rng(seed)
    skill_popularity = 1.0 / np.arange(1, n_skills + 1) ** 0.8
    skill_popularity /= skill_popularity.sum()
    tag_popularity = 1.0 / np.arange(1, n_tags + 1) ** 0.6
    tag_popularity /= tag_popularity.sum()
    tag_vectors = rng.normal(size=(n_tags, text_dimensions)).astype(np.float32)
    vectors: dict[str, npt.NDArray[np.float32]] = {}

    def profile(person_id: str, mentor: bool) -> Profile:
        skills = rng.choice(n_skills, size=int(rng.integers(2, 6) if mentor
                                               else rng.integers(1, 4)),
                            replace=False, p=skill_popularity)
        levels = {f"skill-{s}": int(rng.integers(2, 4) if mentor else rng.integers(1, 4))
                  for s in skills.tolist()}
        tags = rng.choice(n_tags, size=int(rng.integers(1, 4)), replace=False, p=tag_popularity)
        vector = tag_vectors[tags].sum(axis=0) + rng.normal(scale=0.8, size=text_dimensions)
        vectors[person_id] = (vector / np.linalg.norm(vector)).astype(np.float32)
        slots = tuple(WeeklySlot(int(day), int(start), int(start) + int(length))
                      for day, start, length in zip(rng.integers(0, 5, 3),
                                                    rng.integers(8, 17, 3),
                                                    rng.integers(1, 4, 3), strict=True))
        languages = {"en"} if rng.random() < 0.85 else set()
        languages.add(str(rng.choice(_LANGUAGES)))
        return Profile(
            skills_offered=levels if mentor else {},
            skills_wanted={} if mentor else levels,
            tags=frozenset(f"tag-{t}" for t in tags.tolist()),
            availability=slots,
            time_zone=str(rng.choice(_ZONES)),
            channels=frozenset(rng.choice(_CHANNELS, size=int(rng.integers(1, 4)),
                                          replace=False).tolist()),
            languages=frozenset(languages),
            learning_styles=frozenset({str(rng.choice(_STYLES))}),
            seniority=int(rng.integers(3, 10) if mentor else rng.integers(0, 6)),
            department=f"dept-{int(rng.integers(0, 12))}",
            site=f"site-{int(rng.integers(0, 6))}",
            generation=str(rng.choice(["boomer", "x", "millennial", "z"])),
        )

    mentors = tuple(Mentor(f"m{j:06d}", capacity=capacity, profile=profile(f"m{j:06d}", True))
                    for j in range(n_mentors))
    mentees = []
    for i in range(n_mentees):
        person_id = f"e{i:06d}"
        choices: tuple[str, ...] = ()
        if n_mentors and rng.random() < 0.3:
            picks = rng.choice(n_mentors, size=min(3, n_mentors), replace=False)
            choices = tuple(f"m{j:06d}" for j in picks.tolist())
        mentees.append(Mentee(person_id, profile(person_id, False), choices))
    peers = []
    for p in range(n_peers):
        person_id = f"p{p:06d}"
        base = profile(person_id, bool(p % 2))
        wanted = base.skills_wanted or base.skills_offered
        peers.append(Peer(person_id, Profile(
            skills_offered=base.skills_offered or wanted, skills_wanted=wanted, tags=base.tags,
            availability=base.availability, time_zone=base.time_zone, channels=base.channels,
            languages=base.languages, learning_styles=base.learning_styles,
            seniority=base.seniority, department=base.department, site=base.site,
            generation=base.generation)))
    return Population(tuple(mentees), mentors, tuple(peers), vectors)
