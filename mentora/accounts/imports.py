"""People import from CSV: parse and check every row, preview, then apply all-or-nothing.

Columns (header row required, order free): name, email, department, job_title, level,
manager_email, location, timezone, languages (separated by ";" or ","). Only name and email
are required. Re-importing the same person updates them instead of creating a duplicate.
"""

from __future__ import annotations

import csv
import io
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership, PeopleImport, Role, User
from mentora.core.errors import Conflict, DomainError
from mentora.core.models import Organization, record_audit_event
from mentora.profiles.languages import normalize_language
from mentora.profiles.models import Profile

COLUMNS = ("name", "email", "department", "job_title", "level", "manager_email", "location", "timezone", "languages")
REQUIRED_COLUMNS = ("name", "email")
PROFILE_FIELDS = ("department", "job_title", "level", "location", "timezone", "languages")
ALIASES = {"full_name": "name", "job title": "job_title", "title": "job_title", "manager": "manager_email",
           "manager email": "manager_email", "time_zone": "timezone", "time zone": "timezone", "tz": "timezone"}


@dataclass
class ImportRow:
    line: int
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    action: str = "create"  # create | update | unchanged

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    file_errors: list[str]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for row in self.rows if row.errors)

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0 and bool(self.rows)

    def counts(self) -> dict[str, int]:
        result = {"create": 0, "update": 0, "unchanged": 0, "errors": self.error_count}
        for row in self.rows:
            if row.ok:
                result[row.action] += 1
        return result


def decode_upload(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("The file is not readable text. Save it as CSV (UTF-8)."), field="file")


