"""Uploaded pictures (profile photos, organization logos): checked with Pillow, resized, re-encoded.

The upload's own bytes are never stored: Pillow decodes it (refusing anything that is not a JPEG,
PNG or WebP image, or too large), and a fresh file without metadata (EXIF, GPS) is written.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from mentora.core.errors import DomainError

__all__ = ["ALLOWED_FORMATS", "CONTENT_TYPES", "ProcessedImage", "image_max_bytes", "process_image"]

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# Refuse images whose pixel count could exhaust memory while decoding (a 50 kB "bomb" can be 20k × 20k).
MAX_PIXELS = 40_000_000


def image_max_bytes() -> int:
    return int(getattr(settings, "MENTORA_IMAGE_MAX_BYTES", 5 * 1024 * 1024))


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    extension: str  # "jpg" or "png"
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def process_image(upload: UploadedFile, *, max_width: int, max_height: int, square: bool = False) -> ProcessedImage:
    """Decode ``upload``, crop it to a centred square if asked, shrink it to fit the box; re-encode.

    Raises DomainError (field "image") with a message for people when the file is too big, not an
    image, or not a JPEG/PNG/WebP. Images with transparency stay PNG; others become JPEG.
    """
    limit = image_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise DomainError(
            _("That picture is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": limit // (1024 * 1024)},
            field="image",
        )
    not_an_image = _("That file is not a picture we can use: upload a JPEG, PNG or WebP image.")
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(upload, formats=sorted(ALLOWED_FORMATS))
            if opened.width * opened.height > MAX_PIXELS:
                raise DomainError(_("That picture has too many pixels; use one under 40 megapixels."), field="image")
            opened.load()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise DomainError(not_an_image, field="image") from None
    if opened.format not in ALLOWED_FORMATS:
        raise DomainError(not_an_image, field="image")

    image: Image.Image = ImageOps.exif_transpose(opened)  # honour the camera's rotation before the EXIF is dropped
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    if square:
        side = min(image.size)
        image = ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS)
    image.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)

    out = io.BytesIO()
    if has_alpha:
        image.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        image.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
        extension = "jpg"
    return ProcessedImage(content=out.getvalue(), extension=extension, width=image.width, height=image.height)


def stored_image_response(image: Any) -> HttpResponse:
    """Serve a stored, already-checked image privately (sandboxed, cached per browser for a day)."""
    extension = image.name.rsplit(".", 1)[-1]
    with image.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=CONTENT_TYPES.get(extension, "application/octet-stream"))
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
