"""Background work for programs; enqueued after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from mentora.programs.models import Enrollment


@task()
def send_enrollment_decision(*, enrollment_id: int) -> None:
    """Tell an applicant the coordinator's decision, with their message."""
    enrollment = Enrollment.objects.select_related("program__organization", "membership__user").filter(pk=enrollment_id).first()
    if enrollment is None:
        return
    link = settings.MENTORA_BASE_URL.rstrip("/") + reverse(
        "programs:detail", args=[enrollment.program.organization.slug, enrollment.program.pk]
    )
    body = _("Your application to %(program)s as %(role)s: %(status)s.") % {
        "program": enrollment.program.name, "role": enrollment.get_role_display(),
        "status": enrollment.get_status_display(),
    }
    if enrollment.decision_message:
        body += "\n\n" + enrollment.decision_message
    send_mail(
        subject=_("%(program)s: %(status)s") % {"program": enrollment.program.name, "status": enrollment.get_status_display()},
        message=f"{body}\n\n{link}",
        from_email=None,
        recipient_list=[enrollment.membership.user.email],
    )
