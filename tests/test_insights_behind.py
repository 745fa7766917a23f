"""Every tile figure of the program health page links to the list behind it — the same count, the
same filters — and the mentors' responsiveness tile reads request and reply times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentora.insights.behind import FIGURES
from mentora.insights.health import Filters, program_insights
from mentora.matching.suggestions import responsiveness_summary
from mentora.messaging.models import Conversation, Message
from tests.conftest import World, client_for
from tests.test_insights_health import _meeting, _queries, build_history


def test_each_tile_links_to_a_list_as_long_as_its_figure(world: World) -> None:
    history = build_history(world)
    insights = program_insights(history.program)
    expected = {"met-recently": insights.meetings.pairs_met_last_30_days, "never-met": insights.meetings.pairs_never_met,
                "quiet": insights.meetings.pairs_quiet, "milestones-overdue": 1, "mentors-full": insights.load.full,
                "mentors-over": insights.load.over, "mentors-idle": insights.load.idle}
    assert set(expected) == set(FIGURES)
    client = client_for(world.coordinator)
    program_page = client.get(reverse("insights:program", args=["acme", history.program.pk])).content.decode()
    for key, count in expected.items():
        url = reverse("insights:behind", args=["acme", history.program.pk, key])
        assert url in program_page, key
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["count"] == count, key
        assert len(response.context["page"].object_list) == count
    overdue = client.get(reverse("insights:behind", args=["acme", history.program.pk, "milestones-overdue"]))
    assert [m.pk for m in overdue.context["page"].object_list] == [history.pairs[2].pk]  # the pair with "Draft" overdue
    idle = client.get(reverse("insights:behind", args=["acme", history.program.pk, "mentors-idle"]))
    assert [m.pk for m in idle.context["page"].object_list] == [history.mentors[1].pk]  # their mentorship ended early
    assert "0 of 2 places taken" in idle.content.decode()


def test_a_list_keeps_the_page_filters(world: World) -> None:
    history = build_history(world, departments=("Sales", "Ops"))
    client = client_for(world.coordinator)
    url = reverse("insights:behind", args=["acme", history.program.pk, "never-met"])
    everyone = client.get(url).context["count"]
    sales = client.get(url, {"department": "Sales"})
    expected = len(program_insights(history.program, filters=Filters(department="Sales")).meetings.never_met_ids)
    assert sales.context["count"] == expected and expected < everyone


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_the_lists_behind_are_for_the_program_coordinators_only(world: World, who: str) -> None:
    history = build_history(world)
    url = reverse("insights:behind", args=["acme", history.program.pk, "never-met"])
    assert client_for(getattr(world, who)).get(url).status_code == 404
    other = reverse("insights:behind", args=["acme", world.other_program.pk, "never-met"])
    assert client_for(world.coordinator).get(other).status_code == 404
    unknown = reverse("insights:behind", args=["acme", history.program.pk, "nonsense"])
    assert client_for(world.coordinator).get(unknown).status_code == 404


@pytest.mark.parametrize("key", ["never-met", "mentors-full"])
def test_a_list_behind_does_not_grow_with_its_rows(world: World, key: str) -> None:
    small = build_history(world, pairs=3)
    client = client_for(world.coordinator)
    few = _queries(lambda: client.get(reverse("insights:behind", args=["acme", small.program.pk, key])))
    large = build_history(world, pairs=12)
    for mentorship in large.pairs[:3]:
        _meeting(mentorship, 3, happened=True)
    many = _queries(lambda: client.get(reverse("insights:behind", args=["acme", large.program.pk, key])))
    assert many == few, (few, many)


def test_responsiveness_reads_request_and_reply_times(world: World) -> None:
    history = build_history(world, pairs=2)
    start = timezone.now() - timedelta(days=6)

    def say(pair: int, author, hours: float) -> None:
        conversation = Conversation.objects.get_or_create(mentorship=history.pairs[pair])[0]
        message = Message.objects.create(conversation=conversation, author=author.user, body="hi")
        Message.objects.filter(pk=message.pk).update(created_at=start + timedelta(hours=hours))

    first_mentor, first_mentee = history.mentors[0], history.mentees[0]
    say(0, first_mentee, 0)
    say(0, first_mentee, 1)  # still waiting since hour 0
    say(0, first_mentor, 6)  # a reply after 6 h
    say(0, first_mentee, 10)
    say(0, first_mentor, 100)  # after 90 h: this mentor's typical reply is 48 h
    say(1, history.mentees[1], 0)
    say(1, history.mentors[1], 100)  # the other mentor: 100 h, slower than 72 h
    summary = responsiveness_summary(history.program)
    assert (summary.mentors, summary.median_reply_hours, summary.slow) == (2, 90.0, 1)  # median of 6, 90, 100
    page = client_for(world.coordinator).get(reverse("insights:program", args=["acme", history.program.pk])).content.decode()
    assert "Mentors&#x27; responsiveness" in page or "Mentors' responsiveness" in page
    assert "3.8 days" in page and "typical reply to a message" in page
