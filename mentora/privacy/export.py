"""Everything Mentora holds about one person, as one machine-readable archive.

`POLICY` decides, for every field of every model that points at a person (a user or one of their
memberships), whether the rows it points from are theirs to take (`Include`, with the fields that
are never given out, such as secrets or the name of someone who wrote anonymously) or not
(`Exclude`, with the reason). `tests/test_privacy_export.py` fails when a model gains such a field
and nobody decided — so a new table of personal data cannot be forgotten.

The archive is a zip: `data.json` (format `mentora.personal-data/1`: the person's account, then each
model's rows, field by field, as stored) and `files/` (their photo, evidence files and attachments).
The messages of others in the conversations they took part in are included (they could read them);
a mentor's private notes about them are not (they are the mentor's).
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from mentora.accounts.models import Membership, User

FORMAT = "mentora.personal-data/1"
COPY_CHUNK = 256 * 1024  # bytes of a file read at a time into the zip


@dataclass(frozen=True)
class Include:
    hidden: tuple[str, ...] = ()  # fields never exported from rows reached this way


@dataclass(frozen=True)
class Exclude:
    reason: str


NOT_ABOUT_THEM = "an organization's record of its own work, not data about this person (their part is in the audit log)"

POLICY: dict[tuple[str, str], Include | Exclude] = {
    ("core.AuditEvent", "actor"): Include(),
    ("accounts.Membership", "user"): Include(),
    ("accounts.Invitation", "invited_by"): Exclude("invitations they sent hold other people's addresses"),
    ("accounts.Invitation", "accepted_by"): Include(hidden=("token",)),
    ("accounts.ApiToken", "user"): Include(hidden=("key_hash",)),
    ("accounts.PeopleImport", "uploaded_by"): Exclude("an HR file about other people; the import is in the audit log"),
    ("profiles.Profile", "membership"): Include(),
    ("programs.Program", "created_by"): Exclude(NOT_ABOUT_THEM),
    ("programs.Enrollment", "membership"): Include(),
    ("programs.Enrollment", "decided_by"): Exclude("decisions they took about other people's applications"),
    ("programs.ProgramRetrospective", "updated_by"): Exclude(NOT_ABOUT_THEM),
    ("mentorships.Mentorship", "created_by"): Exclude("mentorships they created for others as a coordinator"),
    ("mentorships.MentorshipMember", "membership"): Include(),
    ("mentorships.MentorshipTransition", "actor"): Include(),
    ("mentorships.Agreement", "created_by"): Include(),
    ("mentorships.AgreementConfirmation", "membership"): Include(),
    ("mentorships.SessionLog", "logged_by"): Include(),
    ("mentorships.Note", "author"): Include(),
    ("mentorships.Concern", "reporter"): Include(),
    ("mentorships.Concern", "resolved_by"): Exclude("concerns other people raised"),
    ("meetings.MeetingSeries", "created_by"): Include(),
    ("meetings.Meeting", "booked_by"): Include(),
    ("meetings.Attendee", "user"): Include(),
    ("meetings.RoomSeat", "user"): Include(),
    ("meetings.CalendarFeed", "user"): Include(hidden=("token",)),
    ("meetings.ReminderPreference", "user"): Include(),
    ("messaging.Message", "author"): Include(),
    ("messaging.ReadMarker", "user"): Include(),
    ("messaging.Block", "blocker"): Include(),
    ("messaging.Block", "blocked"): Exclude("who blocked them is the other person's safety choice"),
    ("messaging.Report", "reporter"): Include(),
    ("messaging.Report", "message_author"): Exclude("a report of their message protects the person who made it"),
    ("messaging.Report", "resolved_by"): Exclude("reports other people made"),
    ("messaging.MessagingPreference", "user"): Include(),
    ("goals.Goal", "owner"): Include(),
    ("goals.Goal", "created_by"): Include(),
    ("goals.ChecklistItem", "done_by"): Include(),
    ("goals.Evidence", "author"): Include(),
    ("goals.GoalComment", "author"): Include(),
    ("goals.Quiz", "created_by"): Exclude(NOT_ABOUT_THEM),
    ("goals.QuizAttempt", "membership"): Include(),
    ("goals.MilestoneReview", "respondent"): Include(),
    ("feedback.CheckIn", "respondent"): Include(),
    ("feedback.Feedback", "author"): Include(),
    ("feedback.Feedback", "recipient"): Include(hidden=("author",)),  # feedback may be anonymous to them
    ("feedback.SelfAssessment", "membership"): Include(),
    ("feedback.Evaluation", "membership"): Include(),
    ("notifications.Notification", "recipient"): Include(),
    ("notifications.NotificationPreference", "user"): Include(),
    ("matching.RoundPause", "membership"): Include(),
    ("matching.MatchRun", "created_by"): Exclude("match runs they ran as a coordinator, about other people"),
    ("matching.MatchRun", "published_by"): Exclude("match runs they published as a coordinator"),
    ("matching.ProposedMatch", "mentee"): Exclude("a draft a coordinator may discard; published matches are their mentorships"),
    ("matching.ProposedMatch", "mentor"): Exclude("a draft a coordinator may discard; published matches are their mentorships"),
    ("matching.MentorshipRequest", "mentee"): Include(),
    ("matching.MentorshipRequest", "mentor"): Include(),
    ("insights.Nudge", "sent_by"): Exclude("notes they sent to others as a coordinator (each recipient has theirs)"),
    ("insights.ReportSubscription", "recipient"): Include(),
    ("insights.ReportSubscription", "created_by"): Exclude("report emails they set up for others"),
    ("insights.HrEvent", "membership"): Include(),
    ("insights.HrEvent", "imported_by"): Exclude("HR events about other people"),
    ("insights.ScheduledMessage", "created_by"): Exclude("messages they wrote to others as a coordinator"),
    ("insights.ScheduledMessage", "recipients"): Include(),
    # Two-step sign-in (allauth.mfa): which kinds they set up, when, and when last used; never `data`,
    # which holds the secrets (the authenticator app's key, recovery codes' seed, passkeys' public keys).
    ("mfa.Authenticator", "user"): Include(hidden=("data",)),
    ("privacy.ErasureRequest", "user"): Include(),
    ("privacy.ErasureRequest", "decided_by"): Exclude("other people's erasure requests they decided as an admin"),
}

#: Models of the libraries Mentora builds on that hold personal data, decided in POLICY like ours.
THIRD_PARTY_MODELS = frozenset({"mfa.Authenticator"})

#: Never exported from the account itself.
USER_HIDDEN = ("password",)


def personal_fields() -> Iterator[tuple[str, str]]:
    """Every (model, field) of Mentora's models that points at a user or a membership."""
    for model in apps.get_models():
        if not model.__module__.startswith("mentora.") and model._meta.label not in THIRD_PARTY_MODELS:
            continue
        for model_field in model._meta.get_fields():
            related = getattr(model_field, "related_model", None)
            if related in (User, Membership) and model_field.concrete and (
                    model_field.many_to_one or model_field.one_to_one or model_field.many_to_many):
                yield model._meta.label, model_field.name


