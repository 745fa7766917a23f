"""Turn profiles into matrices so every factor of every pair is one matrix product away.

Each factor is bilinear: ``factor(i, j) = left[i] @ right[j]`` for a left (mentee) row and a right
(mentor) row built here, except availability, which is clipped at the program's target hours.
All linear factors are concatenated, pre-multiplied by their weights, into one float32 matrix
per side, so scoring a block of pairs is one BLAS call plus a few element-wise operations.

Missing answers are neutral: a factor someone did not answer is 0.5 for them, and 1 for the
organisational attributes (department, site, generation), so declining never lowers a chance.
Availability is the exception: no weekly slots means no overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .availability import HOURS_PER_WEEK, utc_offset_hours
from .errors import InvalidInstance
from .people import FACTORS, AttributeMode, Profile, Rules, Weights

__all__ = ["FactorBlock", "ProfileEncoding", "encode_profiles", "project_text_vectors",
           "weekly_slot_matrix"]

FloatMatrix = npt.NDArray[np.float32]
NEUTRAL = 0.5
MAX_LEVEL = 3
SENIORITY_LEVELS = 12
_OFFSETS = np.arange(-12, 15)


@dataclass(frozen=True)
class FactorBlock:
    """One factor's left and right matrices; the factor is their row-wise dot product."""

    name: str
    weight: float
    left: FloatMatrix
    right: FloatMatrix
    clip_at: float | None = None

    def raw(self, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]) -> npt.NDArray[
            np.float64]:
        """Return ``left[rows[p]] @ right[cols[p]]`` before any cap (availability: hours)."""
        # Summed in float64 without float64 copies of the gathered rows (the copies cost more
        # than the sums); chunks keep the gathered rows in cache.
        product = np.empty(len(rows), dtype=np.float64)
        for start in range(0, len(rows), 8192):
            np.einsum("pd,pd->p", self.left[rows[start:start + 8192]],
                      self.right[cols[start:start + 8192]], dtype=np.float64,
                      out=product[start:start + 8192])
        return product

    def values(self, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]) -> npt.NDArray[
            np.float64]:
        """Return the factor in [0, 1] for the pairs ``(rows[p], cols[p])``."""
        raw = self.raw(rows, cols)
        if self.clip_at is not None:
            raw = np.minimum(raw, self.clip_at) / self.clip_at
        clipped: npt.NDArray[np.float64] = np.clip(raw, 0.0, 1.0)
        return clipped


@dataclass(frozen=True)
class ProfileEncoding:
    """The matrices that score every (left, right) pair of a set of profiles."""

    blocks: tuple[FactorBlock, ...]
    total_weight: float
    linear_left: FloatMatrix
    linear_right: FloatMatrix
    clipped: FactorBlock | None
    mask_left: FloatMatrix | None
    mask_right: FloatMatrix | None
    mask_threshold: float
    #: Factors of ``Rules.required_factors`` (but ``choices``, a sparse factor): a pair whose
    #: value is 0 is not allowed.
    required: tuple[FactorBlock, ...] = ()


def _category_index(values: Sequence[str | None]) -> tuple[dict[str, int], list[int]]:
    vocabulary = {value: index for index, value in enumerate(sorted({v for v in values if v}))}
    return vocabulary, [vocabulary[v] if v else -1 for v in values]


def _scatter(shape: tuple[int, int], rows: list[int], cols: list[int],
             values: list[float] | float) -> FloatMatrix:
    matrix = np.zeros(shape, dtype=np.float32)
    if rows:
        matrix[np.array(rows, np.int64), np.array(cols, np.int64)] = values
    return matrix


