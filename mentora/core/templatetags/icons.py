"""`{% icon "name" %}`: an inline Lucide SVG from static/icons/, decorative (aria-hidden, currentColor).

The icons are vendored from the npm package ``lucide-static`` (ISC licence, static/icons/LICENSE);
nothing is fetched at run time. Inlining (rather than ``<img>``) lets an icon take the text colour.
"""

from __future__ import annotations

import re
from functools import cache

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ICONS_DIR = settings.BASE_DIR / "static" / "icons"
_NAME = re.compile(r"^[a-z0-9-]+$")
_SVG_BODY = re.compile(r"<svg[^>]*>(?P<body>.*)</svg>", re.DOTALL)


@cache
def _icon_body(name: str) -> str:
    """Return the inner markup (paths) of a vendored icon; raise if there is no such icon."""
    if not _NAME.match(name):
        raise template.TemplateSyntaxError(f"Bad icon name {name!r}")
    path = ICONS_DIR / f"{name}.svg"
    if not path.is_file():
        raise template.TemplateSyntaxError(f"No icon {name!r} in static/icons/ (copy it from lucide-static)")
    match = _SVG_BODY.search(path.read_text(encoding="utf-8"))
    if match is None:
        raise template.TemplateSyntaxError(f"static/icons/{name}.svg is not an SVG")
    return " ".join(match.group("body").split())


@register.simple_tag
def icon(name: str, size: int = 20, css_class: str = "") -> SafeString:
    """Render icon ``name`` at ``size`` px; decorative, so screen readers skip it."""
    classes = f"icon icon-{name} {css_class}".strip()
    return format_html(
        '<svg class="{}" width="{}" height="{}" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
        'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">{}</svg>',
        classes, size, size, mark_safe(_icon_body(name)),  # noqa: S308 - our own vendored files
    )