def _row(instance: models.Model, hidden: tuple[str, ...]) -> dict[str, Any]:
    row = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.name in hidden or model_field.attname in hidden:
            continue
        value = getattr(instance, model_field.attname)
        row[model_field.attname] = value.name if isinstance(value, models.fields.files.FieldFile) else value
    return row


@dataclass
class PersonalData:
    user: User
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: list[tuple[str, models.fields.files.FieldFile]] = field(default_factory=list)


def collect(user: User) -> PersonalData:
    """Every row the policy gives this person, once each, with the files they hold."""
    memberships = list(Membership.objects.filter(user=user).values_list("pk", flat=True))
    data = PersonalData(user=user)
    seen: set[tuple[str, Any]] = set()
    for (label, field_name), policy in POLICY.items():
        if not isinstance(policy, Include):
            continue
        model = apps.get_model(label)
        target = model._meta.get_field(field_name).related_model
        lookup: dict[str, Any] = {field_name: user} if target is User else {f"{field_name}__in": memberships}
        for instance in model._default_manager.filter(**lookup).order_by("pk").distinct():
            if (label, instance.pk) in seen:
                continue
            seen.add((label, instance.pk))
            data.records.setdefault(label, []).append(_row(instance, policy.hidden))
            for file_field in instance._meta.concrete_fields:
                if isinstance(file_field, models.FileField) and file_field.name not in policy.hidden:
                    stored = getattr(instance, file_field.name)
                    if stored:
                        data.files.append((f"files/{label}/{instance.pk}-{file_field.name}-{stored.name.rsplit('/', 1)[-1]}", stored))
    data.records["messaging.Message (in their conversations)"] = _conversation_messages(user, memberships, seen)
    return data


def _conversation_messages(user: User, memberships: list[int], seen: set[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The messages others wrote in the conversations they belonged to (what they could read)."""
    from mentora.messaging.models import Message

    rows = []
    for message in (Message.objects.filter(conversation__mentorship__members__membership__in=memberships,
                                           deleted_at__isnull=True)
                    .exclude(author=user).order_by("pk").distinct()):
        if ("messaging.Message", message.pk) not in seen:
            rows.append(_row(message, ("attachment",)))
    return rows


def write_archive(user: User, target: IO[bytes], *, now: datetime | None = None) -> None:
    """Write the zip a person downloads — data.json and their files — into `target` (a temporary
    file for the download): files are copied in chunks, so a person with many large uploads never
    has their archive held in memory."""
    data = collect(user)
    document = {
        "format": FORMAT,
        "generated_at": (now or datetime.now(UTC)).isoformat(),
        "account": _row(user, USER_HIDDEN),
        "records": data.records,
        "not_included": {f"{label}.{name}": policy.reason for (label, name), policy in POLICY.items()
                         if isinstance(policy, Exclude)},
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("data.json", json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))
        for name, stored in data.files:
            try:
                with stored.open("rb") as handle, bundle.open(name, "w", force_zip64=True) as entry:
                    shutil.copyfileobj(handle, entry, COPY_CHUNK)
            except FileNotFoundError:
                continue  # listed in data.json; the file itself is gone


def archive(user: User, *, now: datetime | None = None) -> bytes:
    """The archive as bytes (for a test or a small script; the download streams a temporary file)."""
    buffer = io.BytesIO()
    write_archive(user, buffer, now=now)
    return buffer.getvalue()
