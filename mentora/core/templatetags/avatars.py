"""`{% avatar_parts membership as av %}`: what templates/includes/avatar.html needs to draw someone.

Load the membership with ``select_related("user", "profile")`` (or prefetch them) when drawing many
people: this tag reads ``membership.user`` and ``membership.profile`` and queries whatever is missing.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse

from mentora.core.branding import avatar_colour

register = template.Library()


def initials(name: str) -> str:
    """Up to two letters for a name: first and last word ("Chloé Okafor" → "CO", "ana" → "A").

    >>> initials("Chloé van der Berg"), initials("ana"), initials("")
    ('CB', 'A', '?')
    """
    words = [w for w in name.replace(".", " ").replace("_", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


@register.simple_tag(takes_context=True)
def avatar_parts(context: template.Context, membership: Any) -> dict[str, str]:
    """Return ``initials``, ``colour``, ``photo_url`` ("" without a photo) and ``name`` for a Membership."""
    if membership is None:
        return {"initials": "?", "colour": avatar_colour(0), "photo_url": "", "name": ""}
    name = membership.user.display_name
    try:
        photo = membership.profile.photo
    except ObjectDoesNotExist:
        photo = None
    photo_url = ""
    if photo:
        org = context.get("current_org")
        slug = org.slug if org is not None and org.pk == membership.organization_id else membership.organization.slug
        version = photo.name.rsplit("/", 1)[-1].split(".", 1)[0][:12]
        photo_url = reverse("profiles:photo", kwargs={"org": slug, "member_id": membership.pk}) + f"?v={version}"
    return {"initials": initials(name), "colour": avatar_colour(membership.user_id), "photo_url": photo_url, "name": name}
