"""Conversations: the thread page, sending (with attachments), edit/delete, read, block, report."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mentora.accounts.models import User
from mentora.core.access import AuthedRequest, access_member, org_view
from mentora.core.errors import DomainError
from mentora.mentorships.models import Mentorship, MentorshipMember
from mentora.messaging import services
from mentora.messaging.access import access_conversation, access_message
from mentora.messaging.forms import DigestForm, EditForm, MessageForm, ReportForm
from mentora.messaging.models import Conversation, Message, Report
from mentora.messaging.rendering import message_context, render_message

PAGE_SIZE = 100


def _to_thread(request: AuthedRequest, mentorship_id: int, anchor: str = "") -> HttpResponse:
    response = redirect("messaging:conversation", org=request.membership.organization.slug, mentorship_id=mentorship_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@org_view()
def inbox(request: AuthedRequest) -> HttpResponse:
    mentorships = list(Mentorship.objects.for_member(request.membership).select_related("program").prefetch_related(
        "members__membership__user").order_by("-created_at"))
    conversations = [services.conversation_for(m) for m in mentorships]
    counts = services.unread_counts(user=request.user, conversations=conversations, organization=request.membership.organization)
    rows = [(m, counts.get(c.pk, 0)) for m, c in zip(mentorships, conversations, strict=True)]
    return render(request, "messaging/inbox.html", {
        "rows": rows, "digest_form": DigestForm(initial={"digest_delay_minutes": services.digest_delay_for(request.user)})})


@org_view()
def conversation(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    thread = access_conversation(request.membership, mentorship_id)
    blocked = services.blocked_ids(request.user, request.membership.organization)
    recent = list(thread.messages.select_related("author").order_by("-pk")[:PAGE_SIZE])[::-1]
    if "before" in request.GET:
        with contextlib.suppress(ValueError):
            recent = list(thread.messages.select_related("author").filter(pk__lt=int(request.GET["before"]))
                          .order_by("-pk")[:PAGE_SIZE])[::-1]
    items = [message_context(m, viewer=request.user, blocked=blocked, org_slug=request.membership.organization.slug)
             for m in recent]
    services.mark_read(conversation=thread, user=request.user)
    last_own = next((m for m in reversed(recent) if m.author_id == request.user.pk), None)
    # The current seats with their people, once: the title's names and the block buttons read them.
    prefetch_related_objects([thread.mentorship], Prefetch(
        "members", queryset=MentorshipMember.objects.filter(left_at__isnull=True).select_related("membership__user")))
    others = [seat.membership for seat in thread.mentorship.active_members() if seat.membership.user_id != request.user.pk]
    return render(request, "messaging/conversation.html", {
        "thread": thread, "mentorship": thread.mentorship, "items": items, "form": MessageForm(),
        "seen": services.seen_by(thread, last_own) if last_own else [], "others": others, "blocked": blocked,
        "has_older": bool(recent) and thread.messages.filter(pk__lt=recent[0].pk).exists(),
        "oldest_id": recent[0].pk if recent else 0, "max_mb": settings.MENTORA_ATTACHMENT_MAX_BYTES // 2**20,
        "ws_path": f"/ws/o/{request.membership.organization.slug}/conversations/{thread.mentorship_id}/",
    })


@require_POST
@org_view()
def send(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    thread = access_conversation(request.membership, mentorship_id)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _fail(request, thread, form.errors.as_text())
    try:
        message = services.post_message(conversation=thread, author=request.user, body=form.cleaned_data["body"],
                                        attachment=form.cleaned_data["attachment"])
    except DomainError as error:
        return _fail(request, thread, error.message, error.status_code)
    if request.htmx or request.headers.get("Accept") == "application/json":
        return HttpResponse(status=204)
    return _to_thread(request, mentorship_id, f"message-{message.pk}")


def _fail(request: AuthedRequest, thread: Conversation, text: str, status: int = 422) -> HttpResponse:
    if request.htmx or request.headers.get("Accept") == "application/json":
        return HttpResponse(text, status=404 if status == 403 else status, content_type="text/plain; charset=utf-8")
    if status == 403:
        raise Http404
    messages.error(request, text)
    return _to_thread(request, thread.mentorship_id)


@org_view()
def edit(request: AuthedRequest, message_id: int) -> HttpResponse:
    message = access_message(request.membership, message_id)
    form = EditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_message(message=message, editor=request.user, body=form.cleaned_data["body"])
        except DomainError as error:
            messages.error(request, error.message)
        return _to_thread(request, message.conversation.mentorship_id, f"message-{message.pk}")
    if not message.is_editable_by(request.user):
        raise Http404
    return render(request, "messaging/edit.html", {"form": form, "message": message})


@require_POST
@org_view()
def delete(request: AuthedRequest, message_id: int) -> HttpResponse:
    message = access_message(request.membership, message_id)
    try:
        services.delete_message(message=message, deleter=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return _to_thread(request, message.conversation.mentorship_id)


@require_POST
@org_view()
def mark_read(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    thread = access_conversation(request.membership, mentorship_id)
    try:
        upto = int(request.POST.get("message_id", "")) if request.POST.get("message_id") else None
    except ValueError:
        upto = None
    services.mark_read(conversation=thread, user=request.user, message_id=upto)
    return HttpResponse(status=204)


@require_GET
@org_view()
def attachment(request: AuthedRequest, message_id: int) -> HttpResponse:
    message = access_message(request.membership, message_id)
    if not message.attachment or message.author_id in services.blocked_ids(request.user, request.membership.organization):
        raise Http404
    # Attachments are small (MENTORA_ATTACHMENT_MAX_BYTES); read through the storage API.
    with message.attachment.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=message.attachment_type)
    # Images and voice notes play in the page; everything else downloads.
    disposition = "inline" if message.is_voice_note or message.attachment_type.startswith("image/") else "attachment"
    response["Content-Disposition"] = content_disposition_header(disposition == "attachment", message.attachment_name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@org_view()
def report(request: AuthedRequest, message_id: int) -> HttpResponse:
    message = access_message(request.membership, message_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_message(message=message, reporter=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Reported. A coordinator will look at this message (and only this message)."))
        return _to_thread(request, message.conversation.mentorship_id)
    blocked = services.blocked_ids(request.user, request.membership.organization)
    return render(request, "messaging/report.html", {
        "form": form, "item": message_context(message, viewer=request.user, blocked=blocked,
                                              org_slug=request.membership.organization.slug)})


@require_POST
@org_view()
def block(request: AuthedRequest, member_id: int) -> HttpResponse:
    other = access_member(request.membership, member_id)
    if request.POST.get("unblock"):
        services.unblock_person(blocker=request.user, blocked=other.user, organization=request.membership.organization)
        messages.success(request, _("Unblocked."))
    else:
        try:
            services.block_person(blocker=request.user, blocked=other.user, organization=request.membership.organization)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Blocked: you will no longer see their messages. Consider telling your coordinator."))
    next_url = request.POST.get("next", "")
    if next_url.startswith(f"/o/{request.membership.organization.slug}/") and "//" not in next_url:
        return redirect(next_url)
    return redirect("messaging:inbox", org=request.membership.organization.slug)


@require_POST
@org_view()
def preferences(request: AuthedRequest) -> HttpResponse:
    form = DigestForm(request.POST)
    if form.is_valid():
        services.set_digest_delay(user=request.user, minutes=form.cleaned_data["digest_delay_minutes"])
        messages.success(request, _("Saved."))
    return redirect("messaging:inbox", org=request.membership.organization.slug)


@org_view(role="coordinator")
def reports(request: AuthedRequest) -> HttpResponse:
    """Reported messages — the message and who reported it, never the rest of the conversation."""
    rows = list(Report.objects.filter(organization=request.membership.organization)
                .select_related("reporter", "message_author", "resolved_by", "message__conversation__mentorship__program")
                .order_by("resolved_at", "-created_at")[:200])
    return render(request, "messaging/reports.html", {"reports": rows})


@require_POST
@org_view(role="coordinator")
def resolve_report(request: AuthedRequest, report_id: int) -> HttpResponse:
    report_row = Report.objects.filter(pk=report_id, organization=request.membership.organization).first()
    if report_row is None:
        raise Http404
    try:
        services.resolve_report(report=report_row, resolved_by=request.user, resolution=request.POST.get("resolution", ""))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("messaging:reports", org=request.membership.organization.slug)


def message_html(message: Message, viewer: User, org_slug: str) -> str:
    return render_message(message, viewer=viewer, blocked=services.blocked_ids(viewer, message.conversation.mentorship.program.organization_id),
                          org_slug=org_slug)