def _set_factor(left_sets: Sequence[frozenset[str]], right_sets: Sequence[frozenset[str]],
                ) -> tuple[FloatMatrix, FloatMatrix]:
    """Share of the left person's set the right person has; neutral when either set is empty."""
    vocabulary = {v: i for i, v in enumerate(sorted(set().union(*left_sets, *right_sets)))}
    width = len(vocabulary) + 1  # last column: constant
    sizes = np.array([len(members) for members in left_sets], dtype=np.int64)
    left = np.zeros((len(left_sets), width), dtype=np.float32)
    rows = np.repeat(np.arange(len(left_sets)), sizes)
    cols = np.array([vocabulary[v] for members in left_sets for v in members], dtype=np.int64)
    left[rows, cols] = (1.0 / np.maximum(sizes, 1))[rows]
    left[sizes == 0, -1] = NEUTRAL
    right_sizes = np.array([len(members) for members in right_sets], dtype=np.int64)
    right = np.zeros((len(right_sets), width), dtype=np.float32)
    right[np.repeat(np.arange(len(right_sets)), right_sizes),
          np.array([vocabulary[v] for members in right_sets for v in members],
                   dtype=np.int64)] = 1.0
    right[right_sizes == 0, :-1] = NEUTRAL
    right[:, -1] = 1.0
    return left, right


def _thermometer(rows: npt.NDArray[np.int64], bases: npt.NDArray[np.int64],
                 levels: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64],
                                                        npt.NDArray[np.int64],
                                                        npt.NDArray[np.int64]]:
    """Expand each (row, skill base, level) into ``level`` (row, column, entry) cells."""
    entry = np.repeat(np.arange(len(rows)), levels)
    offset = np.arange(len(entry)) - np.repeat(np.cumsum(levels) - levels, levels)
    return rows[entry], bases[entry] + offset, entry


def _skills_factor(left: Sequence[Profile], right: Sequence[Profile],
                   ) -> tuple[FloatMatrix, FloatMatrix]:
    """Rarity-weighted share of wanted skill levels the mentor covers (thermometer coding)."""
    offered = [profile.skills_offered for profile in right]
    offered_names = [skill for skills in offered for skill in skills]
    offered_count: dict[str, int] = {}
    for skill in offered_names:
        offered_count[skill] = offered_count.get(skill, 0) + 1
    wanted_maps = [profile.skills_wanted for profile in left]
    wanted_names = [skill for skills in wanted_maps for skill in skills]
    vocabulary = {s: i for i, s in enumerate(sorted(set(wanted_names) & offered_count.keys()))}
    width = len(vocabulary) * MAX_LEVEL + 1
    top_rarity = float(np.log(1.0 + len(right)) + 1.0)
    rarity = {skill: float(np.log((1.0 + len(right)) / (1.0 + count)) + 1.0)
              for skill, count in offered_count.items()}
    sizes = np.array([len(skills) for skills in wanted_maps], dtype=np.int64)
    rows = np.repeat(np.arange(len(left)), sizes)
    levels = np.clip(np.array([int(v) for skills in wanted_maps for v in skills.values()],
                              dtype=np.int64), 1, MAX_LEVEL)
    weight = np.array([rarity.get(skill, top_rarity) for skill in wanted_names])
    norm = np.bincount(rows, weights=weight * levels, minlength=len(left))
    index = np.array([vocabulary.get(skill, -1) for skill in wanted_names], dtype=np.int64)
    known = index >= 0
    cell_rows, cell_cols, entry = _thermometer(rows[known], index[known] * MAX_LEVEL,
                                               levels[known])
    left_matrix = np.zeros((len(left), width), dtype=np.float32)
    left_matrix[cell_rows, cell_cols] = (weight[known] / norm[rows[known]])[entry]
    left_matrix[sizes == 0, -1] = NEUTRAL
    sizes = np.array([len(skills) for skills in offered], dtype=np.int64)
    rows = np.repeat(np.arange(len(right)), sizes)
    levels = np.clip(np.array([int(v) for skills in offered for v in skills.values()],
                              dtype=np.int64), 0, MAX_LEVEL)
    index = np.array([vocabulary.get(skill, -1) for skill in offered_names], dtype=np.int64)
    known = index >= 0
    cell_rows, cell_cols, _ = _thermometer(rows[known], index[known] * MAX_LEVEL, levels[known])
    right_matrix = np.zeros((len(right), width), dtype=np.float32)
    right_matrix[cell_rows, cell_cols] = 1.0
    right_matrix[:, -1] = 1.0
    return left_matrix, right_matrix


