"""At-risk pairs: the signals read off real mentorships, the score and its reasons, the back-test,
the page and nudging."""

from __future__ import annotations

import importlib.util
import sys
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentora.core.errors import Conflict, DomainError
from mentora.core.models import AuditEvent
from mentora.feedback.models import CheckIn
from mentora.goals.models import GoalStatus, Milestone
from mentora.insights import services
from mentora.insights.models import Nudge
from mentora.insights.risk import AT_RISK, WATCH, assess, assess_program
from mentora.insights.signals import QUERIES, MentorshipSignals, collect_signals
from mentora.meetings.models import Meeting, MeetingStatus
from mentora.mentorships.agreements import confirm_agreement
from mentora.mentorships.models import Mentorship, MentorshipStatus, SessionLog
from mentora.mentorships.services import transition_mentorship
from mentora.messaging.models import Message
from mentora.notifications.models import Notification
from tests import risk_fixtures
from tests.conftest import World, client_for
from tests.relationship_fixtures import goal_of, milestone_of, proposed_agreement

# The moment the signals are read: a little after the rows each test writes (at the real time).
NOW = timezone.now() + timedelta(minutes=30)


def ago(days: float) -> Any:
    return NOW - timedelta(days=days)


def _bench() -> Any:
    """bench/at_risk.py, imported by path (bench/ is a folder of scripts, not a package)."""
    path = Path(__file__).resolve().parents[1] / "bench" / "at_risk.py"
    spec = importlib.util.spec_from_file_location("bench_at_risk", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


# ---- the score, from signals (pure) ----

def signals(**changes: Any) -> MentorshipSignals:
    """A healthy pair 60 days in (met 5 days ago, wrote yesterday, agreement confirmed), changed."""
    healthy: dict[str, Any] = {
        "mentorship_id": 1, "is_paused": False, "days_since_start": 60, "days_since_match": 62,
        "days_since_meeting": 5, "days_since_message": 1, "has_agreement": True, "agreement_unconfirmed": False,
        "activity_count": 20, "busiest_share": 0.55, "busiest_name": "Ana",
    }
    return MentorshipSignals(**(healthy | changes))


def test_a_pair_that_meets_and_writes_is_doing_fine() -> None:
    verdict = assess(signals())
    assert (verdict.score, verdict.level, verdict.reasons, verdict.action) == (0, "fine", [], None)
    assert not verdict.is_at_risk


@pytest.mark.parametrize(("changes", "reason"), [
    ({"days_since_meeting": 34}, "No meeting for 34 days"),
    ({"days_since_meeting": None, "days_since_start": 30}, "No meeting yet, 30 days after the start"),
    ({"days_since_message": 12}, "No message for 12 days"),
    ({"unanswered_messages": 3, "unanswered_days": 6, "unanswered_from": "Ana"}, "3 messages from Ana unanswered for 6 days"),
    ({"unanswered_messages": 1, "unanswered_days": 9, "unanswered_from": "Sam"}, "1 message from Sam unanswered for 9 days"),
    ({"missed_meetings": 2}, "2 meetings missed in the last 60 days"),
    ({"check_in_latest": 2, "check_in_previous": 4}, "Check-ins fell from 4 to 2"),
    ({"check_in_latest": 2}, "Latest check-in: 2 out of 5"),
    ({"overdue_milestones": 2}, "2 milestones overdue"),
    ({"has_agreement": False, "agreement_unconfirmed": True}, "No agreement yet, 62 days after the match"),
    ({"agreement_unconfirmed": True, "agreement_waiting_for": ("Sam",)}, "Agreement not confirmed by Sam, 62 days after the match"),
    ({"busiest_share": 0.85}, "Ana carries 85% of the messages and bookings"),
    ({"activity_count": 4, "days_since_meeting": 20}, "Little contact: 4 messages and bookings in the last 30 days"),
])
def test_each_sign_of_trouble_is_a_reason_in_plain_words(changes: dict[str, Any], reason: str) -> None:
    verdict = assess(signals(**changes))
    assert reason in verdict.reasons
    assert verdict.score == sum(item.points for item in verdict.evidence) > 0


def test_evidence_adds_up_to_a_score_capped_at_100_heaviest_reason_first() -> None:
    verdict = assess(signals(days_since_meeting=50, days_since_message=40, activity_count=0, check_in_latest=1,
                             missed_meetings=3, overdue_milestones=3))
    assert verdict.score == 100 and verdict.level == "high" and verdict.is_at_risk
    points = [item.points for item in verdict.evidence]
    assert points == sorted(points, reverse=True)


def test_silence_counts_less_when_the_pair_is_paused() -> None:
    active = assess(signals(days_since_meeting=42, days_since_message=10))
    paused = assess(signals(days_since_meeting=42, days_since_message=10, is_paused=True))
    assert [item.points for item in active.evidence] == [35, 14]
    assert [item.points for item in paused.evidence] == [18, 7]


def test_the_levels_follow_the_documented_thresholds() -> None:
    assert (AT_RISK, WATCH) == (50, 25)
    watch = assess(signals(days_since_meeting=42))  # 35 points: no meeting for six weeks, nothing else
    assert (watch.score, watch.level, watch.level_label) == (35, "watch", "Watch")


@pytest.mark.parametrize(("changes", "action"), [
    ({"days_since_meeting": 40, "days_since_message": 20}, "nudge"),
    ({"unanswered_messages": 2, "unanswered_days": 9, "unanswered_from": "Ana"}, "check_in"),
    ({"check_in_latest": 1, "check_in_previous": 4, "days_since_meeting": 30}, "rematch"),
    ({"busiest_share": 0.9, "unanswered_messages": 4, "unanswered_days": 14, "unanswered_from": "Ana"}, "rematch"),
])
def test_the_suggested_action_follows_the_evidence(changes: dict[str, Any], action: str) -> None:
    verdict = assess(signals(**changes))
    assert verdict.level != "fine"
    assert verdict.action is not None and verdict.action.kind == action


# ---- the back-test ----

def test_on_generated_histories_the_predictor_beats_no_meeting_in_21_days_on_precision_and_recall() -> None:
    bench = _bench()
    for seed in (1, 2):
        result = bench.back_test(pairs=2000, seed=seed)
        assert result.went_wrong > 150  # enough pairs that went wrong for the figures to mean something
        assert result.predictor.precision > result.rule.precision, (seed, result)
        assert result.predictor.recall > result.rule.recall, (seed, result)


def test_the_back_test_builds_signals_the_way_the_page_does() -> None:
    """A generated history read at its snapshot: the last writer's messages unanswered, meetings held."""
    bench = _bench()
    history = bench.History(kind="steady", snapshot=40, messages=[(30.5, "mentor"), (33.2, "mentee"), (35.1, "mentee")],
                            meetings=[bench.MeetingEvent(day=20, booked_at=17.5, booked_by="mentor", happened=True),
                                      bench.MeetingEvent(day=34, booked_at=31.5, booked_by="mentee", happened=False)])
    found = bench.signals_at(history)
    assert (found.days_since_meeting, found.missed_meetings, found.days_since_message) == (20, 1, 5)
    assert (found.unanswered_messages, found.unanswered_days, found.unanswered_from) == (2, 7, "Ana")
    assert (found.activity_count, found.busiest_name, found.busiest_share) == (5, "Ana", 0.6)


# ---- the signals, read off real mentorships ----

@pytest.fixture
def pair(world: World) -> Mentorship:
    """The world's pair, started 60 days ago, with names a sentence can use."""
    world.mentee.user.full_name, world.mentor.user.full_name = "Ana Lima", "Morgan Reyes"
    world.mentee.user.save(update_fields=["full_name"])
    world.mentor.user.save(update_fields=["full_name"])
    Mentorship.objects.filter(pk=world.mentorship.pk).update(started_on=(NOW - timedelta(days=60)).date(),
                                                            created_at=ago(62))
    return Mentorship.objects.get(pk=world.mentorship.pk)


def read(mentorship: Mentorship) -> MentorshipSignals:
    (found,) = collect_signals(mentorship_ids=[mentorship.pk], now=NOW)
    return found


def meeting(mentorship: Mentorship, days_ago: float, **fields: Any) -> Meeting:
    return risk_fixtures.meeting(mentorship, ago(days_ago), **fields)


def message(mentorship: Mentorship, author: Any, days_ago: float, **fields: Any) -> Message:
    return risk_fixtures.message(mentorship, author, ago(days_ago), **fields)


def test_a_new_pair_has_not_met_nor_written_nor_agreed(pair: Mentorship) -> None:
    found = read(pair)
    assert (found.days_since_start, found.days_since_match) == (60, 62)
    assert (found.days_since_meeting, found.days_since_message) == (None, None)
    assert found.agreement_unconfirmed and not found.has_agreement
    assert "No meeting yet, 60 days after the start" in assess(found).reasons


def test_a_meeting_counts_as_held_unless_cancelled_or_marked_missed(pair: Mentorship) -> None:
    meeting(pair, 40, happened=True)
    meeting(pair, 30)                                         # past, attendance never recorded: held
    meeting(pair, 20, status=MeetingStatus.CANCELLED)
    meeting(pair, 10, happened=False)
    meeting(pair, -3)                                         # still to come
    found = read(pair)
    assert (found.days_since_meeting, found.missed_meetings) == (30, 1)


def test_a_logged_session_counts_as_a_meeting_and_old_misses_are_forgotten(pair: Mentorship, world: World) -> None:
    meeting(pair, 70, happened=False)
    SessionLog.objects.create(mentorship=pair, logged_by=world.mentee, held_on=(NOW - timedelta(days=12)).date(),
                              duration_minutes=45, channel="video", topics="Outline")
    found = read(pair)
    assert (found.days_since_meeting, found.missed_meetings) == (12, 0)


def test_messages_waiting_for_an_answer_are_counted_after_three_days(pair: Mentorship, world: World) -> None:
    message(pair, world.mentor, 8)
    for days in (6, 5, 4, 1):
        message(pair, world.mentee, days)
    message(pair, world.mentor, 0.5, deleted_at=NOW, body="")  # deleted: neither an answer nor a message
    found = read(pair)
    assert (found.unanswered_messages, found.unanswered_days, found.unanswered_from) == (3, 6, "Ana")
    assert found.days_since_message == 1
    assert "3 messages from Ana unanswered for 6 days" in assess(found).reasons


def test_an_answer_clears_the_waiting_messages(pair: Mentorship, world: World) -> None:
    message(pair, world.mentee, 9)
    message(pair, world.mentor, 2)
    found = read(pair)
    assert (found.unanswered_messages, found.days_since_message) == (0, 2)


def test_check_ins_show_the_member_whose_latest_answer_is_lowest(pair: Mentorship, world: World) -> None:
    for respondent, sequence, answered_days_ago, going_well in [
        (world.mentee, 1, 40, 4), (world.mentee, 2, 10, 2), (world.mentor, 1, 38, 5), (world.mentor, 2, 9, 5),
    ]:
        CheckIn.objects.create(mentorship=pair, respondent=respondent, sequence=sequence, due_on=ago(answered_days_ago).date(),
                               sent_at=ago(answered_days_ago), answered_at=ago(answered_days_ago), going_well=going_well,
                               usefulness=3, meeting_regularly=True)
    CheckIn.objects.create(mentorship=pair, respondent=world.mentee, sequence=3, due_on=NOW.date(), sent_at=NOW)
    found = read(pair)
    assert (found.check_in_latest, found.check_in_previous, found.check_in_change) == (2, 4, -2)
    assert "Check-ins fell from 4 to 2" in assess(found).reasons


def test_overdue_milestones_are_late_undone_and_on_a_live_goal(pair: Mentorship, world: World) -> None:
    milestone = milestone_of(world)
    Milestone.objects.filter(pk=milestone.pk).update(due_on=(NOW - timedelta(days=2)).date())
    goal = goal_of(world)
    Milestone.objects.create(goal=goal, title="Done late", due_on=(NOW - timedelta(days=5)).date(), done_at=NOW)
    Milestone.objects.create(goal=goal, title="Not due", due_on=(NOW + timedelta(days=5)).date())
    assert read(pair).overdue_milestones == 1
    goal.status = GoalStatus.DROPPED
    goal.save(update_fields=["status"])
    assert read(pair).overdue_milestones == 0


def test_an_agreement_waits_for_the_members_who_have_not_confirmed(pair: Mentorship, world: World) -> None:
    agreement = proposed_agreement(world)  # the mentor wrote it (and so confirmed it)
    found = read(pair)
    assert (found.has_agreement, found.agreement_unconfirmed, found.agreement_waiting_for) == (True, True, ("Ana",))
    assert "Agreement not confirmed by Ana, 62 days after the match" in assess(found).reasons
    confirm_agreement(agreement=agreement, membership=world.mentee)
    assert not read(pair).agreement_unconfirmed


def test_one_sided_activity_is_the_busiest_persons_share_of_messages_and_bookings(pair: Mentorship, world: World) -> None:
    for days in range(1, 9):
        message(pair, world.mentee, days + 0.5)
    message(pair, world.mentor, 3)
    booked = meeting(pair, -2, booked_by=world.mentee.user)
    Meeting.objects.filter(pk=booked.pk).update(created_at=ago(4))
    message(pair, world.mentee, 40)  # outside the 30-day window
    found = read(pair)
    assert (found.activity_count, found.busiest_name, found.busiest_share) == (10, "Ana", 0.9)


def test_only_mentorships_under_way_are_read_and_paused_ones_say_so(world: World, pair: Mentorship) -> None:
    transition_mentorship(mentorship=pair, to_status=MentorshipStatus.PAUSED, actor=world.coordinator.user)
    other = _another_pair(world)
    transition_mentorship(mentorship=other, to_status=MentorshipStatus.COMPLETED, actor=world.coordinator.user)
    found = collect_signals(program=world.program, now=NOW)
    assert [(s.mentorship_id, s.is_paused) for s in found] == [(pair.pk, True)]


def _another_pair(world: World, *, quiet_for: int = 0) -> Mentorship:
    return risk_fixtures.another_pair(world, quiet_for=quiet_for, now=NOW)


def _grow(world: World, n: int) -> None:
    for _ in range(n):
        _another_pair(world, quiet_for=45)


def test_signals_take_a_fixed_number_of_queries_however_many_mentorships(world: World, pair: Mentorship) -> None:
    _grow(world, 2)
    with CaptureQueriesContext(connection) as few:
        assert len(collect_signals(program=world.program, now=NOW)) == 3
    _grow(world, 8)
    with CaptureQueriesContext(connection) as many:
        assert len(collect_signals(program=world.program, now=NOW)) == 11
    assert len(few) == len(many) == QUERIES


def test_the_program_assessment_and_the_page_do_not_grow_with_mentorships(world: World, pair: Mentorship) -> None:
    client = client_for(world.coordinator)
    url = reverse("insights:at_risk", args=["acme", world.program.pk])
    _grow(world, 2)
    with CaptureQueriesContext(connection) as assess_few:
        assess_program(world.program)
    cache.clear()
    with CaptureQueriesContext(connection) as page_few:
        assert client.get(url, {"level": "all"}).status_code == 200
    _grow(world, 8)
    with CaptureQueriesContext(connection) as assess_many:
        risks = assess_program(world.program)
    cache.clear()  # the page's badges are cached: count each view as a first one
    with CaptureQueriesContext(connection) as page_many:
        assert client.get(url, {"level": "all"}).status_code == 200
    assert len(risks) == 11
    assert len(assess_few) == len(assess_many) == QUERIES + 3
    assert len(page_few) == len(page_many) <= 25


# ---- the page ----

def _keep_going(world: World, mentorship: Mentorship) -> None:
    risk_fixtures.keep_going(world, mentorship, now=NOW)


def test_the_page_shows_pairs_most_at_risk_first_with_words_before_numbers(world: World, pair: Mentorship) -> None:
    _keep_going(world, pair)
    quiet = _another_pair(world, quiet_for=45)
    response = client_for(world.coordinator).get(reverse("insights:at_risk", args=["acme", world.program.pk]),
                                                 {"level": "all"})
    page = response.content.decode()
    assert response.status_code == 200
    risks = assess_program(world.program)
    assert [r.mentorship for r in risks] == [quiet, pair]
    assert (risks[0].assessment.level, risks[1].assessment.level) == ("high", "fine")
    assert page.index("High risk") < page.index(f"{risks[0].assessment.score}/100") < page.index("Doing fine")
    assert page.index(quiet.member_names()) < page.index("Ana Lima")
    assert "Latest check-in: 2 out of 5" in page and "Offer a rematch" in page


def test_the_level_filter_shows_only_that_level(world: World, pair: Mentorship) -> None:
    _keep_going(world, pair)
    quiet = _another_pair(world, quiet_for=45)
    client = client_for(world.coordinator)
    url = reverse("insights:at_risk", args=["acme", world.program.pk])
    high = client.get(url, {"level": "high"}).content.decode()
    assert quiet.member_names() in high and "Ana Lima" not in high
    assert "Ana Lima" in client.get(url, {"level": "all"}).content.decode()
    assert "No pair to watch" in client.get(url, {"level": "watch"}).content.decode()
    assert client.get(url, {"level": "nonsense"}).status_code == 200  # falls back to high risk


# ---- nudging ----

def _nudge(client: Any, world: World, mentorships: list[Mentorship], **data: Any) -> Any:
    return client.post(reverse("insights:nudge", args=["acme", world.program.pk]),
                       {"mentorship": [m.pk for m in mentorships], "audience": "pair", **data})


def test_the_confirmation_shows_who_gets_what_and_sends_nothing(world: World, pair: Mentorship) -> None:
    response = _nudge(client_for(world.coordinator), world, [pair],
                      message="Hi {first_name}, time to meet {other_name} again in {program}?", step="preview")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hi Ana, time to meet Morgan Reyes again in Career Growth?" in page
    assert "Hi Morgan, time to meet Ana Lima again in Career Growth?" in page
    assert "Send to 2 people" in page
    assert not Nudge.objects.exists() and not Notification.objects.filter(kind="nudge").exists()


def test_the_first_step_starts_from_the_default_message_for_the_audience(world: World, pair: Mentorship) -> None:
    response = _nudge(client_for(world.coordinator), world, [pair], audience="mentee")
    page = response.content.decode()
    assert "Hi Ana, I&#x27;m checking in on your mentorship with Morgan Reyes in Career Growth." in page
    assert "Send to 1 person" in page


def test_nudging_notifies_each_member_records_it_and_audits_it(world: World, pair: Mentorship) -> None:
    other = _another_pair(world, quiet_for=45)
    response = _nudge(client_for(world.coordinator), world, [pair, other], message="Hi {first_name}!", confirm="yes")
    assert response.status_code == HTTPStatus.FOUND
    assert Nudge.objects.count() == 2
    note = Notification.objects.get(kind="nudge", recipient=world.mentee.user)
    assert note.body == "Hi Ana!" and note.url == reverse("mentorships:home", args=["acme", pair.pk])
    assert Notification.objects.filter(kind="nudge").count() == 4
    assert AuditEvent.objects.filter(action="insights.nudge", target_id=str(pair.pk)).exists()
    page = client_for(world.coordinator).get(reverse("insights:at_risk", args=["acme", world.program.pk]),
                                             {"level": "all"}).content.decode()
    assert "Nudged today" in page


def test_a_check_in_goes_to_the_mentee_only(world: World, pair: Mentorship) -> None:
    _nudge(client_for(world.coordinator), world, [pair], audience="mentee", message="How is it going, {first_name}?",
           confirm="yes")
    assert list(Notification.objects.filter(kind="nudge").values_list("recipient", "body")) == [
        (world.mentee.user.pk, "How is it going, Ana?")]
    assert Nudge.objects.get().audience == "mentee"


def test_a_pair_cannot_be_nudged_twice_in_a_week_and_nothing_else_is_sent(world: World, pair: Mentorship) -> None:
    two_days_ago = timezone.now() - timedelta(days=2)
    services.nudge_mentorships(mentorships=[pair], sent_by=world.coordinator.user, message="Hi", now=two_days_ago)
    page = client_for(world.coordinator).get(reverse("insights:at_risk", args=["acme", world.program.pk]),
                                             {"level": "all"}).content.decode()
    assert "Nudged 2 days ago — they can be nudged again from" in page
    other = _another_pair(world, quiet_for=45)
    before = Notification.objects.count()
    response = _nudge(client_for(world.coordinator), world, [pair, other], message="Hi again", confirm="yes")
    page = response.content.decode()
    assert response.status_code == HTTPStatus.CONFLICT
    assert "A pair gets at most one nudge a week" in page and "Nothing was sent." in page
    assert Notification.objects.count() == before and Nudge.objects.count() == 1
    # The review step leaves the pair out, says why, and offers the rest.
    response = _nudge(client_for(world.coordinator), world, [pair, other])
    page = response.content.decode()
    assert "Left out: 1 pair was nudged this week" in page and "Send to 2 people" in page
    assert services.nudge_mentorships(mentorships=[pair], sent_by=world.coordinator.user, message="Hi",
                                      now=two_days_ago + timedelta(days=7, minutes=1))


@pytest.mark.parametrize(("message", "error"), [
    ("Hi {name}", "{name} is not a merge field"),
    ("Hi {first_name", "A brace is not closed"),
    ("   ", "Write the message the pairs will get."),
])
def test_a_bad_template_is_explained_and_sends_nothing(world: World, pair: Mentorship, message: str, error: str) -> None:
    response = _nudge(client_for(world.coordinator), world, [pair], message=message, confirm="yes")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert error in response.content.decode()
    with pytest.raises(DomainError, match=error):
        services.nudge_mentorships(mentorships=[pair], sent_by=world.coordinator.user, message=message)
    assert not Nudge.objects.exists() and not Notification.objects.filter(kind="nudge").exists()


def test_pairs_not_under_way_or_of_another_program_are_refused(world: World, pair: Mentorship) -> None:
    ended = _another_pair(world)
    transition_mentorship(mentorship=ended, to_status=MentorshipStatus.ENDED_EARLY, actor=world.coordinator.user)
    response = _nudge(client_for(world.coordinator), world, [pair, ended], message="Hi", confirm="yes")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "not under way in this program" in response.content.decode()
    with pytest.raises(Conflict, match="no longer under way"):
        services.nudge_mentorships(mentorships=[pair, ended], sent_by=world.coordinator.user, message="Hi")
    assert not Nudge.objects.exists() and not Notification.objects.filter(kind="nudge").exists()


def test_nothing_selected_is_explained(world: World) -> None:
    response = _nudge(client_for(world.coordinator), world, [], confirm="yes")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Select at least one pair." in response.content.decode()


def test_the_partial_shows_the_top_pairs_anywhere_without_checkboxes(rf: Any, world: World, pair: Mentorship) -> None:
    """The program health page includes the list with the top five and the program, nothing else."""
    from django.template.loader import render_to_string

    _keep_going(world, pair)
    quiet = _another_pair(world, quiet_for=45)
    request = rf.get("/")
    request.user = world.coordinator.user
    html = render_to_string("insights/_at_risk_list.html", {
        "items": assess_program(world.program, limit=1), "program": world.program}, request=request)
    assert quiet.member_names() in html and "Ana Lima" not in html
    assert 'type="checkbox"' not in html and "Offer a rematch" in html


def test_coordinators_reach_the_page_from_the_program(world: World) -> None:
    url = reverse("insights:at_risk", args=["acme", world.program.pk])
    program_page = reverse("programs:detail", args=["acme", world.program.pk])
    assert url in client_for(world.coordinator).get(program_page).content.decode()
    assert url not in client_for(world.mentee).get(program_page).content.decode()


def test_a_pair_that_met_in_the_last_two_weeks_is_not_flagged_for_writing_little() -> None:
    """On the demo, steady pairs that meet every fortnight and write a few messages were "High risk"."""
    met = assess(signals(activity_count=2, days_since_meeting=5))
    assert not any(e.signal == "little_contact" for e in met.evidence)
    quiet = assess(signals(activity_count=0, days_since_meeting=20))
    little = next(e for e in quiet.evidence if e.signal == "little_contact")
    assert little.points == 45 and not assess(signals(activity_count=0, days_since_meeting=15, days_since_message=3)).is_at_risk
