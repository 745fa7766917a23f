"""Writing goals, milestones, checklist items, evidence and comments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.core.errors import DomainError, StaleWrite
from mentora.core.ratelimit import limit
from mentora.goals.files import content_matches, evidence_kind
from mentora.goals.models import ChecklistItem, Evidence, Goal, GoalComment, GoalStatus, Milestone
from mentora.mentorships.models import MemberRole, Mentorship, SessionLog
from mentora.notifications.services import notify
from mentora.profiles.models import Skill

__all__ = [
    "add_checklist_items",
    "add_comment",
    "add_evidence",
    "add_milestone",
    "check_evidence_file",
    "save_goal",
    "set_goal_status",
    "set_item_done",
    "set_milestone_done",
]

GOAL_OWNER_ROLES = (MemberRole.MENTEE, MemberRole.PEER)
#: The evidence note's limit, as the model declares it (forms enforce it; so must the API).
EVIDENCE_NOTE_MAX = Evidence._meta.get_field("note").max_length or 4000


def _goal_url(goal: Goal) -> str:
    return reverse("goals:detail", args=[goal.mentorship.program.organization.slug, goal.pk])


def _check_target(mentorship: Mentorship, target_on: date, *, field: str = "target_on") -> None:
    if target_on < timezone.localdate():
        raise DomainError(_("Pick a date that is not in the past."), field=field)
    if mentorship.ends_on and target_on > mentorship.ends_on:
        raise DomainError(_("Pick a date before the mentorship ends (%(d)s).") % {"d": mentorship.ends_on}, field=field)


def _goal_owner(mentorship: Mentorship, author: Membership) -> Membership:
    seats = mentorship.active_members()
    mine = next((s for s in seats if s.membership_id == author.pk), None)
    if mine is not None and mine.role in GOAL_OWNER_ROLES:
        return author
    mentee = next((s for s in seats if s.role in GOAL_OWNER_ROLES), None)
    if mentee is None:
        raise DomainError(_("This mentorship has no mentee to own the goal."))
    return mentee.membership


@transaction.atomic
def save_goal(
    *, mentorship: Mentorship, author: Membership, title: str, description: str, measure: str, achievable: str,
    relevance: str, target_on: date, skill: Skill | None = None, goal: Goal | None = None,
    expected_version: int | None = None,
) -> Goal:
    """Create a goal (owned by the mentee; either side may write it) or update an existing one.

    `expected_version` is the version the writer read: when the goal moved on since, nothing is
    written and StaleWrite says so (two edits from the same stale read: the second is refused).
    """
    fields = {"title": title, "description": description, "measure": measure, "achievable": achievable,
              "relevance": relevance}
    for name, value in fields.items():
        if not value.strip():
            raise DomainError(_("This part of the goal is needed."), field=name)
    _check_target(mentorship, target_on)
    if skill is not None and skill.organization_id not in (None, mentorship.program.organization_id):
        raise DomainError(_("Choose a skill from the list."), field="skill")
    if goal is None:
        goal = Goal(mentorship=mentorship, owner=_goal_owner(mentorship, author), created_by=author)
    is_new = goal.pk is None
    if not is_new:
        values = {name: value.strip() for name, value in fields.items()} | {"target_on": target_on, "skill": skill}
        current = Goal.objects.filter(pk=goal.pk)
        if expected_version is not None:
            current = current.filter(version=expected_version)
        if not current.update(**values, version=F("version") + 1, updated_at=timezone.now()):
            raise StaleWrite(_("Someone changed this goal since you opened it. Their version is shown; your changes "
                               "are still in the form — save again to replace theirs."))
        goal.refresh_from_db()
        return goal
    for name, value in fields.items():
        setattr(goal, name, value.strip())
    goal.target_on = target_on
    goal.skill = skill
    goal.save()
    if is_new:
        others = [m.membership.user for m in mentorship.active_members() if m.membership_id != author.pk]
        notify(recipients=others, organization=mentorship.program.organization, kind="goal.created",
               title=_("New goal: %(title)s") % {"title": goal.title}, url=_goal_url(goal), email=False)
    return goal


def set_goal_status(*, goal: Goal, status: str) -> Goal:
    if status not in GoalStatus.values:
        raise DomainError(_("Choose a status."), field="status")
    goal.status = status
    goal.save(update_fields=["status", "updated_at"])
    return goal


def add_milestone(*, goal: Goal, title: str, due_on: date) -> Milestone:
    if not title.strip():
        raise DomainError(_("Name the milestone."), field="title")
    _check_target(goal.mentorship, due_on, field="due_on")
    return Milestone.objects.create(goal=goal, title=title.strip(), due_on=due_on)


def set_milestone_done(*, milestone: Milestone, done: bool) -> Milestone:
    milestone.done_at = timezone.now() if done else None
    milestone.save(update_fields=["done_at"])
    if done:  # reaching a milestone means the goal has started (as adding checklist items does)
        Goal.objects.filter(pk=milestone.goal_id, status=GoalStatus.NOT_STARTED).update(status=GoalStatus.IN_PROGRESS)
    return milestone


@transaction.atomic
def add_checklist_items(
    *, goal: Goal, texts: Sequence[str], milestone: Milestone | None = None, session_log: SessionLog | None = None,
) -> list[ChecklistItem]:
    cleaned = [t.strip()[:300] for t in texts if t.strip()]
    if not cleaned:
        raise DomainError(_("Write the step."), field="text")
    if milestone is not None and milestone.goal_id != goal.pk:
        raise DomainError(_("Choose one of this goal's milestones."), field="milestone")
    if goal.status == GoalStatus.NOT_STARTED:
        Goal.objects.filter(pk=goal.pk).update(status=GoalStatus.IN_PROGRESS)
    return ChecklistItem.objects.bulk_create(
        [ChecklistItem(goal=goal, milestone=milestone, session_log=session_log, text=t) for t in cleaned]
    )


def set_item_done(*, item: ChecklistItem, done: bool, by: Membership) -> ChecklistItem:
    item.done_at = timezone.now() if done else None
    item.done_by = by if done else None
    item.save(update_fields=["done_at", "done_by"])
    return item


def add_evidence(*, goal: Goal, author: Membership, url: str = "", note: str = "",
                 upload: UploadedFile | None = None) -> Evidence:
    """Add a link, a note and/or a file to the goal's portfolio. A file must be one of the allowed
    kinds (checked by extension *and* content, never by the browser's word alone) and within
    MENTORA_EVIDENCE_MAX_BYTES; it is stored under a random name and only served after an access check."""
    if not url.strip() and not note.strip() and upload is None:
        raise DomainError(_("Add a link, a note or a file."), field="url")
    if url.strip() and not url.strip().lower().startswith(("https://", "http://")):
        raise DomainError(_("Links start with https:// or http://."), field="url")
    if len(note.strip()) > EVIDENCE_NOTE_MAX:
        raise DomainError(_("Keep the note under %(n)d characters.") % {"n": EVIDENCE_NOTE_MAX}, field="note")
    evidence = Evidence(goal=goal, author=author, url=url.strip(), note=note.strip())
    if upload is not None:
        limit("upload", author.user)
        evidence.content_type = check_evidence_file(upload)
        evidence.file_name = Path(upload.name or "evidence").name[-255:]
        evidence.size = upload.size
        evidence.file.save("evidence", upload, save=False)
    try:
        with transaction.atomic():
            evidence.save()
    except Exception:
        if evidence.file:
            evidence.file.delete(save=False)  # no orphan file when the row cannot be written
        raise
    return evidence


def check_evidence_file(upload: UploadedFile) -> str:
    """Return the content type to serve the file with, or refuse it (size, kind, content)."""
    limit: int = getattr(settings, "MENTORA_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
    if upload.size is None or upload.size > limit:
        raise DomainError(_("Files can be up to %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, field="upload")
    if upload.size == 0:
        raise DomainError(_("That file is empty."), field="upload")
    kind = evidence_kind(upload.name or "")
    if kind is None:
        raise DomainError(_("Upload a PDF, an image (PNG, JPEG, GIF, WebP), a text file or an office document."),
                          field="upload")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not content_matches(kind, head):
        raise DomainError(_("The file's content does not match its type."), field="upload")
    return kind.content_type


@transaction.atomic
def add_comment(*, goal: Goal, author: Membership, body: str) -> GoalComment:
    if not body.strip():
        raise DomainError(_("A comment cannot be empty."), field="body")
    comment = GoalComment.objects.create(goal=goal, author=author, body=body.strip())
    mentorship = goal.mentorship
    others = [m.membership.user for m in mentorship.active_members() if m.membership_id != author.pk]
    notify(recipients=others, organization=mentorship.program.organization, kind="goal.comment",
           title=_("%(name)s commented on “%(goal)s”") % {"name": author.user.display_name, "goal": goal.title},
           url=_goal_url(goal), email=False)
    return comment