def _text_factor(left_vectors: FloatMatrix, right_vectors: FloatMatrix,
                 ) -> tuple[FloatMatrix, FloatMatrix]:
    """(1 + cosine) / 2 of the text vectors; an empty text (zero vector) gives 0.5."""
    left = np.hstack([np.full((len(left_vectors), 1), 0.5, np.float32), 0.5 * left_vectors])
    right = np.hstack([np.ones((len(right_vectors), 1), np.float32), right_vectors])
    return left.astype(np.float32), right.astype(np.float32)


def _seniority_factor(left: Sequence[Profile], right: Sequence[Profile], rules: Rules,
                      ) -> tuple[FloatMatrix, FloatMatrix]:
    """1 inside the preferred gap range, decaying by a third per level outside it."""
    low, high = rules.seniority_gap
    levels = np.arange(SENIORITY_LEVELS)
    gap = levels[None, :] - levels[:, None]  # [left level, right level] = right - left
    if rules.reverse_mentoring:
        gap = -gap
    distance = np.maximum(low - gap, 0) + np.maximum(gap - high, 0)
    table = np.maximum(0.0, 1.0 - distance / 3.0)
    # Row "SENIORITY_LEVELS" of the padded table is the unknown level: neutral everywhere.
    padded = np.vstack([table, np.full((1, SENIORITY_LEVELS), NEUTRAL)])
    left_level = _levels(left)
    left_matrix = np.full((len(left), SENIORITY_LEVELS + 1), NEUTRAL, dtype=np.float32)
    left_matrix[:, :-1] = padded[left_level]
    right_matrix = np.zeros((len(right), SENIORITY_LEVELS + 1), dtype=np.float32)
    right_matrix[np.arange(len(right)), _levels(right)] = 1.0  # unknown: the last column
    return left_matrix, right_matrix


def _levels(profiles: Sequence[Profile]) -> npt.NDArray[np.int64]:
    """Return each seniority clipped to the table, ``SENIORITY_LEVELS`` when unknown."""
    raw = np.array([-1 if p.seniority is None else p.seniority for p in profiles], np.int64)
    known = np.array([p.seniority is not None for p in profiles], dtype=np.bool_)
    return np.where(known, np.clip(raw, 0, SENIORITY_LEVELS - 1), SENIORITY_LEVELS)


def _attribute_factor(left: Sequence[str | None], right: Sequence[str | None],
                      mode: AttributeMode) -> tuple[FloatMatrix, FloatMatrix]:
    """Affinity (same value) or diversity (different value); 1 when either side did not say."""
    vocabulary, _ = _category_index([*left, *right])
    width = len(vocabulary) + 2  # value columns, "right unknown", constant
    left_matrix = np.zeros((len(left), width), dtype=np.float32)
    right_matrix = np.zeros((len(right), width), dtype=np.float32)
    sign = 1.0 if mode == "affinity" else -1.0
    left_index = np.array([-1 if v is None else vocabulary[v] for v in left], np.int64)
    said = np.flatnonzero(left_index >= 0)
    left_matrix[said, left_index[said]] = sign
    left_matrix[said, -2] = 1.0 if mode == "affinity" else 0.0
    left_matrix[:, -1] = np.where(left_index >= 0, 0.0 if mode == "affinity" else 1.0, 1.0)
    right_index = np.array([width - 2 if v is None else vocabulary[v] for v in right], np.int64)
    right_matrix[np.arange(len(right)), right_index] = 1.0
    right_matrix[:, -1] = 1.0
    return left_matrix, right_matrix


