"""Ranked mentor suggestions for one mentee, with the same explanations coordinators see."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from mentora.accounts.models import Membership
from mentora.matching.embeddings import text_vectors_for_instance
from mentora.matching.engine import prepare_mentor_pairs
from mentora.matching.engine.explain import explain_pairs
from mentora.matching.engine.interchange import parse_mentees, parse_mentors, parse_rules, parse_weights
from mentora.matching.models import MatchingSettings, MentorshipRequest, RequestStatus
from mentora.matching.snapshot import build_instance
from mentora.programs.models import Program

# Scores this close count as a tie; ties rotate daily so the same few mentors are not always first.
ROTATION_BAND = 0.03


@dataclass(frozen=True)
class Suggestion:
    mentor_id: int
    score: float
    explanation: list[dict[str, Any]]
    free_places: int
    open_requests: int


def unresponsive_mentors(program: Program, *, now: Any = None) -> set[int]:
    """Mentors paused from suggestions: two or more requests expired unanswered in 30 days."""
    now = now or timezone.now()
    expired = MentorshipRequest.objects.filter(
        program=program, status=RequestStatus.EXPIRED, responded_at__isnull=True, expires_at__gte=now - timedelta(days=30)
    ).values_list("mentor_id", flat=True)
    counts: dict[int, int] = {}
    for mentor_id in expired:
        counts[mentor_id] = counts.get(mentor_id, 0) + 1
    return {mentor for mentor, n in counts.items() if n >= 2}


def suggest_mentors(*, program: Program, mentee: Membership, matching: MatchingSettings, limit: int | None = None) -> list[Suggestion]:
    """Rank mentors with free places for this mentee; popular mentors with full inboxes step back."""
    instance = build_instance(program, matching, only_mentee=mentee.pk)
    me = next((m for m in instance.get("mentees", []) if m["id"] == str(mentee.pk)), None)
    if me is None:
        return []
    open_requests: dict[str, int] = {}
    for mentor_id in MentorshipRequest.objects.open().filter(program=program).values_list("mentor_id", flat=True):
        open_requests[str(mentor_id)] = open_requests.get(str(mentor_id), 0) + 1
    paused = {str(m) for m in unresponsive_mentors(program)}
    mentors_data = [
        m for m in instance.get("mentors", [])
        if m["capacity"] > 0 and m["id"] not in paused and m["id"] != str(mentee.pk)
        # A mentor whose inbox already holds twice their free places is not featured for now.
        and open_requests.get(m["id"], 0) < 2 * m["capacity"]
    ]
    if not mentors_data:
        return []
    weights = parse_weights(instance["weights"])
    rules = parse_rules(instance["rules"])
    vectors = text_vectors_for_instance({"mentees": [me], "mentors": mentors_data}) if weights.text > 0 else {}
    vectors_np = {k: np.asarray(v, dtype=np.float32) for k, v in vectors.items()}
    # The snapshot is a mentora.match/1 instance: the engine's own parser reads every field
    # (capacity, load elsewhere, training, avoid lists) as a coordinator's run does.
    engine_mentee = parse_mentees([me])[0]
    engine_mentors = parse_mentors(mentors_data)
    prepared = prepare_mentor_pairs([engine_mentee], engine_mentors, weights=weights, rules=rules, text_vectors=vectors_np or None)
    if not prepared.mentors:
        return []
    scores = prepared.scorer.block(slice(0, 1))[0]
    allowed = np.flatnonzero(np.isfinite(scores))
    today = timezone.localdate().isoformat()

    def rotation(mentor_id: str) -> str:
        return hashlib.sha256(f"{today}:{mentee.pk}:{mentor_id}".encode()).hexdigest()

    ranked = sorted(
        allowed.tolist(),
        key=lambda col: (-round(float(scores[col]) / ROTATION_BAND), rotation(prepared.mentors[col].id)),
    )[: limit or matching.suggestions_count]
    explanations = explain_pairs(
        prepared.scorer, np.zeros(len(ranked), dtype=np.int64), np.array(ranked, dtype=np.int64),
        [engine_mentee.profile], [m.profile for m in prepared.mentors], rules,
    ) if ranked else []
    return [
        Suggestion(
            mentor_id=int(prepared.mentors[col].id), score=float(scores[col]),
            explanation=[share.to_json() for share in explanation],
            free_places=prepared.mentors[col].capacity, open_requests=open_requests.get(prepared.mentors[col].id, 0),
        )
        for col, explanation in zip(ranked, explanations, strict=True)
    ]


@dataclass(frozen=True)
class Responsiveness:
    mentor_id: int
    received: int
    answered: int
    expired: int
    median_hours: float | None
    median_message_reply_hours: float | None = None


def mentor_responsiveness(program: Program) -> list[Responsiveness]:
    """Per mentor: requests received, answered, expired, and the median time to answer (hours)."""
    import statistics

    rows: dict[int, list[Any]] = {}
    for mentor_id, status, created_at, responded_at in MentorshipRequest.objects.filter(program=program).values_list(
        "mentor_id", "status", "created_at", "responded_at"
    ):
        rows.setdefault(mentor_id, []).append((status, created_at, responded_at))
    replies = _message_reply_hours(program)
    result = []
    for mentor_id in sorted(set(rows) | set(replies)):
        requests = rows.get(mentor_id, [])
        waits = [(r - c).total_seconds() / 3600 for _s, c, r in requests if r is not None]
        reply_waits = replies.get(mentor_id, [])
        result.append(Responsiveness(
            mentor_id=mentor_id, received=len(requests), answered=len(waits),
            expired=sum(1 for s, _c, r in requests if s == RequestStatus.EXPIRED and r is None),
            median_hours=round(statistics.median(waits), 1) if waits else None,
            median_message_reply_hours=round(statistics.median(reply_waits), 1) if reply_waits else None,
        ))
    return sorted(result, key=lambda row: (-row.expired, -(row.median_hours or 0), row.mentor_id))


def _message_reply_hours(program: Program) -> dict[int, list[float]]:
    """Per mentor (membership id): hours between a message to them and their next reply, in the
    program's conversations. Only timestamps are read, never message contents."""
    from mentora.mentorships.models import MentorshipMember
    from mentora.messaging.models import Message

    mentor_user_to_member = {
        user_id: member_id for member_id, user_id in MentorshipMember.objects.filter(
            program=program, role__in=["mentor", "facilitator"]
        ).values_list("membership_id", "membership__user_id")
    }
    waits: dict[int, list[float]] = {}
    waiting_since: dict[tuple[int, int], Any] = {}
    messages = Message.objects.filter(conversation__mentorship__program=program).order_by("conversation_id", "created_at")
    for conversation_id, author_id, created_at in messages.values_list("conversation_id", "author_id", "created_at"):
        for mentor_user, member_id in mentor_user_to_member.items():
            key = (conversation_id, mentor_user)
            if author_id == mentor_user:
                started = waiting_since.pop(key, None)
                if started is not None:
                    waits.setdefault(member_id, []).append((created_at - started).total_seconds() / 3600)
            elif key not in waiting_since:
                waiting_since[key] = created_at
    return waits
