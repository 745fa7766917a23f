"""A program's health page: the funnel, meetings, goals, check-ins, evaluations, growth, load and
endings, computed from a known history; filters; privacy thresholds; access; flat query counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import Membership
from mentora.feedback.models import CheckIn, Evaluation, SelfAssessment, SelfRating
from mentora.goals.models import Goal, GoalStatus, Milestone
from mentora.insights.health import Filters, filter_options, program_insights
from mentora.insights.rollup import organization_rollup
from mentora.meetings.models import Meeting, MeetingStatus
from mentora.mentorships.agreements import confirm_agreement, propose_agreement
from mentora.mentorships.models import Mentorship, MentorshipMember, MentorshipStatus
from mentora.mentorships.services import create_mentorship, transition_mentorship
from mentora.programs.models import Program
from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory


@dataclass
class History:
    program: Program
    pairs: list[Mentorship]
    mentees: list[Membership]
    mentors: list[Membership]


def _meeting(mentorship: Mentorship, days_ago: float, *, happened: bool | None = None,
             status: str = MeetingStatus.SCHEDULED) -> Meeting:
    starts_at = timezone.now() - timedelta(days=days_ago)
    return Meeting.objects.create(mentorship=mentorship, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
                                  timezone="UTC", happened=happened, status=status)


def build_history(world: World, *, pairs: int = 4, departments: tuple[str, ...] = ("Sales",)) -> History:
    """A program that started 100 days ago: `pairs` mentorships (the first two matched 100 days ago),
    one mentee still waiting, one applicant; meetings held and missed; check-ins; goals."""
    today = timezone.localdate()
    program = ProgramFactory(organization=world.org, name="Returners 2026", starts_on=today - timedelta(days=100),
                             ends_on=today + timedelta(days=80), mentor_capacity_default=2)
    mentors, mentees, made = [], [], []
    for index in range(pairs):
        department = departments[index % len(departments)]
        mentor = MembershipFactory(organization=world.org, profile__department=department, profile__location="Lyon")
        mentee = MembershipFactory(organization=world.org, profile__department=department, profile__location="Lyon")
        EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=2)
        enrollment = EnrollmentFactory(program=program, membership=mentee, role="mentee")
        decided = timezone.now() - timedelta(days=104 - index)
        type(enrollment).objects.filter(pk=enrollment.pk).update(created_at=decided - timedelta(days=2), decided_at=decided)
        mentorship = create_mentorship(program=program, members=[(mentor, "mentor"), (mentee, "mentee")],
                                       created_by=world.coordinator.user)
        started = today - timedelta(days=100 if index < 2 else 40)
        Mentorship.objects.filter(pk=mentorship.pk).update(started_on=started)
        MentorshipMember.objects.filter(mentorship=mentorship).update(
            joined_at=timezone.make_aware(timezone.datetime.combine(started, timezone.datetime.min.time())))
        mentors.append(mentor)
        mentees.append(mentee)
        made.append(mentorship)
    waiting = MembershipFactory(organization=world.org, profile__department="Legal")
    EnrollmentFactory(program=program, membership=waiting, role="mentee")
    EnrollmentFactory(program=program, membership=MembershipFactory(organization=world.org), role="mentee", status="applied")
    # Pair 0: agreement confirmed by both, met twice, missed once, a meeting coming up.
    agreement = propose_agreement(mentorship=made[0], author=mentors[0], mentee_wants="Confidence", cadence="biweekly",
                                  session_minutes=60, channels=["video"], response_time="two_days", boundaries="Private",
                                  feedback_how="Each session", ends_on=today + timedelta(days=60))
    confirm_agreement(agreement=agreement, membership=mentees[0])
    _meeting(made[0], 90, happened=True)
    _meeting(made[0], 20)  # past, not marked: counts as held
    _meeting(made[0], 50, happened=False)
    _meeting(made[0], -7)
    # Pair 1: agreement proposed only; one cancelled meeting; ended early after 60 days.
    propose_agreement(mentorship=made[1], author=mentors[1], mentee_wants="A plan", cadence="monthly", session_minutes=45,
                      channels=["video"], response_time="two_days", boundaries="Private", feedback_how="Monthly",
                      ends_on=today + timedelta(days=60))
    _meeting(made[1], 80, status=MeetingStatus.CANCELLED)
    transition_mentorship(mentorship=made[1], to_status=MentorshipStatus.ENDED_EARLY, actor=world.coordinator.user,
                          reason="Moved to another team", is_reason_private=True)
    # 61 days after its start: a day clear of the "still going at day 60" line, whatever the hour.
    Mentorship.objects.filter(pk=made[1].pk).update(ended_at=timezone.now() - timedelta(days=39))
    # Goals: one achieved, one in progress with an overdue and an upcoming milestone.
    Goal.objects.create(mentorship=made[0], owner=mentees[0], title="Lead a meeting", description="d", measure="m",
                        achievable="a", relevance="r", target_on=today, status=GoalStatus.ACHIEVED)
    goal = Goal.objects.create(mentorship=made[2 % pairs], owner=mentees[2 % pairs], title="Present", description="d",
                               measure="m", achievable="a", relevance="r", target_on=today + timedelta(days=30),
                               status=GoalStatus.IN_PROGRESS)
    Milestone.objects.create(goal=goal, title="Draft", due_on=today - timedelta(days=3))
    Milestone.objects.create(goal=goal, title="Rehearse", due_on=today + timedelta(days=10))
    Milestone.objects.create(goal=goal, title="Outline", due_on=today - timedelta(days=20), done_at=timezone.now())
    return History(program, made, mentees, mentors)


def _step(insights, key):
    return next(step for step in insights.funnel if step.key == key)


def test_the_funnel_counts_each_step_with_its_median_days(world: World) -> None:
    history = build_history(world)
    insights = program_insights(history.program)
    counts = {step.key: step.count for step in insights.funnel}
    assert counts == {"applied": 6, "approved": 5, "matched": 4, "agreement": 1, "first_meeting": 1,
                      "active_30": 4, "active_60": 2, "active_90": 1, "completed": 0}
    matched = _step(insights, "matched")
    assert matched.of == 5 and matched.percent == 80
    assert _step(insights, "approved").median_days == 2.0  # applied two days before the decision
    assert _step(insights, "active_90").of == 2  # only the two matched 100 days ago can tell
    assert _step(insights, "matched").stopped == frozenset(
        Membership.objects.filter(profile__department="Legal", organization=world.org).values_list("pk", flat=True))
    assert insights.match_percent == 80


def test_meetings_goals_endings_and_load(world: World) -> None:
    history = build_history(world)
    insights = program_insights(history.program)
    meetings = insights.meetings
    assert (meetings.pairs, meetings.held, meetings.missed, meetings.cancelled, meetings.upcoming) == (4, 2, 1, 1, 1)
    assert meetings.booked == 4 and meetings.held_per_pair == 0.5 and meetings.missed_percent == 33
    assert meetings.pairs_never_met == 2 and meetings.pairs_met_last_30_days == 1 and meetings.pairs_quiet == 2
    goals = insights.goals
    assert (goals.goals["achieved"], goals.goals["in_progress"]) == (1, 1)
    assert (goals.milestones_done, goals.milestones_on_track, goals.milestones_overdue) == (1, 1, 1)
    assert insights.ended_early == 1
    ending = insights.endings[0]
    assert ending.reason == "Moved to another team" and ending.is_private and ending.mentorship_id == history.pairs[1].pk
    assert insights.load.mentors == 4 and insights.load.places == 8 and insights.load.used == 3 and insights.load.idle == 1


def test_answers_appear_from_five_people_on(world: World) -> None:
    history = build_history(world, pairs=5)
    now = timezone.now()
    people = history.mentees + history.mentors
    for index, person in enumerate(people[:4]):
        mentorship = history.pairs[index % 5]
        Evaluation.objects.create(mentorship=mentorship, membership=person, satisfaction=4, nps=[10, 9, 8, 3][index],
                                  outcomes="fully")
        CheckIn.objects.create(mentorship=mentorship, respondent=person, sequence=1, due_on=now.date(), answered_at=now,
                               going_well=4, usefulness=4, meeting_regularly=True)
    insights = program_insights(history.program)
    assert insights.evaluations.answers == 4 and insights.evaluations.nps is None and insights.evaluations.outcomes == {}
    assert insights.going_well is None and insights.trend[-1].going_well is None
    Evaluation.objects.create(mentorship=history.pairs[4], membership=people[4], satisfaction=2, nps=5, outcomes="not")
    CheckIn.objects.create(mentorship=history.pairs[4], respondent=people[4], sequence=1, due_on=now.date(),
                           answered_at=now, going_well=2, usefulness=2, meeting_regularly=False)
    insights = program_insights(history.program)
    evaluations = insights.evaluations
    assert (evaluations.promoters, evaluations.passives, evaluations.detractors) == (2, 1, 2)
    assert evaluations.nps == 0 and evaluations.satisfaction == 3.6
    assert evaluations.outcomes == {"fully": 4, "partly": 0, "not": 1}
    assert insights.going_well == 3.6 and insights.trend[-1].going_well == 3.6 and insights.trend[-1].check_ins == 5


def test_self_assessment_growth_per_skill_hides_skills_with_few_answers(world: World) -> None:
    history = build_history(world, pairs=5)
    for index, (mentee, mentorship) in enumerate(zip(history.mentees, history.pairs, strict=True)):
        start = SelfAssessment.objects.create(mentorship=mentorship, membership=mentee, phase="start")
        end = SelfAssessment.objects.create(mentorship=mentorship, membership=mentee, phase="end")
        SelfRating.objects.create(assessment=start, skill="Public speaking", rating=2)
        SelfRating.objects.create(assessment=end, skill="Public speaking", rating=2 + index % 3)
        if index == 0:
            SelfRating.objects.create(assessment=start, skill="Negotiation", rating=1)
            SelfRating.objects.create(assessment=end, skill="Negotiation", rating=4)
    insights = program_insights(history.program)
    assert [(g.skill, g.people, g.before, g.after, g.improved) for g in insights.growth] == [
        ("Public speaking", 5, 2.0, 2.8, 3)]
    assert insights.growth_hidden == 1


def test_filters_narrow_the_people_and_the_pairs(world: World) -> None:
    history = build_history(world, departments=("Sales", "Design"))
    options = filter_options(history.program)
    assert options.departments == ["Design", "Engineering", "Legal", "Sales"]
    filters = Filters.from_query({"department": "Sales", "level": "99", "role": "nobody"}, options)
    assert filters == Filters(department="Sales")
    insights = program_insights(history.program, filters=filters, options=options)
    assert _step(insights, "applied").count == 2 and insights.meetings.pairs == 2
    assert insights.meetings.held == 2  # pair 0 is in Sales
    mentors = program_insights(history.program, filters=Filters(role="mentor"), options=options)
    assert _step(mentors, "applied").count == 4 and _step(mentors, "matched").count == 4


def test_small_departments_are_hidden_with_a_complement(world: World) -> None:
    history = build_history(world, pairs=6, departments=("Sales",))
    rows = {row.label: row for row in program_insights(history.program).by_department}
    # Sales: 6 mentees; Legal: 1 waiting; Engineering: 1 applicant. Legal + Engineering = 2 < 5,
    # so Sales is hidden too and no figure describes fewer than five people.
    assert rows["Legal"].is_hidden and rows["Engineering"].is_hidden and rows["Sales"].is_hidden


def test_the_health_page_reads_as_words_and_links_to_the_people_behind_a_figure(world: World) -> None:
    history = build_history(world)
    client = client_for(world.coordinator)
    page = client.get(reverse("insights:program", args=["acme", history.program.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "4 of 5 approved people are matched (80 %)" in html
    assert "Moved to another team" in html and "2 active mentorships have not met yet." in html
    assert 'role="img"' in html and "Show the figures" in html
    people = client.get(reverse("insights:people", args=["acme", history.program.pk]), {"step": "matched", "stopped": "1"})
    assert people.status_code == 200
    waiting = Membership.objects.get(organization=world.org, profile__department="Legal")
    assert waiting.user.full_name in people.content.decode()
    assert history.mentees[0].user.full_name not in people.content.decode()
    assert client.get(reverse("insights:people", args=["acme", history.program.pk]), {"step": "nope"}).status_code == 404
    filtered = client.get(reverse("insights:program", args=["acme", history.program.pk]), {"department": "Nowhere"})
    assert filtered.status_code == 200  # an unknown filter value means everyone


def test_members_and_other_organizations_get_404(world: World) -> None:
    history = build_history(world)
    url = reverse("insights:program", args=["acme", history.program.pk])
    assert client_for(world.mentee).get(url).status_code == 404
    assert client_for(world.outsider).get(reverse("insights:program", args=["globex", history.program.pk])).status_code == 404
    assert client_for(world.coordinator).get(reverse("insights:program", args=["acme", world.other_program.pk])).status_code == 404


def test_the_organization_rollup_puts_programs_side_by_side(world: World) -> None:
    history = build_history(world)
    rows = {row.program.pk: row for row in organization_rollup(world.org)}
    row = rows[history.program.pk]
    assert (row.participants, row.matched, row.active, row.ended_early, row.met_recently) == (5, 4, 3, 0 + 1, 1)
    assert row.match_percent == 80 and row.nps is None
    page = client_for(world.coordinator).get(reverse("insights:organization", args=["acme"]))
    assert page.status_code == 200 and "Returners 2026" in page.content.decode()
    assert "Globex Secret Program" not in page.content.decode()


def _queries(get) -> int:
    from django.core.cache import cache

    cache.clear()  # the page's badges are cached: count each page as a first view
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["insights:program", "insights:organization"])
def test_insights_pages_do_not_grow_with_mentorships(world: World, name: str) -> None:
    small = build_history(world, pairs=3)
    client = client_for(world.coordinator)

    def args(program: Program) -> list[object]:
        return ["acme", program.pk] if name == "insights:program" else ["acme"]

    few = _queries(lambda: client.get(reverse(name, args=args(small.program))))
    large = build_history(world, pairs=12)
    for mentorship in large.pairs:
        _meeting(mentorship, 3, happened=True)
    ProgramFactory(organization=world.org, name="Another")
    many = _queries(lambda: client.get(reverse(name, args=args(large.program))))
    assert many == few, (few, many)


def test_a_coordinator_writes_to_the_people_behind_a_figure_after_a_preview(world: World) -> None:
    from mentora.core.models import AuditEvent
    from mentora.notifications.models import Notification

    history = build_history(world)
    client = client_for(world.coordinator)
    url = reverse("insights:people_message", args=["acme", history.program.pk])
    waiting = Membership.objects.get(organization=world.org, profile__department="Legal")
    data = {"step": "matched", "stopped": "1", "message": "Hi {first_name}, we are still looking for your match in {program}."}
    preview = client.post(url, data)
    first = waiting.user.full_name.split()[0]
    assert preview.status_code == 200 and f"Hi {first}, we are still looking for your match in Returners 2026." in preview.content.decode()
    assert not Notification.objects.filter(kind="program.message").exists()  # a preview sends nothing
    bad = client.post(url, data | {"message": "Hi {name}", "confirm": "yes"})
    assert bad.status_code == 422 and "{name} is not a merge field" in bad.content.decode()
    assert client.post(url, data | {"message": "Hi {other_name}", "confirm": "yes"}).status_code == 422
    sent = client.post(url, data | {"confirm": "yes"})
    assert sent.status_code == 302
    notes = Notification.objects.filter(kind="program.message")
    assert [n.recipient_id for n in notes] == [waiting.user_id] and first in notes.get().body
    client.post(url, data | {"confirm": "yes"})  # a double submit the same day sends nothing more
    assert notes.count() == 1
    assert AuditEvent.objects.filter(action="insights.message").count() == 2
