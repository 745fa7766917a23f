"""Which evidence files we accept: an allow-list by extension, confirmed by the file's first bytes.

Pure functions, no Django. The browser's declared content type is ignored: we serve a file with the
type of its (checked) kind, so a script renamed to `.pdf` is refused rather than served.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

__all__ = ["ACCEPT", "EvidenceKind", "content_matches", "evidence_kind"]


@dataclass(frozen=True)
class EvidenceKind:
    extension: str
    content_type: str
    signature: str  # "pdf", "png", "jpeg", "gif", "webp", "zip" (OOXML, ODF), "ole" (old Office), "text"


_KINDS = [
    EvidenceKind(".pdf", "application/pdf", "pdf"),
    EvidenceKind(".png", "image/png", "png"),
    EvidenceKind(".jpg", "image/jpeg", "jpeg"),
    EvidenceKind(".jpeg", "image/jpeg", "jpeg"),
    EvidenceKind(".gif", "image/gif", "gif"),
    EvidenceKind(".webp", "image/webp", "webp"),
    EvidenceKind(".txt", "text/plain", "text"),
    EvidenceKind(".md", "text/markdown", "text"),
    EvidenceKind(".csv", "text/csv", "text"),
    EvidenceKind(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "zip"),
    EvidenceKind(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip"),
    EvidenceKind(".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "zip"),
    EvidenceKind(".odt", "application/vnd.oasis.opendocument.text", "zip"),
    EvidenceKind(".ods", "application/vnd.oasis.opendocument.spreadsheet", "zip"),
    EvidenceKind(".odp", "application/vnd.oasis.opendocument.presentation", "zip"),
    EvidenceKind(".doc", "application/msword", "ole"),
    EvidenceKind(".xls", "application/vnd.ms-excel", "ole"),
    EvidenceKind(".ppt", "application/vnd.ms-powerpoint", "ole"),
]
KINDS_BY_EXTENSION = {kind.extension: kind for kind in _KINDS}
ACCEPT = ",".join(KINDS_BY_EXTENSION)


def evidence_kind(file_name: str) -> EvidenceKind | None:
    """The allowed kind for a file name, by its (case-insensitive) extension.

    >>> evidence_kind("Talk Slides.PDF").content_type
    'application/pdf'
    >>> evidence_kind("portrait.svg") is None
    True
    """
    return KINDS_BY_EXTENSION.get(PurePath(file_name).suffix.lower())


def content_matches(kind: EvidenceKind, head: bytes) -> bool:
    """Whether the first bytes of a file fit its kind.

    >>> content_matches(evidence_kind("a.pdf"), b"%PDF-1.7 ...")
    True
    >>> content_matches(evidence_kind("a.pdf"), b"<script>alert(1)</script>")
    False
    >>> content_matches(evidence_kind("notes.txt"), "Café notes".encode())
    True
    """
    checks = {
        "pdf": head.startswith(b"%PDF-"),
        "png": head.startswith(b"\x89PNG\r\n\x1a\n"),
        "jpeg": head.startswith(b"\xff\xd8\xff"),
        "gif": head.startswith((b"GIF87a", b"GIF89a")),
        "webp": head[:4] == b"RIFF" and head[8:12] == b"WEBP",
        "zip": head.startswith(b"PK\x03\x04"),
        "ole": head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    }
    if kind.signature == "text":
        return _looks_like_text(head)
    return checks.get(kind.signature, False)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may end in the middle of a multi-byte character; anything earlier is binary.
        return error.start >= len(head) - 3
    return True
