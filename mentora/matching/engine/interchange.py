"""The ``mentora.match/1`` JSON interchange format: read and validate an instance, solve it.

Runs can be reproduced and compared outside the app (see ``docs/matching.md``). Every problem in
the input raises :class:`~mentora.matching.engine.errors.InvalidInstance` with a message naming
the field; nothing else escapes for bad input.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any, TypeVar, cast

import numpy as np

from .availability import weekly
from .circles import form_circles
from .errors import InvalidInstance
from .one_on_one import check_unique_ids, match_one_on_one, match_scores, score_pairs
from .pairs import ExplicitPairs
from .peer import match_peer_scores, match_peers
from .people import FACTORS, Mentee, Mentor, Peer, Profile, Rules, WeeklySlot, Weights
from .stable import match_stable, stable_on_space, stable_result

__all__ = ["FORMAT", "parse_mentees", "parse_mentors", "parse_profile", "parse_rules", "parse_weights",
           "score_instance_pairs", "solve_instance", "solve_json"]

FORMAT = "mentora.match/1"
_T = TypeVar("_T")


def _object(value: object, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInstance(f"{where} must be a JSON object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise InvalidInstance(f"{where} has unknown field {unknown[0]!r}")
    return cast(dict[str, Any], value)


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInstance(f"{where} must be a JSON array")
    return value


def _typed(value: object, kind: type[_T], where: str) -> _T:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return cast(_T, float(value))
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise InvalidInstance(f"{where} must be a {kind.__name__}")
    return value


def _strings(value: object, where: str) -> frozenset[str]:
    return frozenset(_typed(item, str, where) for item in _list(value, where))


def _levels(value: object, where: str) -> dict[str, int]:
    levels = _object(value, where, set(value) if isinstance(value, dict) else set())
    return {skill: _typed(level, int, f"{where}.{skill}") for skill, level in levels.items()}


def _slots(value: object, where: str) -> tuple[WeeklySlot, ...]:
    if isinstance(value, str):
        return weekly(value)
    return tuple(slot for item in _list(value, where) for slot in weekly(_typed(item, str, where)))


_PROFILE_FIELDS: dict[str, Callable[[object, str], object]] = {
    "skills_offered": _levels, "skills_wanted": _levels, "tags": _strings,
    "text": lambda v, w: _typed(v, str, w), "availability": _slots,
    "time_zone": lambda v, w: _typed(v, str, w), "channels": _strings, "languages": _strings,
    "learning_styles": _strings,
    "seniority": lambda v, w: None if v is None else _typed(v, int, w),
    "department": lambda v, w: None if v is None else _typed(v, str, w),
    "site": lambda v, w: None if v is None else _typed(v, str, w),
    "generation": lambda v, w: None if v is None else _typed(v, str, w),
}


def parse_profile(value: object, where: str) -> Profile:
    """Read a profile object.

    Examples
    --------
    >>> parse_profile({"skills_wanted": {"sql": 2}, "availability": "Mon 09-11"}, "p").time_zone
    'UTC'
    >>> parse_profile({"skils": {}}, "mentees[0].profile")
    Traceback (most recent call last):
    ...
    mentora.matching.engine.errors.InvalidInstance: mentees[0].profile has unknown field 'skils'
    """
    data = _object(value, where, set(_PROFILE_FIELDS))
    return Profile(**{name: _PROFILE_FIELDS[name](item, f"{where}.{name}")  # type: ignore[arg-type]
                      for name, item in data.items()})


def parse_weights(value: object) -> Weights:
    """Read the ``weights`` object (factor → non-negative number)."""
    data = _object(value, "weights", {f.name for f in fields(Weights)})
    parsed = {name: _typed(item, float, f"weights.{name}") for name, item in data.items()}
    for name, weight in parsed.items():
        if weight < 0:
            raise InvalidInstance(f"weights.{name} must not be negative")
    return Weights(**parsed)


def parse_rules(value: object) -> Rules:
    """Read the ``rules`` object.

    Examples
    --------
    >>> sorted(parse_rules({"required_factors": ["skills", "languages"]}).required_factors)
    ['languages', 'skills']
    >>> parse_rules({"required_factors": ["skils"]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mentora.matching.engine.errors.InvalidInstance: rules.required_factors names unknown factor 'skils' (known: ...)
    """
    data = _object(value, "rules", {f.name for f in fields(Rules)})
    parsed: dict[str, Any] = {}
    for name, item in data.items():
        where = f"rules.{name}"
        if name in {"require_shared_language", "require_mentor_training", "forbid_past_pairs",
                    "reverse_mentoring"}:
            parsed[name] = _typed(item, bool, where)
        elif name in {"max_time_zone_gap_hours", "availability_target_hours"}:
            parsed[name] = None if item is None else _typed(item, float, where)
        elif name == "candidates_per_person":
            parsed[name] = _typed(item, int, where)
            if parsed[name] < 1:
                raise InvalidInstance(f"{where} must be at least 1")
        elif name == "manager_of":
            managers = _object(item, where, set(item) if isinstance(item, dict) else set())
            parsed[name] = {k: _typed(v, str, f"{where}.{k}") for k, v in managers.items()}
        elif name == "past_pairs":
            pairs = [_list(pair, where) for pair in _list(item, where)]
            if any(len(pair) != 2 for pair in pairs):
                raise InvalidInstance(f"{where} must hold [id, id] pairs")
            parsed[name] = frozenset((_typed(a, str, where), _typed(b, str, where))
                                     for a, b in pairs)
        elif name == "seniority_gap":
            gap = _list(item, where)
            if len(gap) != 2:
                raise InvalidInstance(f"{where} must be [low, high]")
            parsed[name] = (_typed(gap[0], int, where), _typed(gap[1], int, where))
        elif name == "sensitive_attributes":
            parsed[name] = _strings(item, where)
        elif name == "required_factors":
            parsed[name] = _strings(item, where)
            unknown = sorted(parsed[name] - set(FACTORS))
            if unknown:
                raise InvalidInstance(f"{where} names unknown factor {unknown[0]!r} "
                                      f"(known: {', '.join(FACTORS)})")
        else:
            if item not in {"affinity", "diversity", "ignore"}:
                raise InvalidInstance(f"{where} must be affinity, diversity or ignore")
            parsed[name] = item
    return Rules(**parsed)


def parse_mentors(value: object) -> list[Mentor]:
    """Return the ``mentors`` list of an instance as engine mentors (InvalidInstance if malformed)."""
    mentors = []
    for index, item in enumerate(_list(value, "mentors")):
        where = f"mentors[{index}]"
        data = _object(item, where, {"id", "capacity", "max_total", "load_elsewhere", "trained",
                                     "avoid", "profile", "text_vector"})
        capacity = _typed(data.get("capacity", 1), int, f"{where}.capacity")
        if capacity < 0:
            raise InvalidInstance(f"{where}.capacity must not be negative")
        max_total = data.get("max_total")
        mentors.append(Mentor(
            _typed(data.get("id"), str, f"{where}.id"), capacity,
            parse_profile(data.get("profile", {}), f"{where}.profile"),
            None if max_total is None else _typed(max_total, int, f"{where}.max_total"),
            _typed(data.get("load_elsewhere", 0), int, f"{where}.load_elsewhere"),
            _typed(data.get("trained", True), bool, f"{where}.trained"),
            _strings(data.get("avoid", []), f"{where}.avoid")))
    return mentors


def parse_mentees(value: object) -> list[Mentee]:
    """Return the ``mentees`` list of an instance as engine mentees (InvalidInstance if malformed)."""
    mentees = []
    for index, item in enumerate(_list(value, "mentees")):
        where = f"mentees[{index}]"
        data = _object(item, where, {"id", "choices", "avoid", "profile", "text_vector"})
        mentees.append(Mentee(
            _typed(data.get("id"), str, f"{where}.id"),
            parse_profile(data.get("profile", {}), f"{where}.profile"),
            tuple(_typed(c, str, f"{where}.choices") for c in _list(data.get("choices", []),
                                                                     f"{where}.choices")),
            _strings(data.get("avoid", []), f"{where}.avoid")))
    return mentees


def _text_vectors(*groups: object) -> dict[str, np.ndarray[Any, np.dtype[np.float32]]] | None:
    vectors = {}
    for group in groups:
        for item in group if isinstance(group, list) else []:
            if isinstance(item, dict) and "text_vector" in item:
                values = [_typed(v, float, f"{item.get('id')}.text_vector")
                          for v in _list(item["text_vector"], "text_vector")]
                vectors[str(item.get("id"))] = np.array(values, dtype=np.float32)
    return vectors or None


def _pair_scores(value: object, first: str, second: str) -> list[tuple[str, str, float]]:
    triples = []
    for index, item in enumerate(_list(value, "scores")):
        data = _object(item, f"scores[{index}]", {first, second, "score"})
        for key in (first, second, "score"):
            if key not in data:
                raise InvalidInstance(f"scores[{index}] lacks {key!r}")
        triples.append((_typed(data[first], str, f"scores[{index}].{first}"),
                        _typed(data[second], str, f"scores[{index}].{second}"),
                        _typed(data["score"], float, f"scores[{index}].score")))
    return triples


def solve_instance(instance: object) -> dict[str, Any]:
    """Solve a parsed ``mentora.match/1`` instance and return the result object.

    Examples
    --------
    >>> result = solve_instance({"format": "mentora.match/1", "form": "one_on_one",
    ...     "objective": "max_total", "mentors": [{"id": "m1", "capacity": 2}],
    ...     "mentees": [{"id": "e1"}, {"id": "e2"}],
    ...     "scores": [{"mentee": "e1", "mentor": "m1", "score": 0.8}]})
    >>> result["matches"], result["unmatched"], result["optimality_gap"]
    ([{'mentee': 'e1', 'mentor': 'm1', 'score': 0.8}], ['e2'], 0.0)
    """
    data = _object(instance, "instance", {
        "format", "form", "objective", "mentors", "mentees", "people", "scores", "weights",
        "rules", "options"})
    if data.get("format") != FORMAT:
        raise InvalidInstance(f"format must be {FORMAT!r}")
    form = data.get("form", "one_on_one")
    objective = data.get("objective", "max_total")
    if objective not in {"max_total", "fair"}:
        raise InvalidInstance("objective must be 'max_total' or 'fair'")
    options = _object(data.get("options", {}), "options", {
        "list_length", "k", "explain", "min_size", "max_size", "min_common_hours"})
    weights = parse_weights(data.get("weights", {}))
    rules = parse_rules(data.get("rules", {}))
    explain = _typed(options.get("explain", True), bool, "options.explain")
    if form == "peer":
        people_data = data.get("people")
        if "scores" in data:
            ids = [_typed(_object(p, "people[]", {"id"}).get("id"), str, "people[].id")
                   for p in _list(people_data, "people")]
            return match_peer_scores(ids, _pair_scores(data["scores"], "a", "b")).to_json()
        peers = []
        for index, item in enumerate(_list(people_data, "people")):
            where = f"people[{index}]"
            person = _object(item, where, {"id", "avoid", "profile", "text_vector"})
            peers.append(Peer(_typed(person.get("id"), str, f"{where}.id"),
                              parse_profile(person.get("profile", {}), f"{where}.profile"),
                              _strings(person.get("avoid", []), f"{where}.avoid")))
        return match_peers(peers, weights=weights if "weights" in data else None, rules=rules,
                           k=_typed(options.get("k", 20), int, "options.k"), explain=explain,
                           text_vectors=_text_vectors(people_data)).to_json()
    if form not in {"one_on_one", "stable", "circles"}:
        raise InvalidInstance("form must be one_on_one, stable, peer or circles")
    mentors = parse_mentors(data.get("mentors"))
    mentees = parse_mentees(data.get("mentees"))
    vectors = _text_vectors(data.get("mentors"), data.get("mentees"))
    list_length = _typed(options.get("list_length", 50), int, "options.list_length")
    if "scores" in data:
        check_unique_ids("mentee", (m.id for m in mentees))
        check_unique_ids("mentor", (m.id for m in mentors))
        triples = _pair_scores(data["scores"], "mentee", "mentor")
        capacities = {m.id: m.effective_capacity for m in mentors}
        if form == "one_on_one":
            return match_scores([m.id for m in mentees], capacities, triples,
                                objective=objective).to_json()
        if form == "stable":
            return _stable_scores([m.id for m in mentees], capacities, triples, list_length)
        raise InvalidInstance("circles need profiles, not scores")
    if form == "one_on_one":
        return match_one_on_one(mentees, mentors, weights=weights, rules=rules,
                                objective=objective, text_vectors=vectors,
                                explain=explain).to_json()
    if form == "stable":
        return match_stable(mentees, mentors, weights=weights, rules=rules,
                            list_length=list_length, text_vectors=vectors,
                            explain=explain).to_json()
    return form_circles(
        mentees, mentors, weights=weights, rules=rules, text_vectors=vectors,
        min_size=_typed(options.get("min_size", 5), int, "options.min_size"),
        max_size=_typed(options.get("max_size", 7), int, "options.max_size"),
        min_common_hours=_typed(options.get("min_common_hours", 1), int,
                                "options.min_common_hours")).to_json()


def score_instance_pairs(instance: object, pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Score and explain chosen ``(mentee, mentor)`` pairs of a profile instance (one-on-one).

    Each result is a match object; a pair the hard rules forbid has ``"score": null``.

    Examples
    --------
    >>> instance = {"format": "mentora.match/1", "weights": {"text": 0},
    ...     "mentors": [{"id": "m1", "profile": {"skills_offered": {"sql": 3}}}],
    ...     "mentees": [{"id": "e1", "profile": {"skills_wanted": {"sql": 1}}}]}
    >>> [(m["mentor"], round(m["score"], 3), m["explanation"][0]["factor"])
    ...  for m in score_instance_pairs(instance, [("e1", "m1")])]
    [('m1', 0.479, 'skills')]
    """
    data = _object(instance, "instance", {
        "format", "form", "objective", "mentors", "mentees", "people", "scores", "weights",
        "rules", "options"})
    if data.get("format") != FORMAT:
        raise InvalidInstance(f"format must be {FORMAT!r}")
    matches = score_pairs(parse_mentees(data.get("mentees")), parse_mentors(data.get("mentors")), pairs,
                          weights=parse_weights(data.get("weights", {})),
                          rules=parse_rules(data.get("rules", {})),
                          text_vectors=_text_vectors(data.get("mentors"), data.get("mentees")))
    return [match.to_json() | ({"score": None} if not np.isfinite(match.score) else {})
            for match in matches]


def _stable_scores(mentee_ids: list[str], capacities: Mapping[str, int],
                   triples: list[tuple[str, str, float]], list_length: int) -> dict[str, Any]:
    import time

    started = time.perf_counter()
    mentees, mentors = sorted(mentee_ids), sorted(capacities)
    row = {m: i for i, m in enumerate(mentees)}
    col = {m: j for j, m in enumerate(mentors)}
    # Validation (unknown ids, range, duplicates) is shared with the one-to-one reader.
    match_scores(mentee_ids, {m: 0 for m in capacities}, triples)
    space = ExplicitPairs(len(mentees), len(mentors),
                          np.array([row[t[0]] for t in triples], np.int64),
                          np.array([col[t[1]] for t in triples], np.int64),
                          np.array([t[2] for t in triples]))
    match, match_score, stats = stable_on_space(
        space, np.array([capacities[m] for m in mentors], np.int64), list_length=list_length)
    return stable_result(match, match_score, mentees, mentors, started, stats).to_json()


def solve_json(text: str) -> dict[str, Any]:
    """Parse instance JSON text and solve it; malformed JSON raises :class:`InvalidInstance`.

    Examples
    --------
    >>> solve_json("{not json")
    Traceback (most recent call last):
    ...
    mentora.matching.engine.errors.InvalidInstance: malformed JSON: line 1 column 2 (char 1)
    """
    try:
        instance = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInstance(f"malformed JSON: line {error.lineno} column {error.colno} "
                              f"(char {error.pos})") from error
    return solve_instance(instance)
