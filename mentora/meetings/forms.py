"""Forms for finding a time, booking, moving and cancelling meetings (times in the viewer's zone)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from mentora.core.timebounds import SupportedDatesMixin
from mentora.meetings.models import MeetingChannel

DURATIONS = [(30, _("30 minutes")), (45, _("45 minutes")), (60, _("1 hour")), (90, _("1.5 hours"))]
REPEATS = [(0, _("Does not repeat")), (1, _("Every week")), (2, _("Every 2 weeks")), (4, _("Every 4 weeks"))]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class FindTimeForm(forms.Form):
    duration_minutes = forms.TypedChoiceField(label=_("Length"), choices=DURATIONS, coerce=int, initial=60)
    weeks = forms.TypedChoiceField(label=_("Look ahead"), coerce=int, initial=4,
                                   choices=[(n, ngettext_lazy("%(n)d week", "%(n)d weeks", "n") % {"n": n})
                                            for n in (1, 2, 4, 8, 12)])


class BookingForm(SupportedDatesMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at (your time)"), widget=LocalDateTimeInput(),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    duration_minutes = forms.TypedChoiceField(label=_("Length"), choices=DURATIONS, coerce=int, initial=60)
    channel = forms.ChoiceField(label=_("How you meet"), choices=MeetingChannel.choices, initial=MeetingChannel.VIDEO)
    location = forms.CharField(label=_("Place, phone number or link"), required=False, max_length=500,
                               help_text=_("For in person: where. For an external link: the https:// address."))
    agenda = forms.CharField(label=_("Agenda"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    interval_weeks = forms.TypedChoiceField(label=_("Repeat"), choices=REPEATS, coerce=int, initial=0)
    count = forms.IntegerField(label=_("Number of meetings (when repeating)"), min_value=2, max_value=52, initial=6,
                               required=False)


class RescheduleForm(SupportedDatesMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("New start (your time)"), widget=LocalDateTimeInput(),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    duration_minutes = forms.TypedChoiceField(label=_("Length"), choices=DURATIONS, coerce=int, initial=60)
    reason = forms.CharField(label=_("Reason (shared with the others)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    following = forms.BooleanField(
        label=_("Also move the following meetings of this series"), required=False,
        help_text=_("Each later meeting moves by the same amount, at the same local time across clock changes."),
    )

    def __init__(self, *args: Any, in_series: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not in_series:
            del self.fields["following"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shared with the others)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    whole_series = forms.BooleanField(label=_("Cancel all remaining meetings of this series"), required=False)


class AttendanceForm(forms.Form):
    happened = forms.TypedChoiceField(label=_("Did the meeting happen?"), coerce=lambda v: v == "yes",
                                      choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note (shared with the mentorship)"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReminderForm(forms.Form):
    minutes_before = forms.TypedMultipleChoiceField(
        label=_("Remind me"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        choices=[(24 * 60, _("1 day before")), (60, _("1 hour before")), (15, _("15 minutes before"))])
    by_email = forms.BooleanField(label=_("Also by email"), required=False)
