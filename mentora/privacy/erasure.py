"""Erasure of a person (GDPR Art. 17): their account, profile, answers, notes and files go; what
others need stays, shown as "Former member".

`POLICY` decides, for every field of every model that points at a person (a user or one of their
memberships), what happens to the rows it points from when that person is erased:

- `Delete` — the rows are theirs (their notes, answers, goals, check-ins, files, tokens…) and go.
- `Blank` — the rows are shared with others and stay, pointing at the pseudonymised account, with
  the listed fields emptied (the private words they wrote there) and their files deleted.
- `Keep` — the rows stay as they are, with the reason (the other side's goals, a circle's
  conversation, an organization's record of its own work); the person in them now reads
  "Former member".

`tests/test_privacy_erasure.py` fails when a model gains such a field and nobody decided.

The account row itself is kept, pseudonymised, so that everything kept still points at someone:
its email becomes `erased-<id>@invalid`, its name "Former member", its password unusable, and it is
inactive (it can never sign in again). Its memberships are kept inactive for the same reason, and
its profile is kept empty (skills, availability and diversity answers deleted, photo removed).
Beyond the foreign keys: their allauth addresses, sessions, invitations addressed to them, queued
emails to their address, and every copy of their email or name in logs kept in the database (audit
labels and details, notifications to others, queued tasks, match-run snapshots, import files) are
deleted or rewritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from mentora.accounts.models import Membership, User

FORMER_MEMBER = "Former member"


@dataclass(frozen=True)
class Delete:
    pass


@dataclass(frozen=True)
class Blank:
    fields: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Keep:
    reason: str


NOT_THEIRS = "an organization's record of its own work; their part now reads Former member"
SHARED = "shared with the other members, who still need it; they show as Former member"

POLICY: dict[tuple[str, str], Delete | Blank | Keep] = {
    ("core.AuditEvent", "actor"): Keep("the organization's record of what was done; labels and details are scrubbed of their email and name"),
    ("accounts.Membership", "user"): Keep("kept inactive so the mentorships, meetings and goals of others still point at someone"),
    ("accounts.Invitation", "invited_by"): Keep("invitations they sent are about other people"),
    ("accounts.Invitation", "accepted_by"): Delete(),
    ("accounts.ApiToken", "user"): Delete(),
    ("accounts.PeopleImport", "uploaded_by"): Keep("an HR file about other people; their own row in any file is scrubbed"),
    ("profiles.Profile", "membership"): Blank(
        ("headline", "bio", "department", "job_title", "level", "location", "timezone", "languages", "manager",
         "goals", "interests", "communication_preferences", "learning_style", "preferred_cadence",
         "session_length_minutes", "photo"),
        "kept empty so pages that show a member still work; skills, availability and diversity answers are deleted"),
    ("programs.Program", "created_by"): Keep(NOT_THEIRS),
    ("programs.Enrollment", "membership"): Delete(),
    ("programs.Enrollment", "decided_by"): Keep("decisions they took about other people's applications"),
    ("programs.ProgramRetrospective", "updated_by"): Keep(NOT_THEIRS),
    ("mentorships.Mentorship", "created_by"): Keep("mentorships they created for others as a coordinator"),
    ("mentorships.MentorshipMember", "membership"): Keep("the others' mentorship or circle still shows who was in it (they have left it)"),
    ("mentorships.MentorshipTransition", "actor"): Blank(("reason",), "the mentorship's history stays; why they moved it may be private"),
    ("mentorships.Agreement", "created_by"): Keep("the agreement is both sides' charter"),
    ("mentorships.AgreementConfirmation", "membership"): Keep("the agreement is both sides' charter"),
    ("mentorships.SessionLog", "logged_by"): Keep("the session log is shared by the mentorship"),
    ("mentorships.Note", "author"): Delete(),
    ("mentorships.Concern", "reporter"): Blank(("body",), "coordinators keep the record that a concern was raised, not its words"),
    ("mentorships.Concern", "resolved_by"): Keep("concerns other people raised"),
    ("meetings.MeetingSeries", "created_by"): Keep("the other side's meetings"),
    ("meetings.Meeting", "booked_by"): Keep("the other side's meetings"),
    ("meetings.Attendee", "user"): Keep("the other side's meeting, as it was attended"),
    ("meetings.RoomSeat", "user"): Delete(),
    ("meetings.CalendarFeed", "user"): Delete(),
    ("meetings.ReminderPreference", "user"): Delete(),
    ("messaging.Message", "author"): Blank(("attachment", "attachment_name", "attachment_type", "attachment_size"),
                                           "a conversation others took part in stays whole, signed Former member; their files go"),
    ("messaging.ReadMarker", "user"): Delete(),
    ("messaging.Block", "blocker"): Delete(),
    ("messaging.Block", "blocked"): Delete(),
    ("messaging.Report", "reporter"): Blank(("reason",), "moderators keep the record of a report, not the reporter's words"),
    ("messaging.Report", "message_author"): Keep("a copy of a message that stays in its conversation"),
    ("messaging.Report", "resolved_by"): Keep("reports other people made"),
    ("messaging.MessagingPreference", "user"): Delete(),
    ("goals.Goal", "owner"): Delete(),
    ("goals.Goal", "created_by"): Keep("a goal they wrote for the other side is the other side's goal"),
    ("goals.ChecklistItem", "done_by"): Keep("the other side's goals"),
    ("goals.Evidence", "author"): Delete(),
    ("goals.GoalComment", "author"): Keep(SHARED),
    ("goals.Quiz", "created_by"): Keep(NOT_THEIRS),
    ("goals.QuizAttempt", "membership"): Delete(),
    ("goals.MilestoneReview", "respondent"): Delete(),
    ("feedback.CheckIn", "respondent"): Delete(),
    ("feedback.Feedback", "author"): Keep("feedback they gave belongs to the person who received it"),
    ("feedback.Feedback", "recipient"): Delete(),
    ("feedback.SelfAssessment", "membership"): Delete(),
    ("feedback.Evaluation", "membership"): Delete(),
    ("notifications.Notification", "recipient"): Delete(),
    ("notifications.NotificationPreference", "user"): Delete(),
    ("matching.RoundPause", "membership"): Delete(),
    ("matching.MatchRun", "created_by"): Keep("match runs they ran as a coordinator, about other people"),
    ("matching.MatchRun", "published_by"): Keep("match runs they published as a coordinator"),
    ("matching.ProposedMatch", "mentee"): Delete(),
    ("matching.ProposedMatch", "mentor"): Delete(),
    ("matching.MentorshipRequest", "mentee"): Delete(),
    ("matching.MentorshipRequest", "mentor"): Delete(),
    ("insights.Nudge", "sent_by"): Keep("notes they sent to others as a coordinator belong to the recipients"),
    ("insights.ReportSubscription", "recipient"): Delete(),
    ("insights.ReportSubscription", "created_by"): Keep("report emails they set up for others"),
    ("insights.HrEvent", "membership"): Delete(),
    ("insights.HrEvent", "imported_by"): Keep("HR events about other people"),
    ("insights.ScheduledMessage", "created_by"): Keep("messages they wrote to others as a coordinator"),
    ("insights.ScheduledMessage", "recipients"): Delete(),  # they leave the list; the message stays
    ("privacy.ErasureRequest", "user"): Keep("the record that their erasure was asked for and carried out"),
    ("privacy.ErasureRequest", "decided_by"): Keep("requests of other people they decided as an admin"),
}

#: Rows that hold the person's words or files without pointing at them directly: deleted with their parent.
CHILDREN: dict[str, tuple[str, str]] = {
    "profiles.ProfileSkill": ("profile", "profiles.Profile"),
    "profiles.AvailabilitySlot": ("profile", "profiles.Profile"),
    "profiles.DiversityAnswer": ("profile", "profiles.Profile"),
}

#: Copies of identifiers kept in logs, queues and snapshots: rewritten wherever their email or name appears.
SCRUBBED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core.AuditEvent", ("target_label", "details")),
    ("core.OutboxEntry", ("label", "kwargs", "last_error")),
    ("django_tasks_database.DBTaskResult", ("args_kwargs", "return_value", "traceback")),
    ("notifications.Notification", ("title", "body")),
    ("accounts.PeopleImport", ("filename", "content", "summary")),
    ("matching.MatchRun", ("input_snapshot", "quality", "unmatched", "error")),
    ("mentorships.MentorshipTransition", ("reason",)),
    ("messaging.Report", ("message_body",)),
    ("insights.ScheduledMessage", ("label",)),
    ("admin.LogEntry", ("object_repr", "change_message")),
)


def personal_fields() -> list[tuple[str, str]]:
    """Every (model, field) of Mentora's models that points at a user or a membership."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("mentora."):
            continue
        for model_field in model._meta.get_fields():
            related = getattr(model_field, "related_model", None)
            if related in (User, Membership) and model_field.concrete and (
                    model_field.many_to_one or model_field.one_to_one or model_field.many_to_many):
                found.append((model._meta.label, model_field.name))
    return found


