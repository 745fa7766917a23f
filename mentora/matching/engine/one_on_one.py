"""One-to-one mentoring: profiles (or explicit scores) in, a proven-optimal assignment out.

:func:`match_one_on_one` scores mentees against mentors from their profiles, solves the
capacitated assignment exactly (see :mod:`~mentora.matching.engine.assignment`) and explains
every match. :func:`match_scores` does the same from an explicit list of allowed pairs.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from .assignment import Objective, solve_assignment
from .collector import collector_paused
from .constraints import choice_pairs, forbidden_pairs
from .embeddings import EmbeddingCache, TextEmbedder, default_embedder
from .errors import InvalidInstance
from .explain import explain_pairs
from .features import encode_profiles, project_text_vectors
from .pairs import ExplicitPairs
from .people import Mentee, Mentor, Profile, Rules, Weights
from .results import Match, MatchResult
from .scoring import ProfileScorer

__all__ = ["MentorPairs", "check_unique_ids", "match_one_on_one", "match_scores",
           "prepare_mentor_pairs", "score_pairs", "text_vectors_for"]

TextVectors = Mapping[str, npt.NDArray[np.float32]]


def check_unique_ids(kind: str, ids: Iterable[str]) -> None:
    """Raise :class:`InvalidInstance` naming the first duplicate or empty id.

    Examples
    --------
    >>> check_unique_ids("mentor", ["m1", "m1"])
    Traceback (most recent call last):
    ...
    mentora.matching.engine.errors.InvalidInstance: duplicate mentor id 'm1'
    """
    seen: set[str] = set()
    for person_id in ids:
        if not isinstance(person_id, str) or not person_id:
            raise InvalidInstance(f"{kind} id must be a non-empty string, got {person_id!r}")
        if person_id in seen:
            raise InvalidInstance(f"duplicate {kind} id {person_id!r}")
        seen.add(person_id)


def text_vectors_for(ids: Sequence[str], profiles: Sequence[Profile],
                     text_vectors: TextVectors | None, embedder: TextEmbedder | None,
                     ) -> npt.NDArray[np.float32]:
    """Return each person's cached text vector, embedding the texts of those without one."""
    given = text_vectors or {}
    missing = [index for index, person in enumerate(ids) if person not in given]
    computed: npt.NDArray[np.float32] | None = None
    if missing:
        cache = EmbeddingCache(embedder or default_embedder())
        computed = cache.vectors([profiles[index].text for index in missing])
    width = (computed.shape[1] if computed is not None
             else len(next(iter(given.values()))) if given else 1)
    vectors = np.zeros((len(ids), width), dtype=np.float32)
    for index, person in enumerate(ids):
        if person in given:
            vectors[index] = np.asarray(given[person], dtype=np.float32)
    if computed is not None:
        vectors[missing] = computed
    return vectors


@dataclass(frozen=True)
class MentorPairs:
    """Mentees and eligible mentors in id order, with the scorer of their allowed pairs."""

    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    scorer: ProfileScorer
    capacities: npt.NDArray[np.int64]


def prepare_mentor_pairs(mentees: Sequence[Mentee], mentors: Sequence[Mentor], *,
                         weights: Weights, rules: Rules, text_vectors: TextVectors | None = None,
                         embedder: TextEmbedder | None = None,
                         text_dimensions: int = 32) -> MentorPairs:
    """Validate, sort by id, drop ineligible mentors and build the pair scorer.

    The scorer's blocks are ``-inf`` for every pair a hard constraint forbids, including a
    required factor (``rules.required_factors``) whose value is 0.

    Examples
    --------
    >>> sql = Mentor("ana", profile=Profile(skills_offered={"sql": 3}))
    >>> go = Mentor("bo", profile=Profile(skills_offered={"go": 3}))
    >>> prepared = prepare_mentor_pairs([Mentee("cy", Profile(skills_wanted={"sql": 1}))],
    ...                                 [sql, go], weights=Weights(text=0),
    ...                                 rules=Rules(required_factors=frozenset({"skills"})))
    >>> [round(float(score), 3) for score in prepared.scorer.block(slice(0, 1))[0]]
    [0.479, -inf]
    """
    check_unique_ids("mentee", (m.id for m in mentees))
    check_unique_ids("mentor", (m.id for m in mentors))
    for mentor in mentors:
        if mentor.capacity < 0 or (mentor.max_total is not None and mentor.max_total < 0):
            raise InvalidInstance(f"mentor {mentor.id!r} has a negative capacity")
    ordered_mentees = tuple(sorted(mentees, key=lambda m: m.id))
    eligible = tuple(sorted((m for m in mentors if m.effective_capacity > 0
                             and (m.trained or not rules.require_mentor_training)),
                            key=lambda m: m.id))
    left = [m.profile for m in ordered_mentees]
    right = [m.profile for m in eligible]
    left_text = right_text = None
    if weights.text > 0 or "text" in rules.required_factors:
        both = text_vectors_for([m.id for m in ordered_mentees] + [m.id for m in eligible],
                                left + right, text_vectors, embedder)
        both = project_text_vectors(both, text_dimensions)
        left_text, right_text = both[:len(left)], both[len(left):]
    encoding = encode_profiles(left, right, weights, rules, left_text=left_text,
                               right_text=right_text)
    forbidden = forbidden_pairs([m.id for m in ordered_mentees], [m.id for m in eligible],
                                [m.avoid for m in ordered_mentees], [m.avoid for m in eligible],
                                rules)
    share = weights.choices / encoding.total_weight if weights.choices > 0 else 0.0
    scorer = ProfileScorer(encoding, n_left=len(left), n_right=len(right), forbidden=forbidden,
                           bonus=choice_pairs(ordered_mentees, eligible), bonus_share=share,
                           require_bonus="choices" in rules.required_factors)
    capacities = np.array([m.effective_capacity for m in eligible], dtype=np.int64)
    return MentorPairs(ordered_mentees, eligible, scorer, capacities)


