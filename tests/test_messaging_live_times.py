"""A message pushed live is rendered for each reader in the reader's own zone, as the page is
(issue 13, defect 3: live messages showed UTC until a reload)."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime
from typing import Any

import pytest
from asgiref.sync import async_to_sync

from mentora.messaging.models import Message
from mentora.profiles.models import Profile
from tests.conftest import World
from tests.test_messaging import conversation_socket, receive_type


@pytest.mark.django_db(transaction=True)
def test_a_live_message_shows_each_readers_local_time(world: World):
    Profile.objects.filter(membership=world.mentor).update(timezone="Asia/Tokyo")
    Profile.objects.filter(membership=world.mentee).update(timezone="America/Toronto")
    mentor, mentee = conversation_socket(world, world.mentor), conversation_socket(world, world.mentee)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        assert (await mentor.connect())[0] and (await mentee.connect())[0]
        await mentee.send_json_to({"action": "send", "body": "What time is it there?"})
        got = await receive_type(mentor, "message", timeout=30), await receive_type(mentee, "message", timeout=30)
        await mentor.disconnect()
        await mentee.disconnect()
        return got

    for_mentor, for_mentee = async_to_sync(scenario)()
    created_at = Message.objects.get().created_at

    def shown(html: str) -> str:
        match = re.search(r"<time datetime=\"[^\"]+\">([^<]+)</time>", html)
        assert match
        return match.group(1)

    def local(zone: str) -> str:
        moment: datetime = created_at.astimezone(zoneinfo.ZoneInfo(zone))
        return moment.strftime("%a %-d %b, %H:%M")

    assert shown(for_mentor["html"]) == local("Asia/Tokyo")
    assert shown(for_mentee["html"]) == local("America/Toronto")
