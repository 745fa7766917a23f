from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any] | None, key: Any) -> Any:
    """`{{ mapping|get_item:key }}` — dictionary lookup with a variable key."""
    if not mapping:
        return None
    return mapping.get(str(key))


@register.filter
def as_text(value: Any) -> str:
    """Lists as comma-separated text, anything else as itself."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@register.filter
def names_for(mentorship: Any, viewer: Any) -> str:
    """`{{ mentorship|names_for:current_membership }}` — the other members' names (the viewer is left out)."""
    others = mentorship.member_names(excluding=viewer)
    return str(others or mentorship.member_names())