@collector_paused()
def match_one_on_one(mentees: Sequence[Mentee], mentors: Sequence[Mentor], *,
                     weights: Weights | None = None, rules: Rules | None = None,
                     objective: Objective = "max_total", text_vectors: TextVectors | None = None,
                     embedder: TextEmbedder | None = None, explain: bool = True,
                     ) -> MatchResult:
    """Match each mentee to at most one mentor within capacities, provably optimally.

    Examples
    --------
    >>> from mentora.matching.engine.people import Profile
    >>> python = Profile(skills_offered={"python": 3}, languages=frozenset({"en"}))
    >>> sql = Profile(skills_offered={"sql": 3}, languages=frozenset({"en"}))
    >>> mentors = [Mentor("ana", profile=python), Mentor("bo", profile=sql)]
    >>> mentees = [Mentee("cy", Profile(skills_wanted={"sql": 2})),
    ...            Mentee("di", Profile(skills_wanted={"python": 1}))]
    >>> result = match_one_on_one(mentees, mentors, weights=Weights(text=0))
    >>> [(m.mentee, m.mentor) for m in result.matches], result.optimality_gap
    ([('cy', 'bo'), ('di', 'ana')], 0.0)
    >>> result.matches[0].explanation[0].factor, result.matches[0].explanation[0].detail
    ('skills', ('sql',))
    """
    started = time.perf_counter()
    weights = weights or Weights()
    rules = rules or Rules()
    prepared = prepare_mentor_pairs(mentees, mentors, weights=weights, rules=rules,
                                    text_vectors=text_vectors, embedder=embedder)
    scored = time.perf_counter()
    assignment = solve_assignment(prepared.scorer, prepared.capacities, objective=objective,
                                  k=rules.candidates_per_person)
    solved = time.perf_counter()
    explanations = explain_pairs(
        prepared.scorer, assignment.rows, assignment.cols,
        [m.profile for m in prepared.mentees], [m.profile for m in prepared.mentors], rules,
    ) if explain else [()] * len(assignment.rows)
    matches = tuple(
        Match(prepared.mentees[row].id, prepared.mentors[col].id, float(score), explanation)
        for row, col, score, explanation in zip(assignment.rows.tolist(),
                                                assignment.cols.tolist(),
                                                assignment.scores.tolist(), explanations,
                                                strict=True))
    matched = {match.mentee for match in matches}
    stats = dict(assignment.stats, prepare_seconds=scored - started,
                 solve_seconds=solved - scored)
    return MatchResult(matches, tuple(m.id for m in prepared.mentees if m.id not in matched),
                       assignment.gap, time.perf_counter() - started,
                       f"min-cost-flow/{objective}", stats)


