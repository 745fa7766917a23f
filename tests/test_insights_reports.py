"""Scheduled reports: coordinators choose who gets a program's health (or the roll-up) by email,
weekly or monthly; due reports go through the outbox once per period, and stop when asked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from mentora.core.errors import DomainError
from mentora.insights.models import ReportSubscription
from mentora.insights.reports import first_send_on, send_due_reports, subscribe_report
from tests.conftest import World, client_for
from tests.test_insights_health import build_history


def test_the_first_report_goes_on_the_next_monday_or_first_of_the_month() -> None:
    assert first_send_on("weekly", date(2026, 12, 7)) == date(2026, 12, 14)  # a Monday: the next one
    assert first_send_on("monthly", date(2026, 1, 31)) == date(2026, 2, 1)


def test_a_due_program_report_is_emailed_once_with_the_headline_figures(world: World,
                                                                          django_capture_on_commit_callbacks) -> None:
    history = build_history(world)
    subscription = subscribe_report(organization=world.org, program=history.program, recipient=world.coordinator,
                                    frequency="weekly", created_by=world.coordinator.user)
    later = subscription.next_send_on
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reports(today=later - timedelta(days=1)) == 0
        assert send_due_reports(today=later) == 1
        assert send_due_reports(today=later) == 0  # moved to the next Monday
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.coordinator.user.email] and "How Returners 2026 is going" in message.subject
    assert "4 of 5 approved people are matched (80 %)." in message.body
    assert "2 active mentorships have not met for three weeks." in message.body
    assert f"/o/acme/programs/{history.program.pk}/insights/" in message.body
    assert "text/html" in message.alternatives[0][1]
    subscription.refresh_from_db()
    assert subscription.next_send_on == later + timedelta(days=7) and subscription.last_sent_at is not None


def test_the_rollup_report_lists_every_program(world: World, django_capture_on_commit_callbacks) -> None:
    build_history(world)
    subscription = subscribe_report(organization=world.org, program=None, recipient=world.admin, frequency="monthly",
                                    created_by=world.coordinator.user)
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reports(today=subscription.next_send_on)
    assert "Returners 2026:" in mail.outbox[0].body and "Career Growth:" in mail.outbox[0].body


def test_reports_go_only_to_coordinators_and_admins_of_the_organization_once(world: World) -> None:
    for recipient in (world.mentee, world.outsider):
        with pytest.raises(DomainError):
            subscribe_report(organization=world.org, program=world.program, recipient=recipient, frequency="weekly",
                             created_by=world.coordinator.user)
    subscribe_report(organization=world.org, program=world.program, recipient=world.admin, frequency="weekly",
                     created_by=world.coordinator.user)
    with pytest.raises(DomainError):
        subscribe_report(organization=world.org, program=world.program, recipient=world.admin, frequency="monthly",
                         created_by=world.coordinator.user)
    with pytest.raises(DomainError):
        subscribe_report(organization=world.org, program=world.other_program, recipient=world.admin, frequency="weekly",
                         created_by=world.coordinator.user)
    assert ReportSubscription.objects.count() == 1


def test_someone_who_stopped_being_a_coordinator_gets_nothing(world: World, django_capture_on_commit_callbacks) -> None:
    subscription = subscribe_report(organization=world.org, program=world.program, recipient=world.coordinator,
                                    frequency="weekly", created_by=world.admin.user)
    world.coordinator.role = "member"
    world.coordinator.save(update_fields=["role"])
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reports(today=subscription.next_send_on) == 0
    assert mail.outbox == []


def test_the_pages_start_and_stop_the_emails(world: World) -> None:
    client = client_for(world.coordinator)
    page = reverse("insights:program", args=["acme", world.program.pk])
    started = client.post(reverse("insights:report_subscribe", args=["acme", world.program.pk]),
                          {"recipient": world.admin.pk, "frequency": "monthly"})
    assert started.status_code == 302 and started["Location"] == page
    subscription = ReportSubscription.objects.get()
    assert (subscription.recipient, subscription.frequency, subscription.program) == (world.admin, "monthly", world.program)
    assert "next on" in client.get(page).content.decode()
    refused = client.post(reverse("insights:report_subscribe", args=["acme", world.program.pk]),
                          {"recipient": world.mentee.pk, "frequency": "weekly"}, follow=True)
    assert "Reports go to coordinators and admins of this organization." in refused.content.decode()
    garbled = client.post(reverse("insights:report_subscribe", args=["acme", world.program.pk]),
                          {"recipient": "abc", "frequency": "weekly"}, follow=True)
    assert garbled.status_code == 200 and "Choose who gets the report." in garbled.content.decode()
    outsider = client_for(world.outsider).post(reverse("insights:report_stop", args=["globex", subscription.pk]))
    assert outsider.status_code == 404 and ReportSubscription.objects.exists()
    client.post(reverse("insights:report_stop", args=["acme", subscription.pk]))
    assert not ReportSubscription.objects.exists()
    assert client.get(page).status_code == 200
