"""Coordinators' messages: each person may read them in Mentora only (no email), and a message to
the people behind a figure can be scheduled, seen waiting and cancelled before it goes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import Membership
from mentora.insights.messages import send_due_scheduled
from mentora.insights.models import ScheduledMessage, ScheduledStatus
from mentora.notifications.models import Notification
from mentora.notifications.services import notify, set_coordinator_messages_by_email
from tests.conftest import World, client_for
from tests.test_insights_health import build_history

TEXT = "Hi {first_name}, we are still looking for your match in {program}."


def _waiting(world: World) -> Membership:
    return Membership.objects.get(organization=world.org, profile__department="Legal")


def _form(**extra: str) -> dict[str, str]:
    return {"step": "matched", "stopped": "1", "message": TEXT} | extra


def test_a_person_who_opts_out_gets_coordinators_messages_in_mentora_only(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    history = build_history(world)
    waiting = _waiting(world)
    page = client_for(waiting).post(reverse("notifications:email_choices", args=["acme"]), {}, follow=True).content.decode()
    assert "reach you here only" in page and 'name="coordinator_messages_by_email" checked' not in page
    url = reverse("insights:people_message", args=["acme", history.program.pk])
    preview = client_for(world.coordinator).post(url, _form()).content.decode()
    assert "1 of them reads coordinators' messages in Mentora only" in preview
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.coordinator).post(url, _form(confirm="yes"))
    assert Notification.objects.filter(recipient=waiting.user, kind="program.message").exists()
    assert mail.outbox == []  # in Mentora only
    with django_capture_on_commit_callbacks(execute=True):  # what is about their own mentorship still comes
        notify(recipients=[waiting.user], organization=world.org, kind="request.received", title="A request")
    assert [m.to for m in mail.outbox] == [[waiting.user.email]]


def test_coordinators_messages_by_email_say_how_to_stop_them(world: World, django_capture_on_commit_callbacks: Any) -> None:
    history = build_history(world)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.coordinator).post(reverse("insights:people_message", args=["acme", history.program.pk]),
                                           _form(confirm="yes"))
    [email] = mail.outbox
    assert "without email: http" in email.body and "/o/acme/notifications/#email-choices" in email.body
    set_coordinator_messages_by_email(user=_waiting(world).user, by_email=True)  # ticking it back is fine too


def test_a_scheduled_message_waits_then_goes_once(world: World, django_capture_on_commit_callbacks: Any) -> None:
    from zoneinfo import ZoneInfo

    history = build_history(world)
    # The form's time is read on the coordinator's own clock (their profile's zone).
    send_at = timezone.localtime(timezone.now(), ZoneInfo(world.coordinator.profile.timezone)) + timedelta(hours=2)
    url = reverse("insights:people_message", args=["acme", history.program.pk])
    response = client_for(world.coordinator).post(url, _form(confirm="schedule", send_at=send_at.strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 302 and response["Location"].endswith("#scheduled-h")
    scheduled = ScheduledMessage.objects.get()
    assert scheduled.status == ScheduledStatus.SCHEDULED and list(scheduled.recipients.all()) == [_waiting(world)]
    assert not Notification.objects.filter(kind="program.message").exists()
    page = client_for(world.coordinator).get(reverse("insights:program", args=["acme", history.program.pk])).content.decode()
    assert "Messages waiting to go" in page and "to 1 person (Not yet: Matched)" in page

    assert send_due_scheduled(now=timezone.now() + timedelta(hours=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_scheduled(now=timezone.now() + timedelta(hours=3)) == 1
    assert send_due_scheduled(now=timezone.now() + timedelta(hours=4)) == 0  # once
    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.sent_count) == (ScheduledStatus.SENT, 1)
    note = Notification.objects.get(kind="program.message")
    assert note.recipient == _waiting(world).user and "Returners 2026" in note.body
    assert [m.to for m in mail.outbox] == [[_waiting(world).user.email]]


def test_a_cancelled_message_never_goes(world: World) -> None:
    history = build_history(world)
    url = reverse("insights:people_message", args=["acme", history.program.pk])
    send_at = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client_for(world.coordinator).post(url, _form(confirm="schedule", send_at=send_at))
    scheduled = ScheduledMessage.objects.get()
    cancel = reverse("insights:scheduled_cancel", args=["acme", history.program.pk, scheduled.pk])
    page = client_for(world.coordinator).post(cancel, follow=True).content.decode()
    assert "Cancelled: that message will not be sent." in page
    assert send_due_scheduled(now=timezone.now() + timedelta(days=2)) == 0
    assert not Notification.objects.filter(kind="program.message").exists()
    again = client_for(world.coordinator).post(cancel, follow=True).content.decode()
    assert "already gone out (or was cancelled)" in again


@pytest.mark.parametrize(("offset", "error"), [
    (timedelta(minutes=1), "at least five minutes from now"),
    (timedelta(days=61), "at most 60 days ahead"),
    (None, "Choose the date and time"),
])
def test_a_bad_time_is_refused_and_nothing_is_kept(world: World, offset: timedelta | None, error: str) -> None:
    history = build_history(world)
    send_at = (timezone.localtime() + offset).strftime("%Y-%m-%dT%H:%M") if offset else "soon"
    response = client_for(world.coordinator).post(reverse("insights:people_message", args=["acme", history.program.pk]),
                                                  _form(confirm="schedule", send_at=send_at))
    assert response.status_code == 422 and error in response.content.decode()
    assert not ScheduledMessage.objects.exists()


def test_only_the_programs_coordinators_cancel_and_another_program_answers_like_a_missing_one(world: World) -> None:
    history = build_history(world)
    send_at = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client_for(world.coordinator).post(reverse("insights:people_message", args=["acme", history.program.pk]),
                                       _form(confirm="schedule", send_at=send_at))
    scheduled = ScheduledMessage.objects.get()
    for who, program in ((world.member, history.program), (world.outsider, history.program),
                         (world.coordinator, world.program)):
        url = reverse("insights:scheduled_cancel", args=["acme", program.pk, scheduled.pk])
        assert client_for(who).post(url).status_code == 404
    scheduled.refresh_from_db()
    assert scheduled.status == ScheduledStatus.SCHEDULED
