"""What a person does with their data, recorded: the export (and, later, erasure)."""

from __future__ import annotations

from django.utils import timezone

from mentora.accounts.models import User
from mentora.core.models import record_audit_event

from .export import archive


def export_for(user: User) -> tuple[str, bytes]:
    """The person's archive and its file name; the download is audited (and in the security log)."""
    content = archive(user)
    record_audit_event(organization=None, actor=user, action="privacy.export", target=user,
                       details={"bytes": len(content)})
    return f"mentora-my-data-{timezone.localdate().isoformat()}.zip", content
