"""HR events from a CSV (email, date, event): every row checked, a preview, then all-or-nothing.

Columns (header row required, order free): `email`, `date` (YYYY-MM-DD), `event` — one of `hire`,
`promotion`, `role_change`, `exit` (or their words: "joined", "promoted", "role change", "left").
People are matched by email among the organization's members; an unknown email, a date that is not
a date or an event that is not one of these is an error on its line, and nothing is imported until
every line is right. Importing the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from mentora.accounts.imports import decode_upload
from mentora.accounts.models import Membership, User
from mentora.core.errors import DomainError
from mentora.core.models import Organization, record_audit_event
from mentora.core.timebounds import check_date

from .models import HrEvent, HrEventKind

__all__ = ["MAX_BYTES", "HrPreview", "HrRow", "apply_hr_events", "preview_hr_events"]

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 50_000
KIND_WORDS: dict[str, str] = {
    "hire": HrEventKind.HIRE, "hired": HrEventKind.HIRE, "joined": HrEventKind.HIRE, "start": HrEventKind.HIRE,
    "promotion": HrEventKind.PROMOTION, "promoted": HrEventKind.PROMOTION,
    "role_change": HrEventKind.ROLE_CHANGE, "role change": HrEventKind.ROLE_CHANGE, "transfer": HrEventKind.ROLE_CHANGE,
    "exit": HrEventKind.EXIT, "left": HrEventKind.EXIT, "leaver": HrEventKind.EXIT, "termination": HrEventKind.EXIT,
}


@dataclass
class HrRow:
    line: int
    email: str
    occurred_on: date | None
    kind: str
    membership_id: int | None = None
    errors: list[str] = field(default_factory=list)
    is_new: bool = True


@dataclass
class HrPreview:
    rows: list[HrRow]
    file_errors: list[str]

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for row in self.rows if row.errors)

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0 and bool(self.rows)

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.is_new and not row.errors)


def preview_hr_events(*, organization: Organization, content: bytes) -> HrPreview:
    """Check every line of the file against the organization's members (3 queries)."""
    if len(content) > MAX_BYTES:
        raise DomainError(_("The file is larger than 2 MB: split it in parts."), field="file")
    reader = csv.DictReader(io.StringIO(decode_upload(content)))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in ("email", "date", "event") if name not in header]
    if missing:
        return HrPreview([], [_("Missing columns: %(cols)s (the header row needs email, date and event).")
                              % {"cols": ", ".join(missing)}])
    reader.fieldnames = header
    rows: list[HrRow] = []
    for number, raw in enumerate(reader, start=2):
        if len(rows) >= MAX_ROWS:
            return HrPreview(rows, [_("More than %(n)d lines: split the file.") % {"n": MAX_ROWS}])
        email = (raw.get("email") or "").strip().lower()
        word = (raw.get("event") or "").strip().lower()
        kind = KIND_WORDS.get(word) or KIND_WORDS.get(word.replace("-", " ").replace("_", " "), "")
        row = HrRow(number, email, None, kind)
        try:
            row.occurred_on = date.fromisoformat((raw.get("date") or "").strip())
        except ValueError:
            row.errors.append(_("The date must look like 2026-03-31."))
        else:
            try:
                check_date(row.occurred_on)
            except ValueError as error:
                row.errors.append(str(error))
        if not kind:
            row.errors.append(_("The event must be hire, promotion, role_change or exit."))
        if not email:
            row.errors.append(_("The email is missing."))
        rows.append(row)
    members = dict(Membership.objects.filter(organization=organization, user__email__in={r.email for r in rows if r.email})
                   .values_list("user__email", "pk"))
    members = {email.lower(): pk for email, pk in members.items()}
    existing = set(HrEvent.objects.filter(organization=organization, membership_id__in=members.values())
                   .values_list("membership_id", "kind", "occurred_on"))
    seen: set[tuple[int, str, date]] = set()
    for row in rows:
        if row.email and row.email not in members:
            row.errors.append(_("Nobody with this email is a member of the organization."))
            continue
        row.membership_id = members.get(row.email)
        if row.membership_id is not None and row.occurred_on is not None and row.kind:
            key = (row.membership_id, row.kind, row.occurred_on)
            row.is_new = key not in existing and key not in seen
            seen.add(key)
    if not rows:
        return HrPreview([], [_("The file has no lines after the header.")])
    return HrPreview(rows, [])


@transaction.atomic
def apply_hr_events(*, organization: Organization, content: bytes, imported_by: User) -> int:
    """Import every new event of a file that checks out entirely; return how many were added."""
    preview = preview_hr_events(organization=organization, content=content)
    if not preview.is_valid:
        raise DomainError(_("Fix the errors in the file first: nothing was imported."), field="file")
    new = [HrEvent(organization=organization, membership_id=row.membership_id, kind=row.kind,
                   occurred_on=row.occurred_on, imported_by=imported_by)
           for row in preview.rows if row.is_new and row.membership_id is not None and row.occurred_on is not None]
    HrEvent.objects.bulk_create(new, ignore_conflicts=True)
    record_audit_event(organization=organization, actor=imported_by, action="insights.hr_import", target=organization,
                       details={"lines": len(preview.rows), "added": len(new)})
    return len(new)
