"""Posting, editing, deleting and reading messages; attachments; blocks, reports and digests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import User
from mentora.core import counts
from mentora.core.errors import Conflict, DomainError, NotAllowed
from mentora.core.models import Organization, record_audit_event
from mentora.core.outbox import enqueue_on_commit
from mentora.core.ratelimit import limit
from mentora.mentorships.models import Mentorship, MentorshipMember
from mentora.messaging import realtime
from mentora.messaging.models import (
    DEFAULT_DIGEST_DELAY_MINUTES,
    Block,
    Conversation,
    Message,
    MessagingPreference,
    ReadMarker,
    Report,
)

# Extension → (content type, leading bytes that file must start with; empty = text, checked for NUL bytes).
ALLOWED_ATTACHMENTS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
    ".md": ("text/markdown", ()),
    ".csv": ("text/csv", ()),
    ".webm": ("audio/webm", (b"\x1a\x45\xdf\xa3",)),  # short voice notes
    ".ogg": ("audio/ogg", (b"OggS",)),
    ".m4a": ("audio/mp4", (b"\x00\x00\x00",)),
}


class MessageLocked(Conflict):
    """The message can no longer be edited or deleted (too old, or not yours)."""


def conversation_for(mentorship: Mentorship) -> Conversation:
    conversation, _created = Conversation.objects.get_or_create(mentorship=mentorship)
    conversation.mentorship = mentorship  # the caller's (access-checked, program loaded): no second fetch
    return conversation


def member_users(conversation: Conversation) -> list[User]:
    return list(User.objects.filter(
        memberships__mentorship_memberships__mentorship_id=conversation.mentorship_id,
        memberships__mentorship_memberships__left_at__isnull=True,
    ).distinct())


def is_member(user: User, conversation: Conversation) -> bool:
    return MentorshipMember.objects.filter(mentorship_id=conversation.mentorship_id, membership__user=user,
                                           membership__is_active=True, left_at__isnull=True).exists()


def check_attachment(upload: UploadedFile) -> tuple[str, str]:
    """Return (safe file name, content type) or raise DomainError: size limit, allowed type, content matches."""
    name = PurePath(upload.name or "file").name[-150:]
    extension = PurePath(name).suffix.lower()
    if (upload.size or 0) > settings.MENTORA_ATTACHMENT_MAX_BYTES:
        raise DomainError(_("Files can be up to %(mb)d MB.") % {"mb": settings.MENTORA_ATTACHMENT_MAX_BYTES // 2**20},
                          field="attachment")
    if extension not in ALLOWED_ATTACHMENTS:
        raise DomainError(_("That type of file cannot be attached."), field="attachment")
    content_type, signatures = ALLOWED_ATTACHMENTS[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    matches = any(head.startswith(s) for s in signatures) if signatures else b"\x00" not in head
    if not matches:
        raise DomainError(_("The file's content does not match its type."), field="attachment")
    return name, content_type


@transaction.atomic
def post_message(*, conversation: Conversation, author: User, body: str = "", attachment: UploadedFile | None = None) -> Message:
    """Add a message (text and/or a file) from a current member; everyone sees it live after commit."""
    if not is_member(author, conversation):
        raise NotAllowed(_("Only the mentorship's members can write here."))
    if not conversation.mentorship.is_open:
        raise Conflict(_("This mentorship is closed; the conversation is read-only."))
    body = body.strip()
    if not body and attachment is None:
        raise DomainError(_("Write a message or attach a file."), field="body")
    if len(body) > 8000:
        raise DomainError(_("Messages can be up to 8000 characters."), field="body")
    limit("message", author)
    message = Message(conversation=conversation, author=author, body=body)
    if attachment is not None:
        limit("upload", author)
        name, content_type = check_attachment(attachment)
        message.attachment_name, message.attachment_type, message.attachment_size = name, content_type, attachment.size or 0
        message.attachment.save(name, attachment, save=False)
    message.save()
    _mark_read(conversation=conversation, user=author, message_id=message.pk)
    forget_unread(conversation)
    realtime.push_message(conversation_id=conversation.pk, message_id=message.pk, event="created")
    _schedule_digests(conversation, exclude=author)
    return message


@transaction.atomic
def edit_message(*, message: Message, editor: User, body: str) -> Message:
    message = Message.objects.select_for_update().get(pk=message.pk)
    if not message.is_editable_by(editor):
        raise MessageLocked(_("You can only edit your own messages, within %(n)d minutes.") % {
            "n": settings.MENTORA_MESSAGE_EDIT_MINUTES})
    body = body.strip()
    if not body and not message.attachment:
        raise DomainError(_("Write a message, or delete it instead."), field="body")
    message.body, message.edited_at = body[:8000], timezone.now()
    message.save(update_fields=["body", "edited_at"])
    realtime.push_message(conversation_id=message.conversation_id, message_id=message.pk, event="updated")
    return message


@transaction.atomic
def delete_message(*, message: Message, deleter: User) -> Message:
    """Remove the text and file of one's own recent message; a tombstone stays in the thread."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if not message.is_editable_by(deleter):
        raise MessageLocked(_("You can only delete your own messages, within %(n)d minutes.") % {
            "n": settings.MENTORA_MESSAGE_EDIT_MINUTES})
    if message.attachment:
        message.attachment.delete(save=False)
    message.body, message.attachment, message.attachment_name, message.deleted_at = "", "", "", timezone.now()
    message.save(update_fields=["body", "attachment", "attachment_name", "deleted_at"])
    forget_unread(message.conversation)
    realtime.push_message(conversation_id=message.conversation_id, message_id=message.pk, event="deleted")
    return message


