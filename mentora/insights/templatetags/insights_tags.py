"""Template helpers for the insights pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext, ngettext

from mentora.core.suppression import GroupRow

register = template.Library()


@register.filter
def percent_of(row: GroupRow, name: str) -> int | str:
    """`{{ row|percent_of:"matched" }}`: a count of a shown group as a whole percentage ("—" when hidden)."""
    percent = row.percent(name)
    return "—" if percent is None else percent


@register.filter
def signed(value: int | float | None) -> str:
    """`{{ nps|signed }}`: +38, 0, −12 (a net promoter score reads with its sign)."""
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value).replace("-", "−")


@register.filter
def typical_gap(days: float | None) -> str:
    """`{{ step.median_days|typical_gap }}`: the median days from the step before, in words."""
    if days is None:
        return ""
    if days < 0.5:
        return gettext("typically the same day as the step before")
    return gettext("typically %(days)s after the step before") % {"days": in_days(days)}


@register.filter
def signed_text(value: str) -> str:
    """`{{ nps|floatformat:"0"|signed_text }}`: a formatted number with its sign (+38, −12)."""
    text = str(value)
    if text.startswith("-"):
        return "−" + text[1:]
    return text if text in ("0", "") else "+" + text


@register.filter
def in_days(days: float | None) -> str:
    """`{{ 24.0|in_days }}` → "24 days"; under half a day → "the same day"; 2.5 → "2.5 days"."""
    if days is None:
        return ""
    if days < 0.5:
        return gettext("the same day")
    shown = round(days) if days >= 10 or abs(days - round(days)) < 0.05 else round(days, 1)
    return ngettext("%(n)s day", "%(n)s days", 1 if shown == 1 else 2) % {"n": shown}


@register.filter
def hours_in_words(hours: float | None) -> str:
    """`{{ 0.4|hours_in_words }}` → "under an hour"; 5.2 → "5 hours"; 50 → "2 days"."""
    if hours is None:
        return ""
    if hours < 1:
        return gettext("under an hour")
    if hours < 48:
        shown = round(hours)
        return ngettext("%(n)s hour", "%(n)s hours", shown) % {"n": shown}
    return in_days(hours / 24)
