"""Meetings: find a time, book, move, cancel, attendance, the video room page and calendar feeds."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mentora.core.access import AuthedRequest, org_view
from mentora.core.errors import DomainError
from mentora.meetings import ics, services
from mentora.meetings.access import access_meeting, access_member_mentorship
from mentora.meetings.forms import AttendanceForm, BookingForm, CancelForm, FindTimeForm, ReminderForm, RescheduleForm
from mentora.meetings.models import CalendarFeed, Meeting, MeetingStatus, ReminderPreference
from mentora.mentorships.models import Mentorship

CONVERSATION_STARTERS = [
    _("What went well since we last met, and what was hard?"),
    _("Which goal matters most this month, and what is the next small step?"),
    _("What would you like feedback on?"),
]


def _viewer_zone(request: AuthedRequest) -> str:
    profile = getattr(request.membership, "profile", None)
    return profile.timezone if profile else "UTC"


def _to_meeting(request: AuthedRequest, meeting: Meeting) -> HttpResponse:
    return redirect("meetings:detail", org=request.membership.organization.slug, meeting_id=meeting.pk)


@org_view()
def meeting_list(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    mine = Meeting.objects.for_user(request.user).filter(mentorship__program__organization=request.membership.organization)
    mine = mine.select_related("mentorship__program")
    upcoming = list(mine.filter(ends_at__gt=now).order_by("starts_at")[:100])
    past = list(mine.filter(ends_at__lte=now).order_by("-starts_at")[:30])
    return render(request, "meetings/list.html", {"upcoming": upcoming, "past": past})


def _refuse_booking(request: AuthedRequest, mentorship: Mentorship) -> HttpResponse | None:
    """Send the member back to the mentorship, with the reason, when it cannot book meetings."""
    refusal = services.booking_refusal(mentorship)
    if not refusal:
        return None
    messages.error(request, refusal)
    return redirect("mentorships:home", org=request.membership.organization.slug, mentorship_id=mentorship.pk)


@org_view()
def find_time(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    mentorship: Mentorship = access_member_mentorship(request.membership, mentorship_id)  # type: ignore[assignment]
    if refused := _refuse_booking(request, mentorship):
        return refused
    form = FindTimeForm(request.GET or None)
    duration, weeks = 60, 4
    if form.is_valid():
        duration, weeks = form.cleaned_data["duration_minutes"], form.cleaned_data["weeks"]
    start = (timezone.now() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    found = services.find_free_slots(mentorship=mentorship, start=start, weeks=weeks, duration_minutes=duration)
    zone = zoneinfo.ZoneInfo(_viewer_zone(request))
    days = [(day, list(day_slots)) for day, day_slots in groupby(found, key=lambda s: s.starts_at.astimezone(zone).date())]
    return render(request, "meetings/find.html", {
        "mentorship": mentorship, "form": form if form.is_bound else FindTimeForm(), "days": days,
        "duration": duration, "weeks": weeks, "viewer_zone": _viewer_zone(request),
        "members": services.current_members(mentorship),
    })


def _prefilled_agenda(mentorship: Mentorship) -> str:
    goals = [m.membership.profile.goals for m in services.current_members(mentorship)
             if getattr(m.membership, "profile", None) and m.membership.profile.goals and m.role in ("mentee", "peer")]
    lines = [_("Goals:")] + [f"- {g.strip()}" for g in goals] if goals else []
    lines += ([""] if lines else []) + [_("Conversation starters:")] + [f"- {s}" for s in CONVERSATION_STARTERS]
    return "\n".join(lines)


@org_view()
def book(request: AuthedRequest, mentorship_id: int) -> HttpResponse:
    mentorship: Mentorship = access_member_mentorship(request.membership, mentorship_id)  # type: ignore[assignment]
    if refused := _refuse_booking(request, mentorship):
        return refused
    if request.method == "POST":
        form = BookingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.book_meeting(
                    mentorship=mentorship, booked_by=request.user, starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"], channel=data["channel"], location=data["location"],
                    agenda=data["agenda"], timezone_name=_viewer_zone(request), interval_weeks=data["interval_weeks"],
                    count=data["count"] or 1,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Booked. Everyone gets a calendar invite by email."))
                return _to_meeting(request, meeting)
        status = 422
    else:
        initial: dict[str, Any] = {"agenda": _prefilled_agenda(mentorship)}
        try:
            if "starts_at" in request.GET:
                initial["starts_at"] = timezone.localtime(datetime.fromisoformat(request.GET["starts_at"]))
            if "duration" in request.GET:
                initial["duration_minutes"] = int(request.GET["duration"])
        except (ValueError, TypeError):
            pass
        form, status = BookingForm(initial=initial), 200
    return render(request, "meetings/book.html", {"mentorship": mentorship, "form": form,
                                                  "viewer_zone": _viewer_zone(request)}, status=status)


@org_view()
def detail(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.membership, meeting_id)
    attendees = list(meeting.attendees.select_related("user"))
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "attendees": attendees, "cancel_form": CancelForm(),
        "reschedule_form": RescheduleForm(initial={"starts_at": timezone.localtime(meeting.starts_at),
                                                   "duration_minutes": meeting.duration.seconds // 60},
                                          in_series=services.following_occurrences(meeting).exists()),
        "attendance_form": AttendanceForm(initial={"happened": "yes" if meeting.happened is not False else "no",
                                                   "note": meeting.attendance_note}),
        "is_over": meeting.starts_at <= timezone.now(), "room_open": meeting.room_is_open(),
        "can_change": not meeting.is_cancelled and meeting.ends_at > timezone.now(),
    })


@org_view()
def reschedule(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.membership, meeting_id)
    form = RescheduleForm(request.POST or None, initial={"starts_at": timezone.localtime(meeting.starts_at)},
                          in_series=services.following_occurrences(meeting).exists())
    if request.method == "POST" and form.is_valid():
        following = bool(form.cleaned_data.get("following"))
        try:
            services.reschedule_meeting(meeting=meeting, starts_at=form.cleaned_data["starts_at"],
                                        duration_minutes=form.cleaned_data["duration_minutes"], changed_by=request.user,
                                        reason=form.cleaned_data["reason"], following=following)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Moved, with the following meetings of the series. Everyone gets an updated invite.")
                             if following else _("Moved. Everyone gets an updated invite."))
            return _to_meeting(request, meeting)
    status = 422 if request.method == "POST" else 200
    return render(request, "meetings/reschedule.html", {"meeting": meeting, "form": form}, status=status)


@require_POST
@org_view()
def cancel(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.membership, meeting_id)
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        services.cancel_meeting(meeting=meeting, cancelled_by=request.user, reason=form.cleaned_data.get("reason", ""),
                                whole_series=form.cleaned_data.get("whole_series", False))
    except DomainError as error:
        messages.error(request, error.message)
        return _to_meeting(request, meeting)
    messages.success(request, _("Cancelled. Everyone gets a cancellation for their calendar."))
    return _to_meeting(request, meeting)


@require_POST
@org_view()
def attendance(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.membership, meeting_id)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the meeting happened."))
        return _to_meeting(request, meeting)
    try:
        services.record_attendance(meeting=meeting, happened=form.cleaned_data["happened"], note=form.cleaned_data["note"],
                                   recorded_by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thanks — noted. Log what you discussed on the mentorship page."))
    return _to_meeting(request, meeting)


@org_view()
def room(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(request.membership, meeting_id)
    return render(request, "meetings/room.html", {
        "meeting": meeting, "room_open": meeting.room_is_open(), "opens_at": meeting.room_opens_at(),
        "ice_servers": ice_servers(),
    })


def ice_servers() -> list[dict[str, Any]]:
    """STUN/TURN servers for WebRTC from settings (none needed on a LAN)."""
    servers: list[dict[str, Any]] = [{"urls": url} for url in settings.MENTORA_STUN_SERVERS]
    for url in settings.MENTORA_TURN_SERVERS:
        servers.append({"urls": url, "username": settings.MENTORA_TURN_USERNAME,
                        "credential": settings.MENTORA_TURN_CREDENTIAL})
    return servers


@org_view()
def calendar_settings(request: AuthedRequest) -> HttpResponse:
    feed = services.feed_for(user=request.user)
    preference = ReminderPreference.objects.filter(user=request.user).first()
    form = ReminderForm(initial={"minutes_before": services.reminder_minutes_for(request.user),
                                 "by_email": preference.by_email if preference else True})
    feed_url = _feed_url(request, feed)
    webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return render(request, "meetings/calendar.html", {"feed_url": feed_url, "webcal_url": webcal_url, "form": form})


def _feed_url(request: HttpRequest, feed: CalendarFeed) -> str:
    from django.urls import reverse

    return request.build_absolute_uri(reverse("calendar_feed:ics", args=[feed.token]))


@require_POST
@org_view()
def feed_revoke(request: AuthedRequest) -> HttpResponse:
    services.revoke_feed(user=request.user)
    messages.success(request, _("Your old calendar link no longer works. Subscribe with the new one."))
    return redirect("meetings:calendar", org=request.membership.organization.slug)


@require_POST
@org_view()
def reminders_update(request: AuthedRequest) -> HttpResponse:
    form = ReminderForm(request.POST)
    if form.is_valid():
        services.set_reminder_preference(user=request.user, minutes_before=form.cleaned_data["minutes_before"],
                                         by_email=form.cleaned_data["by_email"])
        messages.success(request, _("Reminder settings saved."))
    return redirect("meetings:calendar", org=request.membership.organization.slug)


def _with_occurrences(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """What the calendar writer reads: series and their occurrences, each with its mentorship and members."""
    details = ("mentorship__program__organization",)
    members = "mentorship__members__membership__user"
    return meetings.select_related("series", *details).prefetch_related(
        members, Prefetch("series__meetings", queryset=Meeting.objects.select_related(*details).prefetch_related(members)),
    )


@require_GET
@org_view()
def meeting_ics(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Add one meeting (a repeating one: its whole series) to a calendar, named as in the invites."""
    meeting = access_meeting(request.membership, meeting_id)
    body = ics.feed_calendar(_with_occurrences(Meeting.objects.filter(pk=meeting.pk)))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mentora-meeting-{meeting.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The private subscription feed: whoever has the (revocable) URL gets that person's meetings."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None:
        raise Http404
    meetings = _with_occurrences(
        Meeting.objects.for_user(feed.user).filter(starts_at__gte=timezone.now() - timedelta(days=90))
        .exclude(status=MeetingStatus.CANCELLED, starts_at__lt=timezone.now())
    )
    body = ics.feed_calendar(meetings, name=f"Mentora — {feed.user.display_name}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="mentora.ics"'
    return response