def _mark_read(*, conversation: Conversation, user: User, message_id: int) -> bool:
    # Only ever moves forward, in one conditional UPDATE (no lost update between two tabs).
    ReadMarker.objects.get_or_create(conversation=conversation, user=user)
    moved = ReadMarker.objects.filter(conversation=conversation, user=user, last_read_id__lt=message_id).update(
        last_read_id=message_id, last_read_at=timezone.now())
    return bool(moved)


@transaction.atomic
def mark_read(*, conversation: Conversation, user: User, message_id: int | None = None) -> int:
    """Mark the conversation read up to `message_id` (default: the latest); tell the others ("seen")."""
    latest = conversation.messages.order_by("-pk").values_list("pk", flat=True).first() or 0
    upto = min(message_id, latest) if message_id is not None else latest
    if upto and _mark_read(conversation=conversation, user=user, message_id=upto):
        forget_unread(conversation, user_ids=[user.pk])
        realtime.push_read(conversation_id=conversation.pk, user_id=user.pk, message_id=upto)
    return upto


def blocked_ids(user: User, organization: Organization | int) -> set[int]:
    return set(Block.objects.filter(blocker=user, organization=organization).values_list("blocked_id", flat=True))


def unread_counts(*, user: User, conversations: Sequence[Conversation], organization: Organization) -> dict[int, int]:
    """Unread messages per conversation (others' live messages after the person's read marker, minus blocked)."""
    markers = dict(ReadMarker.objects.filter(user=user, conversation__in=conversations).values_list("conversation_id", "last_read_id"))
    blocked = blocked_ids(user, organization)
    condition = Q()
    for conversation in conversations:
        condition |= Q(conversation_id=conversation.pk, pk__gt=markers.get(conversation.pk, 0))
    if not conversations:
        return {}
    rows = (Message.objects.visible().filter(condition).exclude(author=user).exclude(author_id__in=blocked)
            .values("conversation_id").annotate(n=Count("pk")))
    return {row["conversation_id"]: row["n"] for row in rows}


def total_unread(*, user: User, organization: Organization) -> int:
    """Unread messages across the person's conversations in the organization (cached: see `forget_unread`)."""
    def compute() -> int:
        conversations = list(Conversation.objects.filter(
            mentorship__members__membership__user=user, mentorship__members__left_at__isnull=True,
            mentorship__program__organization=organization))
        return sum(unread_counts(user=user, conversations=conversations, organization=organization).values())

    return counts.cached_count("messages", user_id=user.pk, organization_id=organization.pk, compute=compute)


def forget_unread(conversation: Conversation, *, user_ids: Iterable[int] | None = None) -> None:
    """The unread counts of the conversation's members (or of `user_ids`) changed: drop the cached ones."""
    mentorship = conversation.mentorship if Conversation.mentorship.is_cached(conversation) else None
    organization_id: int | None
    if mentorship is not None and Mentorship.program.is_cached(mentorship):
        organization_id = mentorship.program.organization_id  # already at hand (the conversation page)
    else:
        organization_id = Conversation.objects.filter(pk=conversation.pk).values_list(
            "mentorship__program__organization_id", flat=True).first()
    if organization_id is None:
        return
    if user_ids is None:
        user_ids = MentorshipMember.objects.filter(mentorship__conversation=conversation).values_list(
            "membership__user_id", flat=True)
    counts.forget("messages", user_ids=list(user_ids), organization_id=organization_id)


def seen_by(conversation: Conversation, message: Message) -> list[str]:
    """Names of the other members who have read up to this message."""
    readers = ReadMarker.objects.filter(conversation=conversation, last_read_id__gte=message.pk).exclude(
        user_id=message.author_id or 0).values("user_id")
    return [user.display_name for user in User.objects.filter(pk__in=readers)]


@transaction.atomic
def block_person(*, blocker: User, blocked: User, organization: Organization) -> Block:
    if blocker.pk == blocked.pk:
        raise DomainError(_("You cannot block yourself."))
    block, _created = Block.objects.get_or_create(organization=organization, blocker=blocker, blocked=blocked)
    counts.forget("messages", user_ids=[blocker.pk], organization_id=organization.pk)
    return block


@transaction.atomic
def unblock_person(*, blocker: User, blocked: User, organization: Organization) -> None:
    Block.objects.filter(organization=organization, blocker=blocker, blocked=blocked).delete()
    counts.forget("messages", user_ids=[blocker.pk], organization_id=organization.pk)


