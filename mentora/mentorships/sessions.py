"""Session logs and notes: shared with the other side, or private to their author."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.core.errors import DomainError
from mentora.goals.models import Goal
from mentora.goals.services import add_checklist_items
from mentora.mentorships.models import Mentorship, Note, SessionLog
from mentora.notifications.services import notify
from mentora.profiles.models import Channel

__all__ = ["add_note", "log_session"]


@transaction.atomic
def log_session(
    *, mentorship: Mentorship, author: Membership, held_on: date, duration_minutes: int, channel: str, topics: str,
    next_steps: str = "", next_steps_goal: Goal | None = None, shared_note: str = "", private_note: str = "",
) -> SessionLog:
    """Record a session; its next steps become checklist items of the chosen goal, and the notes
    are stored shared or private."""
    if held_on > timezone.localdate():
        raise DomainError(_("A session can only be logged once it has happened."), field="held_on")
    if not 1 <= duration_minutes <= 600:
        raise DomainError(_("A session lasts between 1 and 600 minutes."), field="duration_minutes")
    if channel not in Channel.values:
        raise DomainError(_("Choose a channel."), field="channel")
    if not topics.strip():
        raise DomainError(_("Say briefly what you talked about."), field="topics")
    if next_steps_goal is not None and next_steps_goal.mentorship_id != mentorship.pk:
        raise DomainError(_("Choose one of this mentorship's goals."), field="next_steps_goal")
    session_log = SessionLog.objects.create(
        mentorship=mentorship, logged_by=author, held_on=held_on, duration_minutes=duration_minutes,
        channel=channel, topics=topics.strip(), next_steps=next_steps.strip(),
    )
    if next_steps_goal is not None and session_log.next_step_lines():
        add_checklist_items(goal=next_steps_goal, texts=session_log.next_step_lines(), session_log=session_log)
    if shared_note.strip():
        add_note(mentorship=mentorship, author=author, body=shared_note, is_private=False, session_log=session_log)
    if private_note.strip():
        add_note(mentorship=mentorship, author=author, body=private_note, is_private=True, session_log=session_log)
    others = [m.membership.user for m in mentorship.active_members() if m.membership_id != author.pk]
    notify(
        recipients=others, organization=mentorship.program.organization, kind="session.logged",
        title=_("%(name)s logged your session of %(date)s.") % {"name": author.user.display_name, "date": held_on},
        url=reverse("mentorships:sessions", args=[mentorship.program.organization.slug, mentorship.pk]), email=False,
    )
    return session_log


def add_note(*, mentorship: Mentorship, author: Membership, body: str, is_private: bool,
             session_log: SessionLog | None = None) -> Note:
    """Add a note; a private one is readable by its author only (see `NoteQuerySet.visible_to`)."""
    if not body.strip():
        raise DomainError(_("A note cannot be empty."), field="body")
    if session_log is not None and session_log.mentorship_id != mentorship.pk:
        raise DomainError(_("That session belongs to another mentorship."))
    return Note.objects.create(mentorship=mentorship, author=author, body=body.strip(), is_private=is_private,
                               session_log=session_log)