def _mask(left: Sequence[Profile], right: Sequence[Profile], rules: Rules,
          ) -> tuple[FloatMatrix | None, FloatMatrix | None, float]:
    """Encode shared language and time-zone gap so ``left @ right.T >= threshold`` allows a pair."""
    parts_left: list[FloatMatrix] = []
    parts_right: list[FloatMatrix] = []
    threshold = 0.0
    language_ceiling = 0.0
    if rules.require_shared_language:
        vocabulary = {v: i for i, v in enumerate(sorted(set().union(
            *(p.languages for p in left), *(p.languages for p in right))))}
        width = len(vocabulary) + 1  # last column: wildcard
        lang_left = _one_hot([p.languages for p in left], vocabulary, width)
        lang_left[:, -1] = [0.0 if p.languages else 1.0 for p in left]
        lang_right = _one_hot([p.languages for p in right], vocabulary, width)
        lang_right[[not p.languages for p in right], :-1] = 1.0
        lang_right[:, -1] = 1.0
        parts_left.append(lang_left)
        parts_right.append(lang_right)
        threshold = 1.0
        language_ceiling = float(width)
    if rules.max_time_zone_gap_hours is not None:
        allowed = np.abs(_OFFSETS[:, None] - _OFFSETS[None, :]) <= rules.max_time_zone_gap_hours
        scale = language_ceiling + 1.0
        tz_left = (allowed[[utc_offset_hours(p.time_zone) + 12 for p in left]] * scale).astype(
            np.float32)
        tz_right = np.zeros((len(right), len(_OFFSETS)), dtype=np.float32)
        tz_right[np.arange(len(right)),
                 [utc_offset_hours(p.time_zone) + 12 for p in right]] = 1.0
        parts_left.append(tz_left)
        parts_right.append(tz_right)
        threshold += scale
    if not parts_left:
        return None, None, 0.0
    return np.hstack(parts_left), np.hstack(parts_right), threshold - 0.5


def _one_hot(sets: Sequence[frozenset[str]], vocabulary: dict[str, int], width: int,
             ) -> FloatMatrix:
    """Return one row per set with 1.0 in the columns of its members."""
    sizes = np.array([len(members) for members in sets], dtype=np.int64)
    matrix = np.zeros((len(sets), width), dtype=np.float32)
    matrix[np.repeat(np.arange(len(sets)), sizes),
           np.array([vocabulary[v] for members in sets for v in members], np.int64)] = 1.0
    return matrix


def project_text_vectors(vectors: FloatMatrix, dimensions: int) -> FloatMatrix:
    """Project unit vectors on their top principal axes (uncentred) and re-normalise.

    Cosines are kept for the directions that matter in this population while the scoring matrix
    stays narrow. Zero rows stay zero.

    Examples
    --------
    >>> vectors = np.eye(4, dtype=np.float32)
    >>> project_text_vectors(vectors, 8).shape, project_text_vectors(vectors, 2).shape
    ((4, 4), (4, 2))
    """
    if vectors.shape[1] <= dimensions:
        return vectors.astype(np.float32)
    gram = vectors.astype(np.float64).T @ vectors.astype(np.float64)
    _, eigenvectors = np.linalg.eigh(gram)
    projected = vectors @ eigenvectors[:, ::-1][:, :dimensions].astype(np.float32)
    norms = np.linalg.norm(projected, axis=1, keepdims=True)
    return (projected / np.where(norms > 1e-6, norms, 1.0)).astype(np.float32)


