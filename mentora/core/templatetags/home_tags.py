"""Small filters for people's faces: initials and a stable colour per person."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

#: Background colours for initials; each keeps AA contrast (≥ 4.5:1) with white text.
AVATAR_TONES = 8


@register.filter
def initials(name: str) -> str:
    """Up to two initials from a name: “Chloé Okafor” → “CO”, “ana” → “A”.

    >>> initials("Chloé Okafor"), initials("ana"), initials("")
    ('CO', 'A', '?')
    """
    words = [w for w in name.replace("@", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    first, last = words[0], words[-1]
    return (first[0] + (last[0] if len(words) > 1 else "")).upper()


@register.filter
def avatar_tone(key: Any) -> int:
    """A stable colour index (0 … AVATAR_TONES − 1) for a person, from their id."""
    try:
        return int(key) % AVATAR_TONES
    except (TypeError, ValueError):
        return 0
