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


@dataclass(frozen=True)
class ResponsivenessSummary:
    """The program's mentors at a glance: typical times over every answer, not per mentor."""

    mentors: int  # mentors who received a request or a message
    median_request_hours: float | None
    median_reply_hours: float | None
    expired: int  # requests that expired unanswered
    slow: int  # mentors whose typical message reply takes longer than SLOW_REPLY_HOURS

    SLOW_REPLY_HOURS = 72


def mentor_responsiveness(program: Program) -> list[Responsiveness]:
    """Per mentor: requests received, answered, expired, and the median time to answer (hours)."""
    return _responsiveness(program)[0]


def responsiveness_summary(program: Program) -> ResponsivenessSummary:
    rows, request_waits, reply_waits = _responsiveness(program)
    return ResponsivenessSummary(
        mentors=len(rows), median_request_hours=_median(request_waits), median_reply_hours=_median(reply_waits),
        expired=sum(row.expired for row in rows),
        slow=sum(1 for row in rows if (row.median_message_reply_hours or 0) > ResponsivenessSummary.SLOW_REPLY_HOURS),
    )


def _median(values: list[float]) -> float | None:
    import statistics

    return round(statistics.median(values), 1) if values else None


def _responsiveness(program: Program) -> tuple[list[Responsiveness], list[float], list[float]]:
    """Per-mentor rows, slowest first, and every request and message wait (hours) of the program (3 queries)."""
    rows: dict[int, list[Any]] = {}
    for mentor_id, status, created_at, responded_at in MentorshipRequest.objects.filter(program=program).values_list(
        "mentor_id", "status", "created_at", "responded_at"
    ):
        rows.setdefault(mentor_id, []).append((status, created_at, responded_at))
    replies = _message_reply_hours(program)
    result, all_request_waits = [], []
    for mentor_id in sorted(set(rows) | set(replies)):
        requests = rows.get(mentor_id, [])
        waits = [(r - c).total_seconds() / 3600 for _s, c, r in requests if r is not None]
        all_request_waits += waits
        result.append(Responsiveness(
            mentor_id=mentor_id, received=len(requests), answered=len(waits),
            expired=sum(1 for s, _c, r in requests if s == RequestStatus.EXPIRED and r is None),
            median_hours=_median(waits), median_message_reply_hours=_median(replies.get(mentor_id, [])),
        ))
    result.sort(key=lambda row: (-row.expired, -(row.median_hours or 0), row.mentor_id))
    return result, all_request_waits, [wait for waits in replies.values() for wait in waits]


def _message_reply_hours(program: Program) -> dict[int, list[float]]:
    """Per mentor (membership id): hours between a message to them and their next reply, in the
    program's conversations. Only timestamps are read, never message contents.

    One pass over the messages, each checked against the guides *of its own conversation* (one or
    a circle's facilitator), so the cost grows with messages, not messages × mentors.
    """
    from mentora.mentorships.models import MentorshipMember
    from mentora.messaging.models import Message

    guides: dict[int, list[tuple[int, int]]] = {}  # mentorship id -> [(user id, membership id)]
    for mentorship_id, member_id, user_id in MentorshipMember.objects.filter(
        program=program, role__in=["mentor", "facilitator"]
    ).values_list("mentorship_id", "membership_id", "membership__user_id"):
        guides.setdefault(mentorship_id, []).append((user_id, member_id))
    waits: dict[int, list[float]] = {}
    waiting_since: dict[tuple[int, int], Any] = {}
    messages = (Message.objects.filter(conversation__mentorship__program=program)
                .order_by("conversation_id", "created_at")
                .values_list("conversation_id", "conversation__mentorship_id", "author_id", "created_at"))
    for conversation_id, mentorship_id, author_id, created_at in messages.iterator(chunk_size=5000):
        for guide_user, member_id in guides.get(mentorship_id, ()):
            key = (conversation_id, guide_user)
            if author_id == guide_user:
                started = waiting_since.pop(key, None)
                if started is not None:
                    waits.setdefault(member_id, []).append((created_at - started).total_seconds() / 3600)
            elif key not in waiting_since:
                waiting_since[key] = created_at
    return waits
