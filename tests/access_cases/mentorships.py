"""Access-matrix entries for mentorships: members and the org's coordinators; nobody else."""

from datetime import timedelta

from django.utils import timezone

from tests.access_cases import COORDINATORS, MISSING, OK, REDIRECT, ROLES, UNAUTHORIZED, Case
from tests.relationship_fixtures import foreign_mentorship, proposed_agreement

MEMBERS_AND_COORDINATORS = {**COORDINATORS, "mentor": OK, "mentee": OK}
MEMBERS_ONLY = {**COORDINATORS, "coordinator": MISSING, "admin": MISSING, "mentor": OK, "mentee": OK}
MEMBERS_WRITE = {**MEMBERS_ONLY, "mentor": REDIRECT, "mentee": REDIRECT}
API_READ = {**MEMBERS_AND_COORDINATORS, "anonymous": UNAUTHORIZED}
API_WRITE = {**MEMBERS_ONLY, "anonymous": UNAUTHORIZED}
API_CREATE = {**API_WRITE, "mentor": 201, "mentee": 201}


def _agreement(w):  # type: ignore[no-untyped-def]
    return {"mentee_wants": "Confidence", "cadence": "biweekly", "session_minutes": "60", "channels": ["video"],
            "response_time": "two_days", "boundaries": "Private", "feedback_how": "Each session",
            "ends_on": str(timezone.localdate() + timedelta(days=90))}


CASES: list[Case] = [
    Case("mentorships:list", lambda w: ["acme"], {**COORDINATORS, "member": OK, "mentor": OK, "mentee": OK}),
    Case("mentorships:home", lambda w: ["acme", w.mentorship.pk], MEMBERS_AND_COORDINATORS),
    Case("mentorships:transition", lambda w: ["acme", w.mentorship.pk],
         {**MEMBERS_AND_COORDINATORS, "mentor": REDIRECT, "mentee": REDIRECT, "coordinator": REDIRECT, "admin": REDIRECT},
         "post", lambda w: {"to_status": "paused", "reason": "holiday"}),
    Case("mentorships:agreement", lambda w: ["acme", w.mentorship.pk], MEMBERS_AND_COORDINATORS),
    Case("mentorships:agreement_edit", lambda w: ["acme", w.mentorship.pk], MEMBERS_ONLY),
    Case("mentorships:agreement_edit", lambda w: ["acme", w.mentorship.pk], MEMBERS_WRITE, "post", _agreement),
    # No version 1 yet: members get 404 for the missing version, like everyone else.
    Case("mentorships:agreement_confirm", lambda w: ["acme", w.mentorship.pk], MEMBERS_ONLY | {
        "mentor": MISSING, "mentee": MISSING}, "post", lambda w: {"version": "1"}),
    Case("mentorships:sessions", lambda w: ["acme", w.mentorship.pk], MEMBERS_AND_COORDINATORS),
    Case("mentorships:sessions", lambda w: ["acme", w.mentorship.pk], MEMBERS_WRITE, "post",
         lambda w: {"held_on": str(timezone.localdate()), "duration_minutes": "45", "channel": "video",
                    "topics": "Goals"}),
    Case("mentorships:note_add", lambda w: ["acme", w.mentorship.pk], MEMBERS_WRITE, "post",
         lambda w: {"body": "Remember the deck", "is_private": "on"}),
    Case("mentorships:concern", lambda w: ["acme", w.mentorship.pk], MEMBERS_ONLY),
    Case("mentorships:concern", lambda w: ["acme", w.mentorship.pk], MEMBERS_WRITE, "post",
         lambda w: {"body": "Something worries me"}),
    Case("mentorships:concerns", lambda w: ["acme"], COORDINATORS),
    # Only a completed mentorship has a certificate.
    Case("mentorships:certificate", lambda w: ["acme", w.mentorship.pk],
         {**dict.fromkeys(ROLES, MISSING), "anonymous": REDIRECT}),
    # The API: same rules; anonymous callers get 401.
    Case("api-1.0.0:mentorship_detail", lambda w: ["acme", w.mentorship.pk], API_READ),
    Case("api-1.0.0:agreement_read", lambda w: ["acme", w.mentorship.pk], API_READ),
    Case("api-1.0.0:agreement_propose", lambda w: ["acme", w.mentorship.pk], API_CREATE, "post", _agreement, True),
    Case("api-1.0.0:agreement_confirm", lambda w: ["acme", w.mentorship.pk, proposed_agreement(w).version], API_WRITE,
         "post", lambda w: {}, True),
    Case("api-1.0.0:session_logs", lambda w: ["acme", w.mentorship.pk], API_READ),
    Case("api-1.0.0:session_log_create", lambda w: ["acme", w.mentorship.pk], API_CREATE, "post",
         lambda w: {"held_on": str(timezone.localdate()), "duration_minutes": 45, "channel": "video",
                    "topics": "Goals", "private_note": "Mine only"}, True),
    Case("api-1.0.0:note_list", lambda w: ["acme", w.mentorship.pk], API_READ),
    Case("api-1.0.0:note_create", lambda w: ["acme", w.mentorship.pk], API_CREATE, "post",
         lambda w: {"body": "Remember the deck", "is_private": True}, True),
]

CROSS_TENANT: list[Case] = [
    Case("mentorships:home", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("mentorships:agreement", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("mentorships:sessions", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("mentorships:note_add", lambda w: ["acme", foreign_mentorship(w).pk], {}, "post", lambda w: {"body": "x"}),
    Case("mentorships:concern", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("mentorships:certificate", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("api-1.0.0:mentorship_detail", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("api-1.0.0:agreement_read", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("api-1.0.0:session_logs", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("api-1.0.0:note_list", lambda w: ["acme", foreign_mentorship(w).pk], {}),
    Case("api-1.0.0:note_create", lambda w: ["acme", foreign_mentorship(w).pk], {}, "post",
         lambda w: {"body": "x"}, True),
]
