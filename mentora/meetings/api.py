"""API: free slots, booking, moving and cancelling meetings — the same services as the HTML views."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from mentora.core.api_access import api_membership, api_user
from mentora.core.api_input import ObjectIn
from mentora.core.api_pages import Pages
from mentora.core.api_responses import READ_ERRORS, WRITE_ERRORS
from mentora.core.timebounds import ApiDateTime
from mentora.meetings import services
from mentora.meetings.access import access_meeting, access_member_mentorship
from mentora.meetings.models import Meeting, MeetingChannel

router = Router(tags=["meetings"])


class MemberTimeOut(Schema):
    name: str
    timezone: str
    starts_at: datetime


class FreeSlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    member_times: list[MemberTimeOut]


class MeetingOut(Schema):
    id: int
    mentorship_id: int
    uid: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    channel: str
    location: str
    agenda: str
    status: str
    sequence: int
    series_id: int | None
    cancel_reason: str


class MeetingIn(Schema):
    starts_at: ApiDateTime = Field(..., description="An aware datetime (with offset).")
    duration_minutes: int = Field(60, ge=15, le=240)
    channel: MeetingChannel = MeetingChannel.VIDEO
    location: str = Field("", max_length=500)
    agenda: str = Field("", max_length=4000)
    timezone: str = Field("UTC", description="The organiser's IANA zone; recurring meetings keep its wall-clock time.")
    interval_weeks: int = Field(0, ge=0, le=8, description="0: one-off.")
    count: int = Field(1, ge=1, le=52)


class MoveIn(Schema):
    starts_at: ApiDateTime = Field(..., description="The new start, an aware datetime (with offset).")
    duration_minutes: int | None = Field(None, ge=15, le=240, description="Empty: keep the length.")
    reason: str = Field("", max_length=2000)
    following: bool = Field(False, description="Also move the later meetings of the series by the same wall-clock shift.")


class CancelIn(ObjectIn):
    reason: str = Field("", max_length=2000)
    whole_series: bool = False


@router.get("/orgs/{org}/mentorships/{mentorship_id}/free-slots", response={200: list[FreeSlotOut], **READ_ERRORS},
            summary="Common free slots of a mentorship's members")
@paginate(Pages)
def free_slots(request: HttpRequest, org: str, mentorship_id: int, weeks: int = 4, duration_minutes: int = 60) -> list[Any]:
    mentorship = access_member_mentorship(api_membership(request, org), mentorship_id)
    start = (timezone.now() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return services.find_free_slots(mentorship=mentorship, start=start, weeks=weeks,  # type: ignore[arg-type]
                                    duration_minutes=duration_minutes)


@router.get("/orgs/{org}/meetings", response={200: list[MeetingOut], **READ_ERRORS}, summary="My upcoming meetings")
@paginate(Pages)
def my_meetings(request: HttpRequest, org: str) -> QuerySet[Meeting]:
    membership = api_membership(request, org)
    return (Meeting.objects.for_user(api_user(request)).upcoming()
            .filter(mentorship__program__organization=membership.organization).order_by("starts_at", "pk"))


@router.post("/orgs/{org}/mentorships/{mentorship_id}/meetings", response={201: MeetingOut, **WRITE_ERRORS},
             summary="Book a meeting")
def book_meeting(request: HttpRequest, org: str, mentorship_id: int, payload: MeetingIn) -> Status[Meeting]:
    mentorship = access_member_mentorship(api_membership(request, org), mentorship_id)
    meeting = services.book_meeting(
        mentorship=mentorship, booked_by=api_user(request), starts_at=payload.starts_at,  # type: ignore[arg-type]
        duration_minutes=payload.duration_minutes, channel=payload.channel, location=payload.location,
        agenda=payload.agenda, timezone_name=payload.timezone, interval_weeks=payload.interval_weeks, count=payload.count,
    )
    return Status(201, meeting)


@router.post("/orgs/{org}/meetings/{meeting_id}/move", response={200: list[MeetingOut], **WRITE_ERRORS},
             summary="Move a meeting (and, with following, the later meetings of its series)")
def move_meeting(request: HttpRequest, org: str, meeting_id: int, payload: MoveIn) -> list[Meeting]:
    meeting = access_meeting(api_membership(request, org), meeting_id)
    moved = services.reschedule_meeting(meeting=meeting, starts_at=payload.starts_at,  # type: ignore[arg-type]
                                        duration_minutes=payload.duration_minutes, changed_by=api_user(request),
                                        reason=payload.reason, following=payload.following)
    return [moved, *services.following_occurrences(moved)] if payload.following else [moved]


@router.post("/orgs/{org}/meetings/{meeting_id}/cancel", response={200: list[MeetingOut], **WRITE_ERRORS},
             summary="Cancel a meeting")
def cancel_meeting(request: HttpRequest, org: str, meeting_id: int, payload: CancelIn) -> list[Meeting]:
    meeting = access_meeting(api_membership(request, org), meeting_id)
    return services.cancel_meeting(meeting=meeting, cancelled_by=api_user(request), reason=payload.reason,
                                   whole_series=payload.whole_series)
