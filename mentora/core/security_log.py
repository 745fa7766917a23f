"""The security log: one JSON line per event that a security reviewer asks about.

Sign-ins (success, failure, throttled), expired sessions, access denials, API token use and
management, role changes, exports and downloads — each with the user, the UTC time, the client's
IP address and the request id (also sent back as `X-Request-ID`). It goes to the `mentora.security`
logger at INFO, one JSON object per line, so CR/LF and quotes in any value are escaped by the
encoding and a crafted email cannot forge a line.

Never logged: passwords, tokens, session keys, note or message bodies, diversity answers. Callers
pass identifiers and event names only; `event()` takes no free text from the request except the
attempted sign-in address and the path, both escaped.
"""

from __future__ import annotations

import contextvars
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger("mentora.security")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str
    path: str


current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("mentora_security_request", default=None)

# Audit-log actions that also belong in the security log (record_audit_event forwards them).
AUDITED = frozenset({
    "membership.role_change", "insights.export", "evidence.download", "invitation.create",
    "invitation.revoke", "invitation.accept", "organization.create", "diversity.policy_change",
    "people.import", "delivery.retry", "privacy.export", "privacy.erasure_request", "privacy.erasure",
    "privacy.erasure_decline", "privacy.export_for_member", "security.mfa_policy_change",
})


def event(name: str, *, user: Any = None, **fields: str | int | None) -> None:
    """Log one security event. `fields` are identifiers (ids, slugs, statuses), never content."""
    context = current.get()
    record: dict[str, Any] = {
        "event": name,
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "user_id": getattr(user, "pk", None) if user is not None else None,
        "ip": context.ip if context else None,
        "request_id": context.request_id if context else None,
    }
    if context and "path" not in fields:
        record["path"] = context.path
    record.update({key: value for key, value in fields.items() if value is not None})
    logger.info(json.dumps(record, ensure_ascii=True, separators=(",", ":")))
