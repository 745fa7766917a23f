"""The demo's histories: a finished pilot and a running program whose pairs thrive, keep steady or go quiet."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import Count, Exists, OuterRef, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import User
from mentora.core.demo import DEMO_SLUG, seed_demo
from mentora.core.demo_history import PILOT_PAIRS, RUNNING_PAIRS
from mentora.core.integrity import check_integrity, table_row_counts
from mentora.core.models import OutboxEntry
from mentora.feedback.models import AssessmentPhase, CheckIn, Evaluation, SelfRating
from mentora.goals.models import Milestone
from mentora.meetings.models import Meeting, MeetingStatus
from mentora.mentorships.models import (
    Agreement,
    AgreementConfirmation,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    MentorshipTransition,
)
from mentora.messaging.models import Message
from mentora.notifications.models import Notification
from mentora.programs.models import Enrollment, EnrollmentStatus, Form, Program, ProgramStatus

SIGN_INS = ["admin@northwind.example", "coordinator@northwind.example", "mentor1@northwind.example",
            "mentor2@northwind.example", "mentee1@northwind.example", "mentee2@northwind.example"]


@pytest.fixture
def demo(builtin_skills: None) -> None:
    seed_demo()


def pilot() -> Program:
    return Program.objects.get(organization__slug=DEMO_SLUG, is_pilot=True, form=Form.ONE_ON_ONE)


def running() -> Program:
    return Program.objects.get(organization__slug=DEMO_SLUG, name="Career Growth 2026")


def last_met_days_ago(mentorship: Mentorship) -> int | None:
    held = mentorship.meetings.filter(happened=True).order_by("-starts_at").first()
    return None if held is None else (timezone.localdate() - held.starts_at.date()).days


@pytest.mark.django_db
def test_the_pilot_finished_with_evaluations_nps_and_growth_from_both_sides(demo: None):
    program = pilot()
    today = timezone.localdate()
    assert program.status == ProgramStatus.CLOSED and program.ends_on < today - timedelta(days=20)
    assert program.starts_on < today - timedelta(days=150)
    statuses = dict(program.mentorships.values_list("status").annotate(n=Count("pk")))
    assert sum(statuses.values()) == PILOT_PAIRS
    assert statuses[MentorshipStatus.COMPLETED] >= 15 and 2 <= statuses[MentorshipStatus.ENDED_EARLY] <= 3

    completed = program.mentorships.filter(status=MentorshipStatus.COMPLETED)
    for mentorship in completed:
        members = set(mentorship.members.values_list("membership_id", flat=True))
        assert set(mentorship.evaluations.values_list("membership_id", flat=True)) == members  # both sides
        assert mentorship.ended_at is not None and mentorship.ended_at < timezone.now()
        assert mentorship.meetings.filter(happened=True).exists() and mentorship.session_logs.exists()
        assert mentorship.agreements.get().confirmations.count() == 2
    nps = list(Evaluation.objects.filter(mentorship__program=program).values_list("nps", flat=True))
    assert len(nps) >= 2 * 15 and all(0 <= n <= 10 for n in nps)
    assert any(n >= 9 for n in nps) and any(n <= 6 for n in nps)  # promoters and detractors both

    # Self-assessments before and after, on the same skills: most grew, some stayed flat.
    grew = flat = 0
    for mentorship in completed:
        ratings = {phase: dict(SelfRating.objects.filter(assessment__mentorship=mentorship, assessment__phase=phase)
                               .values_list("skill", "rating")) for phase in AssessmentPhase.values}
        assert ratings["start"] and set(ratings["start"]) == set(ratings["end"])
        gain = sum(ratings["end"][s] - ratings["start"][s] for s in ratings["start"])
        grew, flat = grew + (gain > 0), flat + (gain == 0)
    assert grew > completed.count() / 2 and flat >= 1

    endings = MentorshipTransition.objects.filter(mentorship__program=program, to_status=MentorshipStatus.ENDED_EARLY)
    assert endings.count() == statuses[MentorshipStatus.ENDED_EARLY]
    assert all(t.is_reason_private and t.reason and t.actor is not None for t in endings)

    answered = CheckIn.objects.filter(mentorship__program=program, answered_at__isnull=False)
    assert answered.count() > 100 and answered.exclude(flag_to_coordinator="").exists()
    assert Meeting.objects.filter(mentorship__program=program, happened=False).exists()  # some were missed


@pytest.mark.django_db
def test_the_running_program_has_thriving_quiet_unconfirmed_paused_and_ended_pairs(demo: None):
    program = running()
    now, today = timezone.now(), timezone.localdate()
    assert program.starts_on == today - timedelta(days=100) and program.ends_on > today
    mentorships = list(program.mentorships.all())
    assert len(mentorships) == RUNNING_PAIRS
    by_status = {s: [m for m in mentorships if m.status == s] for s in MentorshipStatus.values}
    assert len(by_status["paused"]) == 1 and 1 <= len(by_status["ended_early"]) <= 2
    active = by_status["active"]

    days = [last_met_days_ago(m) for m in active]
    assert sum(d is not None and d <= 14 for d in days) >= 10  # met in the last two weeks
    quiet = [m for m, d in zip(active, days, strict=True) if d is not None and d > 21]
    assert len(quiet) >= 5 and all(d is None or d <= 60 for d in days)
    for mentorship in quiet[:3]:
        assert not mentorship.meetings.filter(starts_at__gt=now, status=MeetingStatus.SCHEDULED).exists()

    # Unanswered: a message nobody else in the conversation wrote after, waiting more than three days.
    reply = Message.objects.filter(conversation=OuterRef("conversation"), created_at__gt=OuterRef("created_at")).exclude(
        author=OuterRef("author"))
    waiting = (Message.objects.filter(conversation__mentorship__in=active, created_at__lt=now - timedelta(days=3))
               .exclude(Exists(reply)).values("conversation__mentorship").distinct())
    assert waiting.count() >= 5

    overdue = Milestone.objects.filter(goal__mentorship__in=active, due_on__lt=today, done_at__isnull=True)
    assert overdue.values("goal__mentorship").distinct().count() >= 5

    unconfirmed = [m for m in active if (agreement := m.agreements.order_by("-version").first()) is not None
                   and agreement.confirmations.count() < 2]
    assert len(unconfirmed) == 2

    booked = [m for m in active if m.meetings.filter(starts_at__gt=now, status=MeetingStatus.SCHEDULED).exists()]
    assert len(booked) >= 20
    # Falling check-ins in the quiet pairs, good ones in the pairs that meet.
    latest = {m.pk: list(m.check_ins.filter(answered_at__isnull=False).order_by("-due_on")
                         .values_list("going_well", flat=True)[:1]) for m in active}
    assert any(latest[m.pk] == [2] for m in quiet) and sum(latest[m.pk] == [5] for m in active) >= 3


@pytest.mark.django_db
def test_enrolments_tell_a_funnel_with_decision_dates(demo: None):
    for program in (pilot(), running()):
        enrollments = list(program.enrollments.all())
        statuses = {e.status for e in enrollments}
        assert {EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.WITHDRAWN} <= statuses
        decided = [e for e in enrollments if e.status in (EnrollmentStatus.APPROVED, EnrollmentStatus.WAITLISTED)]
        assert all(e.decided_at is not None and e.created_at < e.decided_at < timezone.now() for e in decided)
        matched_at = {seat.membership_id: seat.mentorship.created_at for seat in
                      MentorshipMember.objects.filter(program=program, role="mentee").select_related("mentorship")}
        approved = [e for e in enrollments if e.role == "mentee" and e.status == EnrollmentStatus.APPROVED]
        assert {e.membership_id for e in approved} == set(matched_at)  # every approved mentee was matched
        assert all(e.decided_at is not None and e.decided_at < matched_at[e.membership_id] for e in approved)
        assert all(e.training_completed_at for e in enrollments if e.role == "mentor")


@pytest.mark.django_db
def test_history_is_in_the_past_and_nothing_was_sent_or_queued(demo: None):
    """No email, no outbox entry, no notification — and the periodic jobs find nothing to send."""
    from mentora.feedback.services import send_due_check_ins
    from mentora.goals.reviews import open_due_reviews
    from mentora.meetings.services import send_due_reminders
    from mentora.mentorships.tasks import complete_due_mentorships
    from mentora.messaging.services import send_due_digests

    now = timezone.now()
    in_history = Q(mentorship__program__in=[pilot(), running()])
    assert not Message.objects.filter(conversation__mentorship__program__in=[pilot(), running()], created_at__gte=now).exists()
    assert not Meeting.objects.filter(in_history, created_at__gte=now).exists()
    assert not Meeting.objects.filter(in_history, ends_at__lt=now, status=MeetingStatus.SCHEDULED,
                                      happened__isnull=True).exists()  # every past meeting says whether it happened
    assert not Mentorship.objects.filter(program__in=[pilot(), running()], created_at__gte=now - timedelta(days=10)).exists()
    assert not AgreementConfirmation.objects.filter(agreement__mentorship__program=running(), confirmed_at__gte=now).exists()
    assert not CheckIn.objects.filter(in_history, answered_at__gte=now).exists()
    assert not Agreement.objects.filter(in_history, created_at__gte=now - timedelta(days=1)).exists()
    assert OutboxEntry.objects.count() == 0 and Notification.objects.count() == 0 and mail.outbox == []

    assert send_due_check_ins() == 0
    assert open_due_reviews() == 0
    assert send_due_digests() == 0
    assert complete_due_mentorships.call() == 0
    assert send_due_reminders(now=now) == 0
    assert OutboxEntry.objects.count() == 0 and Notification.objects.count() == 0 and mail.outbox == []


@pytest.mark.django_db
def test_the_sign_in_accounts_and_upcoming_programs_are_left_as_they_were(demo: None):
    history = [pilot(), running()]
    assert not Enrollment.objects.filter(program__in=history, membership__user__email__in=SIGN_INS).exists()
    circles = set(Enrollment.objects.filter(program__name="AI Upskilling Circles").values_list("membership_id", flat=True))
    in_history = set(Enrollment.objects.filter(program__in=history).values_list("membership_id", flat=True))
    assert len(circles) == 59 and not circles & in_history
    career_2027 = Mentorship.objects.filter(program__name="Career Growth 2027")
    assert career_2027.count() == 12 and not career_2027.filter(meetings__isnull=False).exists()
    assert not set(MentorshipMember.objects.filter(mentorship__in=career_2027).values_list("membership_id", flat=True)) & in_history
    mentor1 = MentorshipMember.objects.get(membership__user__email="mentor1@northwind.example")
    assert mentor1.mentorship.program.name == "Career Growth 2027"


@pytest.mark.django_db
def test_the_histories_pass_the_integrity_check_and_a_second_seed_adds_nothing(demo: None):
    report = check_integrity()
    assert report.is_healthy, report.describe()
    before = table_row_counts()
    result = seed_demo()
    assert not result.created and table_row_counts() == before


@pytest.mark.django_db
def test_a_small_demo_still_gets_a_pilot_and_a_running_program(builtin_skills: None):
    seed_demo(people=24)
    assert pilot().mentorships.exists() and running().mentorships.exists()
    assert check_integrity().is_healthy


@pytest.mark.django_db
def test_a_coordinator_and_a_quiet_mentee_see_the_history_on_their_pages(demo: None):
    """The pages render the backdated rows: the flags, a quiet pair, a finished pilot pair's results."""
    coordinator = Client()
    coordinator.force_login(User.objects.get(email="coordinator@northwind.example"))
    home = coordinator.get(reverse("core:dashboard", args=[DEMO_SLUG])).content.decode()
    assert "Career Growth 2026" in home and pilot().name in home
    flags = coordinator.get(reverse("feedback:flags", args=[DEMO_SLUG]))
    assert flags.status_code == 200 and "haven" in flags.content.decode()  # "We haven't met in over a month…"
    finished = pilot().mentorships.filter(status=MentorshipStatus.COMPLETED).first()
    assert finished is not None
    for name in ("mentorships:home", "mentorships:sessions", "feedback:progress"):
        assert coordinator.get(reverse(name, args=[DEMO_SLUG, finished.pk])).status_code == 200

    quiet = next(m for m in running().mentorships.filter(status=MentorshipStatus.ACTIVE) if (last_met_days_ago(m) or 0) > 21)
    mentee = quiet.members.get(role="mentee").membership.user
    member = Client()
    member.force_login(mentee)
    assert member.get(reverse("core:dashboard", args=[DEMO_SLUG])).status_code == 200
    conversation = member.get(reverse("messaging:conversation", args=[DEMO_SLUG, quiet.pk]))
    assert conversation.status_code == 200
    last = quiet.conversation.messages.order_by("pk").last()
    assert last is not None
    words = re.findall(r"[A-Za-z ]{12,}", last.body)[0]  # a run of plain words (markdown may escape quotes)
    assert words in conversation.content.decode()
