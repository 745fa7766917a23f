"""Markdown for user-written text (notes, goals, comments, messages), sanitised for HTML output."""

from __future__ import annotations

import threading
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

__all__ = ["render_markdown"]

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# A conversation page renders up to 100 messages: building a Markdown object for each took 3 of the
# 4.5 ms per message (bench/load.py), so each thread keeps one (they are not thread-safe) and resets
# it between texts; and the result, a pure function of the text, is kept for the texts seen lately.
CACHED_TEXTS = 4096
_local = threading.local()


def _converter() -> markdown_lib.Markdown:
    converter: markdown_lib.Markdown | None = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown_lib.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    return converter


def render_markdown(text: str) -> SafeString:
    """Render Markdown to HTML that keeps only harmless tags, attributes and link schemes.

    Raw HTML in the source is escaped by nh3 rather than trusted; links get
    ``rel="noopener noreferrer nofollow"``. Headings start at h3 so a note cannot outrank the page.

    >>> str(render_markdown("**hi** <script>alert(1)</script>"))
    '<p><strong>hi</strong> </p>'
    """
    return _render(text or "")


@lru_cache(maxsize=CACHED_TEXTS)
def _render(text: str) -> SafeString:
    html = _converter().reset().convert(text)
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("<h2>", "<h4>").replace("</h2>", "</h4>")
    cleaned = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow", strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 — nh3 output is sanitised HTML