@collector_paused()
def score_pairs(mentees: Sequence[Mentee], mentors: Sequence[Mentor],
                pairs: Sequence[tuple[str, str]], *, weights: Weights | None = None,
                rules: Rules | None = None, text_vectors: TextVectors | None = None,
                embedder: TextEmbedder | None = None) -> list[Match]:
    """Score and explain chosen ``(mentee, mentor)`` pairs exactly as a run would.

    For pairs a coordinator sets by hand (a swap): the score and explanation come from the same
    scorer as the solver's, over the same cohort. A pair the hard rules forbid scores ``-inf``
    with no explanation. Capacities are ignored (the pair is already chosen).

    Examples
    --------
    >>> mentors = [Mentor("ana", profile=Profile(skills_offered={"sql": 3})),
    ...            Mentor("bo", capacity=0, profile=Profile(skills_offered={"go": 3}))]
    >>> mentees = [Mentee("cy", Profile(skills_wanted={"sql": 1, "go": 1}))]
    >>> [(m.mentor, round(m.score, 3), m.explanation[0].detail) for m in score_pairs(
    ...     mentees, mentors, [("cy", "bo")], weights=Weights(text=0))]
    [('bo', 0.354, ('go',))]
    """
    weights = weights or Weights()
    rules = rules or Rules()
    open_mentors = [replace(m, capacity=max(1, m.capacity), max_total=None) for m in mentors]
    prepared = prepare_mentor_pairs(mentees, open_mentors, weights=weights, rules=rules,
                                    text_vectors=text_vectors, embedder=embedder)
    row_of = {m.id: index for index, m in enumerate(prepared.mentees)}
    col_of = {m.id: index for index, m in enumerate(prepared.mentors)}
    known = [(mentee, mentor) for mentee, mentor in pairs if mentee in row_of and mentor in col_of]
    rows = np.array([row_of[mentee] for mentee, _ in known], dtype=np.int64)
    cols = np.array([col_of[mentor] for _, mentor in known], dtype=np.int64)
    scores = prepared.scorer.pair_scores(rows, cols) if known else np.zeros(0)
    allowed = np.isfinite(scores)
    explanations = iter(explain_pairs(
        prepared.scorer, rows[allowed], cols[allowed], [m.profile for m in prepared.mentees],
        [m.profile for m in prepared.mentors], rules))
    found = {pair: Match(pair[0], pair[1], float(score), next(explanations) if ok else ())
             for pair, score, ok in zip(known, scores.tolist(), allowed.tolist(), strict=True)}
    # Pairs with someone the rules leave out entirely (e.g. an untrained mentor) are forbidden.
    return [found.get(pair, Match(pair[0], pair[1], float("-inf"))) for pair in pairs]


def match_scores(mentee_ids: Sequence[str], mentor_capacities: Mapping[str, int],
                 scores: Iterable[tuple[str, str, float]], *,
                 objective: Objective = "max_total") -> MatchResult:
    """Match from explicit ``(mentee, mentor, score)`` allowed pairs (no pair listed: not allowed).

    Examples
    --------
    >>> result = match_scores(["e1", "e2"], {"m1": 1},
    ...                       [("e1", "m1", 0.8), ("e2", "m1", 0.3)])
    >>> [(m.mentee, m.mentor, m.score) for m in result.matches], result.unmatched
    ([('e1', 'm1', 0.8)], ('e2',))
    """
    started = time.perf_counter()
    check_unique_ids("mentee", mentee_ids)
    check_unique_ids("mentor", mentor_capacities)
    mentees = sorted(mentee_ids)
    mentors = sorted(mentor_capacities)
    mentee_index = {person: row for row, person in enumerate(mentees)}
    mentor_index = {person: col for col, person in enumerate(mentors)}
    for mentor, capacity in mentor_capacities.items():
        if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0:
            raise InvalidInstance(f"mentor {mentor!r} capacity must be a non-negative integer")
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    seen: set[tuple[int, int]] = set()
    for mentee, mentor, score in scores:
        if mentee not in mentee_index:
            raise InvalidInstance(f"score names unknown mentee {mentee!r}")
        if mentor not in mentor_index:
            raise InvalidInstance(f"score names unknown mentor {mentor!r}")
        if isinstance(score, bool) or not isinstance(score, (int, float)) \
                or not 0.0 <= float(score) <= 1.0:
            raise InvalidInstance(f"score of ({mentee!r}, {mentor!r}) must be in [0, 1]")
        pair = (mentee_index[mentee], mentor_index[mentor])
        if pair in seen:
            raise InvalidInstance(f"duplicate score for ({mentee!r}, {mentor!r})")
        seen.add(pair)
        rows.append(pair[0])
        cols.append(pair[1])
        values.append(float(score))
    space = ExplicitPairs(len(mentees), len(mentors), np.array(rows, np.int64),
                          np.array(cols, np.int64), np.array(values))
    capacities = np.array([mentor_capacities[m] for m in mentors], dtype=np.int64)
    assignment = solve_assignment(space, capacities, objective=objective)
    matches = tuple(Match(mentees[r], mentors[c], s) for r, c, s in zip(
        assignment.rows.tolist(), assignment.cols.tolist(), assignment.scores.tolist(),
        strict=True))
    matched = {match.mentee for match in matches}
    return MatchResult(matches, tuple(m for m in mentees if m not in matched), assignment.gap,
                       time.perf_counter() - started, f"min-cost-flow/{objective}",
                       dict(assignment.stats))
