"""Meetings of a mentorship: one-off or part of a recurring series, with who attends.

Nobody is double-booked: each attendee has a row with a copy of the meeting's time, and the
database refuses two active rows of the same person that overlap (an exclusion constraint on
PostgreSQL, triggers on SQLite; see migrations/0002_no_double_booking.py).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentora.mentorships.models import Mentorship

# The room opens this long before the start, and stays open this long after the end.
ROOM_OPENS_BEFORE = timedelta(minutes=10)
ROOM_CLOSES_AFTER = timedelta(minutes=30)


def new_uid() -> str:
    return f"{uuid.uuid4()}@mentora"


class MeetingChannel(models.TextChoices):
    VIDEO = "video", _("Mentora video room")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    IN_PERSON = "in_person", _("In person")
    EXTERNAL = "external", _("External link (Teams, Zoom, Jitsi…)")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingSeries(models.Model):
    """A recurring booking: one calendar event with a weekly RRULE, materialised as Meeting rows."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meeting_series")
    uid = models.CharField(max_length=120, unique=True, default=new_uid)
    sequence = models.PositiveIntegerField(default=0)
    timezone = models.CharField(max_length=64)
    first_starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    interval_weeks = models.PositiveSmallIntegerField()
    count = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "meeting series"
        constraints = [
            models.CheckConstraint(condition=Q(interval_weeks__gte=1, interval_weeks__lte=8), name="series_interval_1_to_8_weeks"),
            models.CheckConstraint(condition=Q(count__gte=2, count__lte=52), name="series_count_2_to_52"),
        ]

    def __str__(self) -> str:
        return f"{self.repeat_label} from {self.first_starts_at:%Y-%m-%d}"

    @property
    def repeat_label(self) -> str:
        """How the series repeats, in words: "every week, 6 times", "every 2 weeks, 4 times"."""
        every = (ngettext("every week", "every %(n)d weeks", self.interval_weeks) % {"n": self.interval_weeks})
        return ngettext("%(every)s, %(count)d time", "%(every)s, %(count)d times", self.count) % {
            "every": every, "count": self.count}


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def scheduled(self) -> MeetingQuerySet:
        return self.filter(status=MeetingStatus.SCHEDULED)

    def for_user(self, user: Any) -> MeetingQuerySet:
        """Meetings the user attends (current or past attendee rows)."""
        return self.filter(attendees__user=user).distinct()

    def upcoming(self, now: datetime | None = None) -> MeetingQuerySet:
        return self.filter(ends_at__gt=now or timezone.now())


class Meeting(models.Model):
    """A scheduled session of a mentorship."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, null=True, blank=True, related_name="meetings")
    # The iCalendar identity: UID (the series' for an occurrence) + RECURRENCE-ID (the original start).
    uid = models.CharField(max_length=120, default=new_uid)
    recurrence_id = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(_("time zone"), max_length=64, help_text=_("The organiser's zone, used in invites."))
    channel = models.CharField(_("how you meet"), max_length=12, choices=MeetingChannel.choices, default=MeetingChannel.VIDEO)
    location = models.CharField(_("place, phone number or link"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, max_length=4000)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    cancel_reason = models.TextField(blank=True, max_length=2000)
    change_reason = models.TextField(blank=True, max_length=2000)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    happened = models.BooleanField(_("did it happen?"), null=True, blank=True)
    attendance_note = models.TextField(_("note"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["mentorship", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="meeting_starts_before_end"),
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=MeetingChannel.values), name="meeting_channel_valid"),
            models.UniqueConstraint(fields=["uid", "recurrence_id"], name="one_meeting_per_uid_and_recurrence"),
            models.UniqueConstraint(fields=["uid"], condition=Q(recurrence_id__isnull=True), name="one_single_meeting_per_uid"),
        ]

    def __str__(self) -> str:
        return f"Meeting {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    def room_opens_at(self) -> datetime:
        return self.starts_at - ROOM_OPENS_BEFORE

    def room_is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.channel == MeetingChannel.VIDEO and not self.is_cancelled
            and self.room_opens_at() <= now <= self.ends_at + ROOM_CLOSES_AFTER
        )


class Attendee(models.Model):
    """A person's seat in a meeting, with a copy of its time so the database can forbid overlaps."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_seats")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["user", "starts_at"])]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_seat_per_person_per_meeting"),
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="attendee_starts_before_end"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}"


def no_overlap_constraint() -> Any:
    """PostgreSQL: one person's active seats never overlap (added by a migration on PostgreSQL only)."""
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators

    class TsTzRange(models.Func):
        function = "TSTZRANGE"
        output_field = DateTimeRangeField()

    return ExclusionConstraint(
        name="no_double_booking",
        expressions=[("user", RangeOperators.EQUAL), (TsTzRange("starts_at", "ends_at", models.Value("[)")), RangeOperators.OVERLAPS)],
        condition=Q(is_active=True),
    )


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class RoomSeat(models.Model):
    """An open connection to a meeting's video room: one per person (a new window replaces the
    old one), at most ROOM_CAPACITY people per room (counted under a lock on the meeting)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="room_seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_room_seat_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} in room {self.meeting_id}"


class CalendarFeed(models.Model):
    """A person's private calendar subscription; revoking replaces the token, so old URLs stop working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class ReminderPreference(models.Model):
    """When a person wants meeting reminders (minutes before the start), and whether by email."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_reminders")
    minutes_before = models.JSONField(default=list)
    by_email = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Reminders of {self.user}"


DEFAULT_REMINDER_MINUTES = [24 * 60, 15]
