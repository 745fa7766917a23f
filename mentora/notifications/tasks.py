"""Email delivery of notifications (at most once per notification)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from mentora.notifications.models import COORDINATOR_MESSAGE_KINDS, Notification


@task()
def email_notification(*, notification_id: int) -> None:
    """Send the email for one notification; a second run finds it already sent and does nothing.

    A failed send raises (the outbox retries it) and leaves the notification unsent.
    """
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return
    notification = Notification.objects.select_related("recipient", "organization").get(pk=notification_id)
    link = settings.MENTORA_BASE_URL.rstrip("/") + notification.url if notification.url.startswith("/") else notification.url
    body = notification.body + (f"\n\n{link}" if link else "")
    if notification.kind in COORDINATOR_MESSAGE_KINDS:
        settings_link = settings.MENTORA_BASE_URL.rstrip("/") + reverse(
            "notifications:list", args=[notification.organization.slug]) + "#email-choices"
        body += "\n\n" + _("You get this because you take part in a program. To read coordinators' messages in "
                           "Mentora only, without email: %(link)s") % {"link": settings_link}
    try:
        send_mail(
            subject=f"[{notification.organization.name}] {notification.title}",
            message=body.strip(),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception:
        # Not sent after all: release the claim so the outbox's next attempt sends it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
