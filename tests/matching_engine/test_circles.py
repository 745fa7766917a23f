"""Circle formation: sizes within range, one circle per person, figures reported."""

from __future__ import annotations

from mentora.matching.engine import Mentee, Mentor, Profile, Rules, Weights, form_circles
from mentora.matching.engine.availability import weekly
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


# --- Sparse availability (issue 13: the demo's circles program formed no circle) ---------------

ZONES = ("Europe/Paris", "America/Toronto", "Asia/Kolkata", "Asia/Singapore", "Europe/London",
         "America/Sao_Paulo")


def _sparse_cohort(n_mentees: int, n_facilitators: int, places: int) -> tuple[list[Mentee], list[Mentor]]:
    """Everyone free a few hours a week at different local times in six zones, so no hour suits
    a whole circle (as in the demo)."""
    days = ("Mon", "Tue", "Wed", "Thu", "Fri")
    mentees = [Mentee(f"e{i:02d}", Profile(tags=frozenset({"ai"}), time_zone=ZONES[i % 6],
                                           availability=weekly(f"{days[i % 5]} {8 + i % 9:02d}-{9 + i % 9:02d}")))
               for i in range(n_mentees)]
    facilitators = [Mentor(f"f{j}", capacity=places, profile=Profile(
        tags=frozenset({"ai"}), time_zone=ZONES[j % 6], availability=weekly(f"{days[j % 5]} 10-11")))
        for j in range(n_facilitators)]
    return mentees, facilitators


def test_circles_form_when_no_hour_suits_a_whole_circle() -> None:
    """Shared time is a preference, not a gate: 3 facilitators × 4 places place 12 of 13 mentees
    even though at most a couple of mentees are free at any facilitator's hour."""
    mentees, facilitators = _sparse_cohort(13, 3, places=4)
    result = form_circles(mentees, facilitators, min_size=3, max_size=5,
                          weights=Weights(goals=1, text=0, availability=1))
    assert len(result.circles) == 3
    assert sorted(len(c.members) for c in result.circles) == [4, 4, 4]  # places cap the size
    assert len(result.unmatched) == 1
    assert result.unmatched_reasons == {result.unmatched[0]: "circles_full"}
    for circle in result.circles:
        assert circle.meeting_hour is not None and 0 <= circle.free_at_meeting <= len(circle.members)


def test_members_free_at_the_meeting_hour_are_preferred() -> None:
    """When some mentees are free at the facilitator's hour, they get the seats."""
    free = [Mentee(f"free{i}", Profile(availability=weekly("Mon 10-11"))) for i in range(3)]
    busy = [Mentee(f"busy{i}", Profile(availability=weekly("Fri 16-17"))) for i in range(3)]
    lead = Mentor("lead", capacity=3, profile=Profile(availability=weekly("Mon 10-11")))
    result = form_circles(busy + free, [lead], min_size=2, max_size=3, weights=Weights(text=0))
    assert result.circles[0].members == ("free0", "free1", "free2")
    assert result.circles[0].free_at_meeting == 3 and result.circles[0].common_hours == 1.0
    assert set(result.unmatched_reasons.values()) == {"circles_full"}


def test_each_left_out_mentee_gets_the_true_reason() -> None:
    """No facilitator allowed (no shared language), a circle that cannot open (its facilitator has
    fewer places than the minimum), and full circles are told apart."""
    rules = Rules(require_shared_language=True)
    english = Profile(languages=frozenset({"en"}))
    mentees = ([Mentee(f"en{i}", english) for i in range(4)]
               + [Mentee("pt", Profile(languages=frozenset({"pt"}))),
                  Mentee("de", Profile(languages=frozenset({"de"})))])
    facilitators = [Mentor("big", capacity=3, profile=english),
                    Mentor("tiny", capacity=1, profile=Profile(languages=frozenset({"de"})))]
    result = form_circles(mentees, facilitators, min_size=2, max_size=4, rules=rules,
                          min_common_hours=0, weights=Weights(text=0))
    assert [len(c.members) for c in result.circles] == [3]
    reasons = result.unmatched_reasons
    assert reasons["pt"] == "no_facilitator_allowed"
    assert reasons["de"] == "circle_too_small"
    assert [reasons[m] for m in result.unmatched if m.startswith("en")] == ["circles_full"]
