"""Matching figures in people's words: fit labels, how a run was made, how close to the best."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from mentora.matching import words

register = template.Library()


@register.filter
def fit(score: float | str | None) -> str:
    """`0.41` → "Good fit · 41 %"; a missing figure (None, or "" from a missing key) → the empty label."""
    return words.fit_label(None if score is None or score == "" else float(score))


@register.filter
def method(solver: str) -> str:
    return words.method_in_words(solver or "")


@register.filter
def optimality(quality: dict[str, Any]) -> str:
    """The run's proven distance to the best possible matching ("" when the method has no bound)."""
    return words.optimality_in_words(quality.get("optimality_gap"), quality.get("total_score"))


@register.filter
def percent(share: float | None) -> str:
    """`0.9412` → "94 %"; nothing → "—"."""
    return "—" if share is None else f"{round(100 * float(share))} %"


@register.filter
def meeting_time(hour_of_week: int | None) -> str:
    """A weekly UTC hour (Monday 00:00 UTC = 0) as weekday and time in the viewer's zone, this week
    (so daylight-saving time in force now applies)."""
    if hour_of_week is None:
        return ""
    now = timezone.now()
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    local = timezone.localtime(monday + timedelta(hours=int(hour_of_week)))
    return date_format(local, "D H:i")