def encode_profiles(left: Sequence[Profile], right: Sequence[Profile], weights: Weights,
                    rules: Rules, *, left_text: FloatMatrix | None = None,
                    right_text: FloatMatrix | None = None) -> ProfileEncoding:
    """Build the factor matrices for scoring ``left`` (mentees) against ``right`` (mentors).

    ``left_text`` / ``right_text`` are the (cached) text vectors; needed when ``weights.text``
    is positive or text is a required factor. The ``choices`` factor is sparse and handled by
    the scorer, not here. Required factors (``rules.required_factors``) get their matrices even
    with weight 0.

    Examples
    --------
    >>> mentee = Profile(skills_wanted={"python": 2}, languages=frozenset({"en"}))
    >>> mentor = Profile(skills_offered={"python": 3}, languages=frozenset({"en"}))
    >>> encoding = encode_profiles([mentee], [mentor], Weights(text=0, choices=0), Rules())
    >>> [block.name for block in encoding.blocks][:3]
    ['skills', 'goals', 'availability']
    """
    builders = {
        "skills": lambda: _skills_factor(left, right),
        "goals": lambda: _set_factor([p.tags for p in left], [p.tags for p in right]),
        "communication": lambda: _set_factor([p.channels for p in left],
                                             [p.channels for p in right]),
        "languages": lambda: _set_factor([p.languages for p in left],
                                         [p.languages for p in right]),
        "learning": lambda: _set_factor([p.learning_styles for p in left],
                                        [p.learning_styles for p in right]),
        "seniority": lambda: _seniority_factor(left, right, rules),
        "department": lambda: _attribute_factor([p.department for p in left],
                                                [p.department for p in right], rules.department),
        "site": lambda: _attribute_factor([p.site for p in left], [p.site for p in right],
                                          rules.site),
        "generation": lambda: _attribute_factor([p.generation for p in left],
                                                [p.generation for p in right], rules.generation),
    }
    active = [(name, weight) for name, weight in weights.active()
              if not (name in {"department", "site", "generation"}
                      and getattr(rules, name) == "ignore")]
    total_weight = sum(weight for _, weight in active)

    def build(name: str, weight: float) -> FactorBlock:
        if name == "text":
            if left_text is None or right_text is None:
                raise ValueError("text vectors are required when the text weight is positive "
                                 "or text is a required factor")
            return FactorBlock(name, weight, *_text_factor(left_text, right_text))
        if name == "availability":
            target = max(rules.availability_target_hours, 1e-9)
            return FactorBlock(name, weight, *_availability(left, right), clip_at=target)
        return FactorBlock(name, weight, *builders[name]())

    blocks: list[FactorBlock] = []
    clipped: FactorBlock | None = None
    for name, weight in active:
        if name == "choices":
            continue
        blocks.append(build(name, weight))
        if name == "availability":
            clipped = blocks[-1]
    built = {block.name: block for block in blocks}
    required = tuple(built.get(name) or build(name, 0.0) for name in FACTORS
                     if name in rules.required_factors and name != "choices")
    linear = [block for block in blocks if block.clip_at is None]
    if linear:
        linear_left = np.hstack([b.left * np.float32(b.weight / total_weight) for b in linear])
        linear_right = np.hstack([b.right for b in linear])
    else:
        linear_left = np.zeros((len(left), 1), dtype=np.float32)
        linear_right = np.zeros((len(right), 1), dtype=np.float32)
    mask_left, mask_right, threshold = _mask(left, right, rules)
    return ProfileEncoding(tuple(blocks), total_weight, np.ascontiguousarray(linear_left),
                           np.ascontiguousarray(linear_right), clipped, mask_left, mask_right,
                           threshold, required)


def _availability(left: Sequence[Profile], right: Sequence[Profile],
                  ) -> tuple[FloatMatrix, FloatMatrix]:
    """Weekly UTC hour slots; the overlap in hours is their dot product."""
    return weekly_slot_matrix(left), weekly_slot_matrix(right)


def weekly_slot_matrix(profiles: Sequence[Profile]) -> FloatMatrix:
    """Return one row of 168 UTC hours (1.0 = free) per profile.

    Examples
    --------
    >>> from mentora.matching.engine.availability import weekly
    >>> matrix = weekly_slot_matrix([Profile(availability=weekly("Mon 09-11"),
    ...                                      time_zone="Europe/Paris")])
    >>> np.flatnonzero(matrix[0]).tolist()
    [8, 9]
    """
    slots = [(row, slot.day, slot.start_hour, slot.end_hour)
             for row, profile in enumerate(profiles) for slot in profile.availability]
    matrix = np.zeros((len(profiles), HOURS_PER_WEEK), dtype=np.float32)
    if not slots:
        return matrix
    rows, days, start_hours, end_hours = np.array(slots, dtype=np.int64).T
    bad = ~((days >= 0) & (days <= 6) & (start_hours >= 0) & (start_hours <= end_hours)
            & (end_hours <= 24))
    if bad.any():
        slot = [slot for profile in profiles for slot in profile.availability][
            int(np.argmax(bad))]
        raise InvalidInstance(f"invalid availability slot {slot}")
    offsets = np.array([utc_offset_hours(p.time_zone) for p in profiles], dtype=np.int64)
    length = end_hours - start_hours
    first_hour = np.repeat(days * 24 + start_hours - offsets[rows], length)
    step = np.arange(len(first_hour)) - np.repeat(np.cumsum(length) - length, length)
    matrix[np.repeat(rows, length), (first_hour + step) % HOURS_PER_WEEK] = 1.0
    return matrix
