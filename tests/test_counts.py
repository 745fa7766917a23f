"""The badges on every page (unread messages, unread notifications) come from the cache and are
dropped by every write that changes them, so they are cheap and never wrong for long."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentora.core import counts
from mentora.messaging import services as messaging
from mentora.notifications.services import mark_read, notify, unread_count
from tests.conftest import World, client_for


def _unread(world: World, who) -> int:
    return messaging.total_unread(user=who.user, organization=world.org)


def test_each_write_that_changes_the_message_badge_drops_it(world: World) -> None:
    conversation = messaging.conversation_for(world.mentorship)
    assert _unread(world, world.mentee) == 0  # now cached
    first = messaging.post_message(conversation=conversation, author=world.mentor.user, body="Hello")
    assert _unread(world, world.mentee) == 1
    messaging.post_message(conversation=conversation, author=world.mentor.user, body="Are you there?")
    assert _unread(world, world.mentee) == 2 and _unread(world, world.mentor) == 0
    messaging.delete_message(message=first, deleter=world.mentor.user)
    assert _unread(world, world.mentee) == 1
    messaging.block_person(blocker=world.mentee.user, blocked=world.mentor.user, organization=world.org)
    assert _unread(world, world.mentee) == 0
    messaging.unblock_person(blocker=world.mentee.user, blocked=world.mentor.user, organization=world.org)
    assert _unread(world, world.mentee) == 1
    messaging.mark_read(conversation=conversation, user=world.mentee.user)
    assert _unread(world, world.mentee) == 0


def test_the_bell_badge_follows_notifications_and_reading_them(world: World) -> None:
    user = world.mentee.user
    assert unread_count(user_id=user.pk, organization_id=world.org.pk) == 0
    notify(recipients=[user], organization=world.org, kind="test", title="One", email=False)
    notify(recipients=[user, world.mentor.user], organization=world.org, kind="test", title="Two", email=False)
    assert unread_count(user_id=user.pk, organization_id=world.org.pk) == 2
    mark_read(user=user, organization=world.org)
    assert unread_count(user_id=user.pk, organization_id=world.org.pk) == 0
    assert unread_count(user_id=world.mentor.user.pk, organization_id=world.org.pk) == 1
    assert unread_count(user_id=user.pk, organization_id=world.other_org.pk) == 0  # per organization


def test_a_page_counts_the_badges_once_then_reads_them_from_the_cache(world: World) -> None:
    conversation = messaging.conversation_for(world.mentorship)
    messaging.post_message(conversation=conversation, author=world.mentor.user, body="Hello")
    client = client_for(world.mentee)
    url = reverse("meetings:list", args=["acme"])
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        page = client.get(url).content.decode()
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    def badge_queries(captured: CaptureQueriesContext) -> int:
        return sum(table in q["sql"] for q in captured.captured_queries
                   for table in ('"messaging_readmarker"', '"notifications_notification"'))

    assert badge_queries(warm) == 0 and badge_queries(cold) == 2
    assert len(warm.captured_queries) < len(cold.captured_queries)
    assert "data-unread-messages" in page


def test_with_the_cache_unreachable_the_badges_are_counted_from_the_database(world: World, monkeypatch) -> None:
    conversation = messaging.conversation_for(world.mentorship)
    messaging.post_message(conversation=conversation, author=world.mentor.user, body="Hello")
    monkeypatch.setattr(counts.cache, "get", lambda *a, **k: None)  # what FailOpenRedisCache answers with Redis down
    monkeypatch.setattr(counts.cache, "set", lambda *a, **k: None)
    assert _unread(world, world.mentee) == 1
