"""What a person does with their data, recorded: the export (and, later, erasure)."""

from __future__ import annotations

import tempfile
from typing import IO

from django.http import FileResponse
from django.utils import timezone

from mentora.accounts.models import User
from mentora.core.models import record_audit_event

from .export import write_archive

#: An archive up to this size stays in memory while it is written; a larger one spills to disk.
SPOOL_BYTES = 1024 * 1024


def export_for(user: User) -> tuple[str, IO[bytes], int]:
    """The person's archive (a temporary file, at its start), its file name and size; the download
    is audited (and in the security log)."""
    target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 — the response closes it
    write_archive(user, target)
    size = target.tell()
    target.seek(0)
    record_audit_event(organization=None, actor=user, action="privacy.export", target=user, details={"bytes": size})
    return f"mentora-my-data-{timezone.localdate().isoformat()}.zip", target, size


def export_response(user: User) -> FileResponse:
    """The download of the person's archive, streamed from its temporary file (the page and the API)."""
    name, archive, size = export_for(user)
    response = FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
    response["Content-Length"] = str(size)
    return response
