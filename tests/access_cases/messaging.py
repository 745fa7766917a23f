"""Access-matrix entries for messaging: conversations are the members' alone (coordinators included
out); coordinators see reports."""

from __future__ import annotations

from typing import Any

from tests.access_cases import COORDINATORS, MISSING, REDIRECT, Case
from tests.access_cases.meetings import ANY_MEMBER, ANY_MEMBER_POST, API_PAIR_ONLY, PAIR_ONLY, PAIR_ONLY_POST
from tests.conftest import World

NO_CONTENT = 204
COORDINATORS_POST = {**COORDINATORS, "coordinator": REDIRECT, "admin": REDIRECT}


def message(w: World) -> Any:
    """A message by the mentor with a small text attachment (made on first use)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mentora.messaging.models import Message
    from mentora.messaging.services import conversation_for, post_message

    existing = Message.objects.filter(conversation__mentorship=w.mentorship).first()
    return existing or post_message(conversation=conversation_for(w.mentorship), author=w.mentor.user, body="hello",
                                    attachment=SimpleUploadedFile("notes.txt", b"notes", content_type="text/plain"))


def report(w: World) -> Any:
    from mentora.messaging.models import Report
    from mentora.messaging.services import report_message

    return Report.objects.first() or report_message(message=message(w), reporter=w.mentee.user, reason="rude")


CASES: list[Case] = [
    Case("messaging:inbox", lambda w: ["acme"], ANY_MEMBER),
    Case("messaging:preferences", lambda w: ["acme"], ANY_MEMBER_POST, "post", lambda w: {"digest_delay_minutes": 60}),
    Case("messaging:block", lambda w: ["acme", w.member.pk], ANY_MEMBER_POST, "post"),
    Case("messaging:reports", lambda w: ["acme"], COORDINATORS),
    Case("messaging:resolve_report", lambda w: ["acme", report(w).pk], COORDINATORS_POST, "post"),
    Case("messaging:conversation", lambda w: ["acme", w.mentorship.pk], PAIR_ONLY),
    Case("messaging:send", lambda w: ["acme", w.mentorship.pk], PAIR_ONLY_POST, "post", lambda w: {"body": "hi"}),
    Case("messaging:read", lambda w: ["acme", w.mentorship.pk], {**PAIR_ONLY, "mentor": NO_CONTENT, "mentee": NO_CONTENT}, "post"),
    # Only the author may edit (others get "not found"); deleting someone else's is refused with a message.
    Case("messaging:edit", lambda w: ["acme", message(w).pk], {**PAIR_ONLY, "mentee": MISSING}),
    Case("messaging:delete", lambda w: ["acme", message(w).pk], PAIR_ONLY_POST, "post"),
    Case("messaging:report", lambda w: ["acme", message(w).pk], PAIR_ONLY),
    Case("messaging:attachment", lambda w: ["acme", message(w).pk], PAIR_ONLY),
    Case("api-1.0.0:list_messages", lambda w: ["acme", w.mentorship.pk], API_PAIR_ONLY),
    Case("api-1.0.0:post_message", lambda w: ["acme", w.mentorship.pk], {**API_PAIR_ONLY, "mentor": 201, "mentee": 201},
         "post", lambda w: {"body": "hi"}, True),
]

CROSS_TENANT: list[Case] = []

