"""An organization's look: its logo and accent colour, and the colours of initials avatars.

Colours that carry white text must reach WCAG's 4.5:1 contrast ratio against white.
"""

from __future__ import annotations

import re

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from mentora.core.errors import DomainError
from mentora.core.images import process_image
from mentora.core.models import Organization, record_audit_event

__all__ = ["AVATAR_COLOURS", "MIN_CONTRAST", "avatar_colour", "contrast_ratio", "relative_luminance",
           "set_organization_branding"]

MIN_CONTRAST = 4.5
HEX_COLOUR = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
LOGO_MAX_WIDTH = 480
LOGO_MAX_HEIGHT = 120

# Backgrounds for initials avatars: warm and varied, each ≥ 4.5:1 with white text (tested).
AVATAR_COLOURS = ("#0f6b62", "#2456a6", "#7a3fb0", "#b0304f", "#a4470f", "#3b6b1f", "#45516b", "#8a4b00")


def normalise_hex(value: str) -> str:
    """Return ``value`` as ``#rrggbb`` in lower case; raise ValueError if it is not a hex colour.

    >>> normalise_hex("0F6")
    '#00ff66'
    """
    match = HEX_COLOUR.match(value.strip())
    if match is None:
        raise ValueError(value)
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def relative_luminance(colour: str) -> float:
    """Return the WCAG 2 relative luminance of a hex colour (0 for black, 1 for white).

    >>> round(relative_luminance("#ffffff"), 3), relative_luminance("#000000")
    (1.0, 0.0)
    """
    digits = normalise_hex(colour)[1:]
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two hex colours, from 1 (same) to 21 (black on white).

    >>> round(contrast_ratio("#000000", "#ffffff"), 1)
    21.0
    >>> round(contrast_ratio("#0f6b62", "#ffffff"), 2)
    6.36

    References: WCAG 2.2, “contrast ratio” and “relative luminance” definitions.
    """
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def avatar_colour(key: int) -> str:
    """A stable background colour for someone's initials (the same person always gets the same one)."""
    return AVATAR_COLOURS[(key * 2654435761) % 2**32 % len(AVATAR_COLOURS)]


def check_accent_colour(value: str) -> str:
    """Return the colour normalised, or raise DomainError if white text on it would be hard to read."""
    try:
        colour = normalise_hex(value)
    except ValueError:
        raise DomainError(_("Give the colour as a hex code such as #0f6b62."), field="accent_color") from None
    ratio = contrast_ratio(colour, "#ffffff")
    if ratio < MIN_CONTRAST:
        raise DomainError(
            _("White text on %(colour)s has a contrast ratio of %(ratio)s:1; it needs at least 4.5:1 to stay "
              "readable. Choose a darker shade.") % {"colour": colour, "ratio": f"{ratio:.2f}"},
            field="accent_color",
        )
    return colour


@transaction.atomic
def set_organization_branding(
    *, organization: Organization, accent_color: str, logo: UploadedFile | None = None, remove_logo: bool = False,
    changed_by: object,
) -> Organization:
    """Set the accent colour ("" for Mentora's own) and replace or remove the logo; audited."""
    colour = check_accent_colour(accent_color) if accent_color.strip() else ""
    processed = process_image(logo, max_width=LOGO_MAX_WIDTH, max_height=LOGO_MAX_HEIGHT) if logo else None
    old_logo = organization.logo.name if (processed or remove_logo) and organization.logo else ""
    organization.accent_color = colour
    if processed is not None:
        organization.logo.save(f"logo.{processed.extension}", ContentFile(processed.content), save=False)
    elif remove_logo:
        organization.logo = ""  # type: ignore[assignment]
    organization.save(update_fields=["accent_color", "logo"])
    if old_logo:
        storage = organization.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    record_audit_event(organization=organization, actor=changed_by, action="organization.branding",
                       target=organization, details={"accent_color": colour, "logo": bool(organization.logo)})
    return organization
