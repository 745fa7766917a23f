"""An admin finds a delivery that used up its retries, sends it again, and sees the list empty."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mentora.core.models import AuditEvent, OutboxEntry, OutboxStatus
from tests.conftest import World
from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e


def test_an_admin_retries_a_failed_delivery(page: Page, live_server, world: World, tmp_path):
    entry = OutboxEntry.objects.create(
        task_path="tests.tasks_for_tests.record_ping", kwargs={"note": "again"}, organization=world.org,
        label="Email to mentee@acme.test: Your application to Career Growth was approved",
        status=OutboxStatus.FAILED, attempts=6, finished_at=timezone.now(),
        last_error="SMTPConnectError: (421, 'smtp.internal: service not available, closing channel')",
    )
    login(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/o/acme/audit/")
    page.get_by_role("link", name="Failed deliveries").click()
    expect(page.get_by_role("heading", name="Failed deliveries")).to_be_visible()
    expect(page.get_by_text("Tried 6 times")).to_be_visible()
    expect(page.get_by_text("service not available")).to_be_visible()
    assert_accessible(page)
    if os.environ.get("MENTORA_SCREENSHOTS"):
        for width, height in ((1280, 800), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(tmp_path.parent / f"failed-deliveries-{width}.png"), full_page=True)

    page.get_by_role("button", name="Retry: Email to mentee@acme.test").click()
    expect(page.get_by_text("Sending again")).to_be_visible()
    expect(page.get_by_text("Nothing has failed.")).to_be_visible()
    assert_accessible(page)
    entry.refresh_from_db()
    assert entry.status != OutboxStatus.FAILED
    assert AuditEvent.objects.filter(action="delivery.retry", actor=world.admin.user).exists()