def library_fields() -> list[tuple[str, str]]:
    """Every (model, field) of the libraries' models (allauth addresses and authenticators, the
    admin's log…) that points at a user: all their rows go with the person."""
    found = []
    for model in apps.get_models():
        if model.__module__.startswith("mentora."):
            continue
        for model_field in model._meta.get_fields():
            if getattr(model_field, "related_model", None) is User and model_field.concrete and model_field.many_to_one:
                found.append((model._meta.label, model_field.name))
    return found


def blank_value(model_field: models.Field[Any, Any]) -> Any:
    """What a field holds when nothing was ever written in it."""
    if model_field.has_default():
        return model_field.get_default()
    if model_field.null:
        return None
    return ""


def identifiers(user: User) -> list[str]:
    """The strings that name this person in text Mentora wrote: their email, then their full name
    (and the email's local part, which pages show when there is no name, when it cannot be an
    ordinary word: it holds a dot, a dash, an underscore or a digit).

    First and last names alone are not searched for: "May" or "Will" would rewrite other people's
    words, and Mentora never writes a first name alone (the account's own name fields are blanked)."""
    local = user.email.split("@")[0]
    names = {user.full_name, f"{user.first_name} {user.last_name}".strip()}
    if re.search(r"[._\-0-9]", local):
        names.add(local)
    # The email first (it may hold their name), then the longest name first.
    return [user.email, *sorted((n for n in names if n and len(n) >= 3), key=len, reverse=True)]


def scrubber(user: User) -> Callable[[str], str]:
    """A function that replaces this person's email and names in a text with "Former member"."""
    erased = f"erased-{user.pk}@invalid"
    patterns = [(re.compile(re.escape(name), re.IGNORECASE) if "@" in name
                 else re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE),
                 erased if "@" in name else FORMER_MEMBER) for name in identifiers(user)]

    def scrub(text: str) -> str:
        for pattern, replacement in patterns:
            text = pattern.sub(replacement, text)
        return text

    return scrub


def scrub_value(value: Any, scrub: Callable[[str], str]) -> Any:
    """`value` with every string in it scrubbed (JSON values are walked, keys included)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [scrub_value(item, scrub) for item in value]
    if isinstance(value, dict):
        return {scrub(str(key)): scrub_value(item, scrub) for key, item in value.items()}
    return value


def mentions(value: Any, needles: list[str]) -> bool:
    text = (value if isinstance(value, str) else json.dumps(value, default=str)).lower()
    return any(needle.lower() in text for needle in needles)
