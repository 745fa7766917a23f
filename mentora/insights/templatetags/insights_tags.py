"""Template helpers for the insights pages."""

from __future__ import annotations

from django import template

from mentora.insights.suppression import GroupRow

register = template.Library()


@register.filter
def percent_of(row: GroupRow, name: str) -> int | str:
    """`{{ row|percent_of:"matched" }}`: a count of a shown group as a whole percentage ("—" when hidden)."""
    percent = row.percent(name)
    return "—" if percent is None else percent
