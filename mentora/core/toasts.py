"""Toasts for moments worth marking: the same Django message, shown warm with a mark.

Used sparingly — an agreement coming into force, a milestone reached, a goal achieved, a
mentorship completed — so that it still means something (base.html renders the tag).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

CELEBRATE = "celebrate"


def celebrate(request: HttpRequest, text: str) -> None:
    messages.success(request, text, extra_tags=CELEBRATE)