@transaction.atomic
def report_message(*, message: Message, reporter: User, reason: str) -> Report:
    """Send a message to the coordinators' attention (they see this message only, never the conversation)."""
    from mentora.accounts.models import Membership
    from mentora.notifications.services import notify

    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say briefly what is wrong."), field="reason")
    if message.author_id == reporter.pk:
        raise DomainError(_("You cannot report your own message."))
    organization = message.conversation.mentorship.program.organization
    try:
        with transaction.atomic():
            report = Report.objects.create(organization=organization, message=message, reporter=reporter, reason=reason[:2000],
                                           message_author_id=message.author_id, message_body=message.body)
    except IntegrityError:
        raise Conflict(_("You have already reported this message.")) from None
    coordinators = [m.user for m in Membership.objects.filter(organization=organization, is_active=True,
                                                               role__in=["admin", "coordinator"]).select_related("user")]
    from django.urls import reverse

    notify(recipients=coordinators, organization=organization, kind="message.reported",
           title=_("A message was reported"), body=reason[:300], url=reverse("messaging:reports", args=[organization.slug]))
    record_audit_event(organization=organization, actor=reporter, action="message.report", target=report)
    return report


@transaction.atomic
def resolve_report(*, report: Report, resolved_by: User, resolution: str = "") -> Report:
    if report.resolved_at is not None:
        raise Conflict(_("This report is already resolved."))
    report.resolved_at, report.resolved_by, report.resolution = timezone.now(), resolved_by, resolution.strip()[:2000]
    report.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    record_audit_event(organization=report.organization, actor=resolved_by, action="message.report.resolve", target=report)
    return report


def digest_delay_for(user: User) -> int:
    preference = MessagingPreference.objects.filter(user=user).first()
    return preference.digest_delay_minutes if preference else DEFAULT_DIGEST_DELAY_MINUTES


@transaction.atomic
def set_digest_delay(*, user: User, minutes: int) -> MessagingPreference:
    if minutes < 0 or minutes > 7 * 24 * 60:
        raise DomainError(_("Choose a delay up to a week."), field="digest_delay_minutes")
    preference, _created = MessagingPreference.objects.update_or_create(user=user, defaults={"digest_delay_minutes": minutes})
    return preference


def _schedule_digests(conversation: Conversation, *, exclude: User) -> None:
    """When the task backend can defer, run the digest check at each recipient's delay."""
    from django_tasks import default_task_backend

    from mentora.messaging.tasks import send_unread_digests

    if not default_task_backend.supports_defer:
        return  # `manage.py send_message_digests` from cron covers it
    delays = {digest_delay_for(u) for u in member_users(conversation) if u.pk != exclude.pk} - {0}
    now = timezone.now()

    for minutes in delays:
        enqueue_on_commit(send_unread_digests, run_after=now + timedelta(minutes=minutes, seconds=30),
                          label="Unread message digests")


def send_due_digests(*, now: datetime | None = None) -> int:
    """Email each person the messages still unread after their chosen delay (once per message). Returns emails sent."""
    from django.urls import reverse

    from mentora.notifications.services import notify

    now = now or timezone.now()
    sent = 0
    rows = (MentorshipMember.objects.filter(left_at__isnull=True, mentorship__conversation__isnull=False)
            .select_related("membership__user", "mentorship__conversation", "mentorship__program__organization"))
    preferences = {p.user_id: p.digest_delay_minutes for p in MessagingPreference.objects.all()}
    for member in rows:
        user, conversation = member.membership.user, member.mentorship.conversation  # type: ignore[attr-defined]
        delay = preferences.get(user.pk, DEFAULT_DIGEST_DELAY_MINUTES)
        if delay == 0:
            continue
        organization = member.mentorship.program.organization
        marker, _created = ReadMarker.objects.get_or_create(conversation=conversation, user=user)
        after = max(marker.last_read_id, marker.digested_up_to_id)
        unread = list(Message.objects.visible().filter(conversation=conversation, pk__gt=after,
                                                       created_at__lte=now - timedelta(minutes=delay))
                      .exclude(author=user).exclude(author_id__in=blocked_ids(user, organization))
                      .select_related("author").order_by("pk")[:50])
        if not unread:
            continue
        lines = [f"{m.author.display_name if m.author else '—'}: {m.body[:300] or m.attachment_name}" for m in unread]
        url = settings.MENTORA_BASE_URL.rstrip("/") + reverse("messaging:conversation", args=[organization.slug, member.mentorship_id])
        created = notify(recipients=[user], organization=organization, kind="message.digest",
                         title=_("%(n)d unread message(s) from %(names)s") % {
                             "n": len(unread), "names": member.mentorship.member_names()},
                         body="\n".join(lines), url=url, dedupe_key=f"message-digest:{conversation.pk}:{unread[-1].pk}")
        ReadMarker.objects.filter(pk=marker.pk, digested_up_to_id__lt=unread[-1].pk).update(digested_up_to_id=unread[-1].pk)
        sent += len(created)
    return sent
