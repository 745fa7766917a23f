from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

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


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{_label(k)} = {_plain(v)}" for k, v in value.items()) or "—"
    return str(value)


def _label(key: str) -> str:
    return str(key).replace("_", " ").strip().capitalize()


def _change(value: Any) -> tuple[Any, Any] | None:
    """An {"from", "to"} (or {"old", "new"}) pair, if the value is one."""
    if isinstance(value, dict):
        for old, new in (("from", "to"), ("old", "new")):
            if set(value) == {old, new}:
                return value[old], value[new]
    return None


@register.filter
def audit_lines(details: Any) -> list[str]:
    """An audit event's details as readable lines: changes as "old → new", the rest as "key: value".

    >>> audit_lines({"from": "member", "to": "coordinator"})
    ['member → coordinator']
    >>> audit_lines({"role": {"old": "member", "new": "admin"}, "uses": ["matching", "aggregate"], "enabled": True})
    ['Role: member → admin', 'Uses: matching, aggregate', 'Enabled: yes']
    """
    if not isinstance(details, dict):
        return [] if details in (None, "", []) else [_plain(details)]
    lines = []
    whole = _change({k: details[k] for k in ("from", "to") if k in details})
    if whole is not None:
        lines.append(f"{_plain(whole[0])} → {_plain(whole[1])}")
    for key, value in details.items():
        if whole is not None and key in ("from", "to"):
            continue
        change = _change(value)
        if change is not None:
            lines.append(f"{_label(key)}: {_plain(change[0])} → {_plain(change[1])}")
        else:
            lines.append(f"{_label(key)}: {_plain(value)}")
    return lines
