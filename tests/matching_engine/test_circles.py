"""Circle formation: sizes within range, one circle per person, figures reported."""

from __future__ import annotations

from mentora.matching.engine import form_circles
from mentora.matching.engine.synthetic import synthetic_population


def test_circles_respect_sizes_and_place_each_mentee_once() -> None:
    """Every circle has 5–7 members, nobody is in two circles, everyone placed if possible."""
    population = synthetic_population(60, 12, seed=3)
    result = form_circles(population.mentees, population.mentors, min_size=5, max_size=7,
                          text_vectors=population.text_vectors)
    members = [m for circle in result.circles for m in circle.members]
    assert len(members) == len(set(members))
    assert all(5 <= len(circle.members) <= 7 for circle in result.circles)
    assert len({circle.facilitator for circle in result.circles}) == len(result.circles)
    assert len(members) + len(result.unmatched) == 60
    assert 0.0 <= result.mean_diversity <= 1.0
    assert 0.0 < result.mean_alignment <= 1.0


def test_circles_are_deterministic() -> None:
    """The same population gives the same circles."""
    population = synthetic_population(30, 6, seed=5)
    first = form_circles(population.mentees, population.mentors, min_size=3, max_size=6,
                         text_vectors=population.text_vectors)
    second = form_circles(tuple(reversed(population.mentees)), population.mentors, min_size=3,
                          max_size=6, text_vectors=population.text_vectors)
    assert first.circles == second.circles
