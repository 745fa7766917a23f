"""Notifications: in-app and by email, once per dedupe key, each person sees only their own."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from mentora.notifications.models import Notification
from mentora.notifications.services import notify
from mentora.notifications.tasks import email_notification
from tests.conftest import client_for


def test_notify_creates_an_inbox_entry_and_an_email(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(recipients=[world.mentee.user, world.mentee.user], organization=world.org, kind="test",
                         title="Your match is ready", body="Say hello!", url="/o/acme/")
    assert len(created) == 1  # duplicates in the recipient list collapse
    assert mail.outbox[-1].to == ["mentee@acme.test"] and "Your match is ready" in mail.outbox[-1].subject
    assert "http://127.0.0.1:8000/o/acme/" in mail.outbox[-1].body


def test_a_dedupe_key_notifies_at_most_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[world.mentee.user], organization=world.org, kind="reminder", title="Check in", dedupe_key="checkin:1")
        notify(recipients=[world.mentee.user], organization=world.org, kind="reminder", title="Check in", dedupe_key="checkin:1")
    assert Notification.objects.filter(dedupe_key="checkin:1").count() == 1
    assert len(mail.outbox) == 1


def test_the_email_task_sends_once_even_if_run_twice(world):
    [notification] = notify(recipients=[world.mentor.user], organization=world.org, kind="t", title="Hi", email=False)
    email_notification.call(notification_id=notification.pk)
    email_notification.call(notification_id=notification.pk)
    assert len(mail.outbox) == 1


def test_the_inbox_shows_only_my_notifications_and_marks_them_read(world):
    notify(recipients=[world.mentee.user], organization=world.org, kind="t", title="For the mentee", email=False)
    notify(recipients=[world.mentor.user], organization=world.org, kind="t", title="For the mentor", email=False)
    client = client_for(world.mentee)
    page = client.get(reverse("notifications:list", args=["acme"])).content.decode()
    assert "For the mentee" in page and "For the mentor" not in page
    assert "1<span class=\"visually-hidden\"> unread" in client.get(reverse("core:dashboard", args=["acme"])).content.decode()
    client.post(reverse("notifications:mark_read", args=["acme"]))
    assert not Notification.objects.unread().filter(recipient=world.mentee.user).exists()
    assert Notification.objects.unread().filter(recipient=world.mentor.user).exists()


def test_a_coordinators_decision_reaches_the_applicants_inbox(world, as_coordinator):
    as_coordinator.post(reverse("programs:enrollment_decide", args=["acme", world.mentee_enrollment.pk]), {"decision": "approve"})
    assert Notification.objects.filter(recipient=world.mentee.user, kind="enrollment.approve").exists()
