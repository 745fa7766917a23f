"""Access-matrix entries for meetings: only the mentorship's own members; coordinators see no agendas."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.access_cases import ANY_MEMBER, API_ANY_MEMBER, MISSING, OK, REDIRECT, UNAUTHORIZED, Case
from tests.conftest import World

PAIR_ONLY = {"anonymous": REDIRECT, "member": MISSING, "mentor": OK, "mentee": OK, "coordinator": MISSING,
             "admin": MISSING, "outsider": MISSING}
PAIR_ONLY_POST = {**PAIR_ONLY, "mentor": REDIRECT, "mentee": REDIRECT}
API_PAIR_ONLY = {**PAIR_ONLY, "anonymous": UNAUTHORIZED}
ANY_MEMBER_POST = {**ANY_MEMBER, "member": REDIRECT, "mentor": REDIRECT, "mentee": REDIRECT, "coordinator": REDIRECT,
                   "admin": REDIRECT}
EVERYONE = dict.fromkeys(ANY_MEMBER, OK)


def meeting(w: World) -> Any:
    """One booked video meeting of the world's pair (made on first use)."""
    from mentora.meetings.models import Meeting
    from mentora.meetings.services import book_meeting

    existing = Meeting.objects.filter(mentorship=w.mentorship).first()
    return existing or book_meeting(mentorship=w.mentorship, booked_by=w.mentor.user,
                                    starts_at=timezone.now() + timedelta(days=2), timezone_name="UTC")


def feed_token(w: World) -> str:
    from mentora.meetings.services import feed_for

    return feed_for(user=w.mentee.user).token


def _in_three_days(w: World) -> dict[str, Any]:
    return {"starts_at": (timezone.now() + timedelta(days=3)).isoformat(), "duration_minutes": 30}


CASES: list[Case] = [
    Case("meetings:list", lambda w: ["acme"], ANY_MEMBER),
    Case("meetings:calendar", lambda w: ["acme"], ANY_MEMBER),
    Case("meetings:feed_revoke", lambda w: ["acme"], ANY_MEMBER_POST, "post"),
    Case("meetings:reminders", lambda w: ["acme"], ANY_MEMBER_POST, "post", lambda w: {"minutes_before": [15]}),
    Case("meetings:find", lambda w: ["acme", w.mentorship.pk], PAIR_ONLY),
    Case("meetings:book", lambda w: ["acme", w.mentorship.pk], PAIR_ONLY),
    Case("meetings:detail", lambda w: ["acme", meeting(w).pk], PAIR_ONLY),
    Case("meetings:ics", lambda w: ["acme", meeting(w).pk], PAIR_ONLY),
    Case("meetings:reschedule", lambda w: ["acme", meeting(w).pk], PAIR_ONLY),
    Case("meetings:room", lambda w: ["acme", meeting(w).pk], PAIR_ONLY),
    Case("meetings:cancel", lambda w: ["acme", meeting(w).pk], PAIR_ONLY_POST, "post", lambda w: {"reason": "ill"}),
    Case("meetings:attendance", lambda w: ["acme", meeting(w).pk], PAIR_ONLY_POST, "post", lambda w: {"happened": "yes"}),
    # The feed URL is its own credential (private, revocable): whoever holds it may read it.
    Case("calendar_feed:ics", lambda w: [feed_token(w)], EVERYONE),
    Case("api-1.0.0:free_slots", lambda w: ["acme", w.mentorship.pk], API_PAIR_ONLY),
    Case("api-1.0.0:my_meetings", lambda w: ["acme"], API_ANY_MEMBER),
    Case("api-1.0.0:book_meeting", lambda w: ["acme", w.mentorship.pk], {**API_PAIR_ONLY, "mentor": 201, "mentee": 201},
         "post", _in_three_days, True),
    Case("api-1.0.0:move_meeting", lambda w: ["acme", meeting(w).pk], API_PAIR_ONLY, "post",
         lambda w: {"starts_at": (meeting(w).starts_at + timedelta(hours=3)).isoformat()}, True),
    Case("api-1.0.0:cancel_meeting", lambda w: ["acme", meeting(w).pk], API_PAIR_ONLY, "post", lambda w: {}, True),
]

CROSS_TENANT: list[Case] = []
