"""The check-ins section of the mentorship home page (one query)."""

from __future__ import annotations

from typing import Any

from mentora.feedback.models import CheckIn


def feedback_panel_context(membership: Any, mentorship: Any) -> dict[str, Any]:
    check_ins = list(CheckIn.objects.filter(mentorship=mentorship).select_related("respondent__user")
                     .order_by("-sequence", "pk")[:20])
    mine = [c for c in check_ins if c.respondent_id == membership.pk and c.answered_at is None]
    latest_round = check_ins[0].sequence if check_ins else None
    # Others see only whether a round was answered, never the answers.
    round_status = [c for c in check_ins if c.sequence == latest_round]
    return {"mine": mine, "round_status": round_status, "mentorship": mentorship}
