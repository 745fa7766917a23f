"""Mentora's matching engine: pure Python (NumPy, SciPy, OR-Tools, rustworkx), no Django.

Score mentees against mentors from profiles, with hard constraints as masks; solve one-to-one
assignment exactly with a proof of optimality over every allowed pair (``max_total`` or ``fair``),
stable matching, peer pairing and circles; explain every match. See ``docs/matching.md``.

Examples
--------
>>> from mentora.matching.engine import Mentee, Mentor, Profile, Weights, match_one_on_one
>>> mentors = [Mentor("ana", capacity=1, profile=Profile(skills_offered={"sql": 3}))]
>>> result = match_one_on_one([Mentee("bo", Profile(skills_wanted={"sql": 1}))], mentors,
...                           weights=Weights(text=0))
>>> result.matches[0].mentor, result.optimality_gap
('ana', 0.0)
"""

from .circles import form_circles
from .embeddings import (
    EmbeddingCache,
    MiniLMEmbedder,
    TextEmbedder,
    TfidfEmbedder,
    default_embedder,
)
from .errors import InvalidInstance
from .interchange import FORMAT, score_instance_pairs, solve_instance, solve_json
from .one_on_one import match_one_on_one, match_scores, prepare_mentor_pairs, score_pairs
from .peer import match_peer_scores, match_peers
from .people import FACTORS, Mentee, Mentor, Peer, Profile, Rules, WeeklySlot, Weights
from .results import Circle, CirclesResult, FactorShare, Match, MatchResult, PeerPair, PeerResult
from .stable import match_stable, stable_from_lists

__all__ = [
    "FACTORS",
    "FORMAT",
    "Circle",
    "CirclesResult",
    "EmbeddingCache",
    "FactorShare",
    "InvalidInstance",
    "Match",
    "MatchResult",
    "Mentee",
    "Mentor",
    "MiniLMEmbedder",
    "Peer",
    "PeerPair",
    "PeerResult",
    "Profile",
    "Rules",
    "TextEmbedder",
    "TfidfEmbedder",
    "WeeklySlot",
    "Weights",
    "default_embedder",
    "form_circles",
    "match_one_on_one",
    "match_peer_scores",
    "match_peers",
    "match_scores",
    "match_stable",
    "prepare_mentor_pairs",
    "score_instance_pairs",
    "score_pairs",
    "solve_instance",
    "solve_json",
    "stable_from_lists",
]
