"""Background work for accounts; enqueued only after the transaction commits."""

from __future__ import annotations

from django_tasks import task

from mentora.accounts.models import Invitation


@task()
def send_invitation_email(*, invitation_id: int) -> None:
    """Email an invitation link; does nothing if the invitation is gone or closed."""
    from mentora.accounts.services import deliver_invitation

    invitation = Invitation.objects.select_related("organization", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return
    deliver_invitation(invitation)
