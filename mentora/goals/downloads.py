"""Serving an evidence file, for the goal page and the API alike: access check, audit, safe headers."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from mentora.accounts.models import Membership
from mentora.core.access import is_mentorship_member
from mentora.core.models import record_audit_event
from mentora.goals.access import access_goal
from mentora.goals.models import Evidence


def evidence_file_response(membership: Membership, user: Any, evidence_id: int) -> HttpResponse:
    """Stream an evidence file to whoever may read its goal (members; coordinators, audited).
    Always as a download with our own content type: never rendered by the browser as a page."""
    goal_id = Evidence.objects.filter(pk=evidence_id).exclude(file="").values_list("goal_id", flat=True).first()
    if goal_id is None:
        raise Http404
    goal = access_goal(membership, goal_id)
    evidence = Evidence.objects.get(pk=evidence_id)
    if not is_mentorship_member(membership, goal.mentorship):
        record_audit_event(organization=membership.organization, actor=user, action="evidence.download",
                           target=goal.mentorship, details={"evidence": evidence.pk})
    with evidence.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition_header(True, evidence.file_name) or "attachment"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