def preview_people_csv(*, organization: Organization, content: str) -> ImportPreview:
    """Check every row without writing anything."""
    reader = csv.DictReader(io.StringIO(content))
    if not reader.fieldnames:
        return ImportPreview(rows=[], file_errors=[_("The file is empty.")])
    header = {name: ALIASES.get((name or "").strip().lower(), (name or "").strip().lower()) for name in reader.fieldnames}
    missing = [col for col in REQUIRED_COLUMNS if col not in header.values()]
    if missing:
        return ImportPreview(
            rows=[], file_errors=[_("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)}]
        )
    ignored_columns = sorted(v for v in header.values() if v not in COLUMNS)
    file_errors: list[str] = []
    rows: list[ImportRow] = []
    for line, raw in enumerate(reader, start=2):
        values = {header[k]: (v or "").strip() for k, v in raw.items() if k is not None and header.get(k) in COLUMNS}
        if not any(values.values()):
            continue
        rows.append(ImportRow(line=line, values=values))
    if len(rows) > settings.MENTORA_IMPORT_MAX_ROWS:
        return ImportPreview(rows=[], file_errors=[_("Too many rows (at most %(n)d).") % {"n": settings.MENTORA_IMPORT_MAX_ROWS}])
    if not rows:
        return ImportPreview(rows=[], file_errors=[_("The file has no people in it.")])

    emails_in_file: dict[str, int] = {}
    for row in rows:
        email = row.values.get("email", "").lower()
        row.values["email"] = email
        if not row.values.get("name"):
            row.errors.append(_("Name is missing."))
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(_("“%(email)s” is not a valid email address.") % {"email": email})
        else:
            if email in emails_in_file:
                row.errors.append(_("Duplicate of line %(line)d.") % {"line": emails_in_file[email]})
            else:
                emails_in_file[email] = row.line
        _check_level(row)
        _check_timezone(row)
        _check_languages(row)

    existing = {
        m.user.email.lower(): m
        for m in Membership.objects.filter(organization=organization).select_related("user", "profile")
        .filter(user__email__in=list(emails_in_file))
    }
    known_managers = set(emails_in_file) | set(
        Membership.objects.filter(organization=organization, is_active=True).values_list("user__email", flat=True)
    )
    for row in rows:
        manager = row.values.get("manager_email", "").lower()
        row.values["manager_email"] = manager
        if manager:
            if manager == row.values["email"]:
                row.errors.append(_("A person cannot be their own manager."))
            elif manager not in {e.lower() for e in known_managers}:
                row.errors.append(_("Unknown manager “%(email)s”.") % {"email": manager})
        membership = existing.get(row.values["email"])
        if membership is not None:
            row.action = "unchanged" if _is_unchanged(membership, row.values) else "update"
    return ImportPreview(rows=rows, file_errors=file_errors, ignored_columns=ignored_columns)


def _check_level(row: ImportRow) -> None:
    level = row.values.get("level", "")
    if not level:
        row.values["level"] = None
        return
    try:
        number = int(level)
    except ValueError:
        number = 0
    if not 1 <= number <= 10:
        row.errors.append(_("Level must be a whole number from 1 to 10, not “%(level)s”.") % {"level": level})
    row.values["level"] = number if 1 <= number <= 10 else None


def _check_timezone(row: ImportRow) -> None:
    zone = row.values.get("timezone", "")
    if not zone:
        row.values["timezone"] = "UTC"
        return
    if zone not in zoneinfo.available_timezones():
        row.errors.append(_("Unknown time zone “%(zone)s” (use a name like Europe/Paris).") % {"zone": zone})


def _check_languages(row: ImportRow) -> None:
    raw = row.values.get("languages", "")
    codes: list[str] = []
    for part in raw.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        code = normalize_language(part)
        if code is None:
            row.errors.append(_("Unknown language “%(lang)s”.") % {"lang": part})
        elif code not in codes:
            codes.append(code)
    row.values["languages"] = codes


def _is_unchanged(membership: Membership, values: dict[str, Any]) -> bool:
    profile = getattr(membership, "profile", None)
    if profile is None or membership.user.full_name != values.get("name") or not membership.is_active:
        return False
    manager_email = profile.manager.membership.user.email if profile.manager_id else ""  # type: ignore[union-attr]
    if manager_email != values.get("manager_email", ""):
        return False
    return all(getattr(profile, f) == values.get(f, getattr(profile, f)) for f in PROFILE_FIELDS)


@transaction.atomic
def apply_people_import(*, people_import: PeopleImport, applied_by: User | None) -> dict[str, int]:
    """Write every row or none; refuse if any row has an error. Return the counts."""
    locked = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
    if locked.status != PeopleImport.Status.PREVIEW:
        raise Conflict(_("This import was already applied or discarded."))
    organization = locked.organization
    preview = preview_people_csv(organization=organization, content=locked.content)
    if not preview.is_valid:
        raise DomainError(_("Fix the errors in the file and upload it again; nothing was imported."))
    counts = preview.counts()
    profiles_by_email: dict[str, Profile] = {}
    for row in preview.rows:
        values = row.values
        user = User.objects.filter(email__iexact=values["email"]).first()
        if user is None:
            user = User.objects.create_user(email=values["email"], password=None, full_name=values["name"])
        elif user.full_name != values["name"]:
            user.full_name = values["name"]
            user.save(update_fields=["full_name"])
        membership, _created = Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": Role.MEMBER}
        )
        if not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        profile, _created = Profile.objects.get_or_create(membership=membership)
        for name in PROFILE_FIELDS:
            if name in values and (values[name] not in ("", None) or name == "level"):
                setattr(profile, name, values[name])
        profile.save()
        profiles_by_email[values["email"]] = profile
    # Managers second, so a manager listed later in the file is found.
    for row in preview.rows:
        manager_email = row.values.get("manager_email")
        profile = profiles_by_email[row.values["email"]]
        manager = None
        if manager_email:
            manager = profiles_by_email.get(manager_email) or Profile.objects.get(
                membership__organization=organization, membership__user__email__iexact=manager_email
            )
        if profile.manager_id != (manager.pk if manager else None):
            profile.manager = manager
            profile.save(update_fields=["manager"])
    locked.status = PeopleImport.Status.APPLIED
    locked.applied_at = timezone.now()
    locked.summary = counts
    locked.save(update_fields=["status", "applied_at", "summary"])
    record_audit_event(
        organization=organization, actor=applied_by, action="people.import", target=locked, details=counts
    )
    return counts


def imported_emails(people_import: PeopleImport) -> list[str]:
    """The addresses an import lists (read back from its stored file)."""
    preview = preview_people_csv(organization=people_import.organization, content=people_import.content)
    return [str(row.values["email"]) for row in preview.rows if row.values.get("email")]
