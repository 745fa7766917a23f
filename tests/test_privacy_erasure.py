"""Erasure of a person (issue 14, item 2): every model that points at a person has an erasure
decision; after erasure, a dump of the whole database and the file storage holds none of their
email, name or the words they wrote in private fields, while what others need stays, shown as
"Former member"."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentora.accounts.models import ApiToken, Invitation, Membership, PeopleImport, User
from mentora.core.models import AuditEvent, OutboxEntry, record_audit_event
from mentora.feedback.models import CheckIn, Evaluation, Feedback, SelfAssessment, SelfRating
from mentora.goals.models import (
    ChecklistItem,
    Evidence,
    Goal,
    GoalComment,
    Milestone,
    MilestoneReview,
    Quiz,
    QuizAttempt,
)
from mentora.insights.models import HrEvent, Nudge, ReportSubscription, ScheduledMessage
from mentora.matching.models import MatchRun, MentorshipRequest, ProposedMatch, RoundPause
from mentora.matching.snapshot import build_instance, settings_for
from mentora.meetings.models import Attendee, CalendarFeed, Meeting, MeetingSeries, ReminderPreference, RoomSeat
from mentora.mentorships.models import (
    Agreement,
    AgreementConfirmation,
    Concern,
    Mentorship,
    MentorshipStatus,
    MentorshipTransition,
    Note,
    SessionLog,
)
from mentora.mentorships.services import create_mentorship
from mentora.messaging.models import Block, Conversation, Message, MessagingPreference, ReadMarker, Report
from mentora.messaging.services import post_message
from mentora.notifications.models import Notification, NotificationPreference
from mentora.privacy.erasure import (
    FORMER_MEMBER,
    POLICY,
    Blank,
    Delete,
    Keep,
    library_fields,
    personal_fields,
    scrub_value,
    scrubber,
)
from mentora.privacy.models import ErasureRequest, ErasureStatus
from mentora.privacy.services import erase_person, request_erasure
from mentora.profiles.models import AvailabilitySlot, DiversityAnswer, ProfileSkill, Skill
from mentora.programs.models import ProgramRetrospective
from tests.conftest import World, client_for
from tests.factories import EnrollmentFactory, MembershipFactory, ProgramFactory

EMAIL, FIRST, LAST = "zephyrine.quill@acme.test", "Zephyrine", "Quillfeather"
FULL = f"{FIRST} {LAST}"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def canary(where: str) -> str:
    return f"CANARY-{where.upper()}-7f3a"


def test_every_field_that_points_at_a_person_has_an_erasure_decision() -> None:
    found, decided = set(personal_fields()), set(POLICY)
    assert found - decided == set(), f"decide how to erase these (POLICY in mentora/privacy/erasure.py): {found - decided}"
    assert decided - found == set(), f"no longer personal fields: {decided - found}"
    assert all(isinstance(decision, Delete | Blank | Keep) for decision in POLICY.values())
    assert all(decision.reason.strip() for decision in POLICY.values() if isinstance(decision, Blank | Keep))
    # The libraries' rows about a user (allauth's addresses and two-step sign-in authenticators) all go.
    assert {("account.EmailAddress", "user"), ("mfa.Authenticator", "user")} <= set(library_fields())
    for (label, _name), decision in POLICY.items():
        if isinstance(decision, Blank):  # every blanked field exists
            model = apps.get_model(label)
            assert all(model._meta.get_field(name) for name in decision.fields)


def test_the_scrubber_rewrites_their_email_and_name_and_not_ordinary_words() -> None:
    user = User(pk=5, email="may.lee@acme.test", full_name="May Lee", first_name="May", last_name="Lee")
    scrub = scrubber(user)
    assert scrub("MAY LEE (may.lee@acme.test) says you may come; ask may.lee") == (
        "Former member (erased-5@invalid) says you may come; ask Former member")
    assert scrub_value({"to": ["May.Lee@acme.test"], "May Lee": 1}, scrub) == {"to": ["erased-5@invalid"], "Former member": 1}
    plain = User(pk=6, email="mentee@acme.test", full_name="")
    assert scrubber(plain)("Your mentee mentee@acme.test wrote") == "Your mentee erased-6@invalid wrote"


@dataclass
class Seed:
    victim: Membership
    pair: Mentorship
    circle: Mentorship
    mentor_goal: Goal
    their_message: Message
    others_message: Message


def _seed(world: World) -> Seed:
    """The victim in every role, with a canary in each private field they wrote."""
    now, today = timezone.now(), timezone.localdate()
    victim = MembershipFactory(organization=world.org, user__email=EMAIL, user__full_name=FULL,
                               user__first_name=FIRST, user__last_name=LAST)
    MembershipFactory(organization=world.other_org, user=victim.user)  # they belong to two organizations
    user = victim.user
    profile = victim.profile
    profile.bio, profile.headline, profile.goals = canary("bio"), canary("headline"), canary("profile-goals")
    profile.photo = SimpleUploadedFile("face.png", b"\x89PNG " + canary("photo").encode())
    profile.save()
    skill = Skill.objects.filter(organization__isnull=True).first()
    ProfileSkill.objects.create(profile=profile, skill=skill, direction=ProfileSkill.Direction.WANTED)
    AvailabilitySlot.objects.create(profile=profile, weekday=0, start_minute=540, end_minute=600)
    DiversityAnswer.objects.create(profile=profile, attribute="gender", value=canary("diversity"), consented_at=now)
    world.admin.profile.manager = profile
    world.admin.profile.save()

    program = ProgramFactory(organization=world.org, name="Returners", created_by=user)
    EnrollmentFactory(program=program, membership=victim, role="mentee", motivation=canary("motivation"),
                      answers={"1": canary("answer")})
    EnrollmentFactory(program=program, membership=world.mentor, role="mentor", capacity=3, decided_by=user)
    snapshot = build_instance(program, settings_for(program))  # as a match run took it, before they were matched
    pair = create_mentorship(program=program, members=[(world.mentor, "mentor"), (victim, "mentee")],
                             created_by=world.coordinator.user)
    circle_program = ProgramFactory(organization=world.org, name="Leaders circle", form="circle")
    for member, role in ((world.mentor, "mentor"), (victim, "mentee"), (world.member, "mentee")):
        EnrollmentFactory(program=circle_program, membership=member, role=role, capacity=3 if role == "mentor" else None)
    circle = create_mentorship(program=circle_program, created_by=user,
                               members=[(world.mentor, "facilitator"), (victim, "mentee"), (world.member, "mentee")])
    ProgramRetrospective.objects.create(program=circle_program, updated_by=user, worked="Small groups")

    conversation = Conversation.objects.get_or_create(mentorship=circle)[0]
    their_message = post_message(conversation=conversation, author=user, body="Hello circle, glad to be here",
                                 attachment=SimpleUploadedFile("plan.txt", canary("attachment").encode()))
    post_message(conversation=conversation, author=user,
                 attachment=SimpleUploadedFile("only-a-file.txt", canary("file-only").encode()))
    others_message = post_message(conversation=conversation, author=world.member.user, body="Welcome to the circle!")
    ReadMarker.objects.get_or_create(conversation=conversation, user=user)
    Block.objects.create(organization=world.org, blocker=user, blocked=world.coordinator.user)
    Block.objects.create(organization=world.org, blocker=world.member.user, blocked=user)
    Report.objects.create(organization=world.org, message=others_message, reporter=user, reason=canary("report-reason"),
                          message_author=world.member.user, message_body=others_message.body)
    Report.objects.create(organization=world.org, message=their_message, reporter=world.member.user, reason="Off topic",
                          message_author=user, message_body=their_message.body, resolved_by=user)
    MessagingPreference.objects.create(user=user)

    goal_fields = {"description": "d", "measure": "m", "achievable": "a", "relevance": "r",
                   "target_on": today + timedelta(days=30)}
    Goal.objects.create(mentorship=pair, owner=victim, created_by=victim, title=canary("goal"), **goal_fields)
    mentor_goal = Goal.objects.create(mentorship=pair, owner=world.mentor, created_by=victim,
                                      title="Mentor's goal: coach two people", **goal_fields)
    milestone = Milestone.objects.create(goal=mentor_goal, title="First session", due_on=today)
    ChecklistItem.objects.create(goal=mentor_goal, text="Book a room", done_by=victim, done_at=now)
    Evidence.objects.create(goal=mentor_goal, author=victim, note=canary("evidence-note"),
                            file=SimpleUploadedFile("proof.pdf", PDF + canary("evidence-file").encode()),
                            file_name="proof.pdf", content_type="application/pdf", size=60)
    GoalComment.objects.create(goal=mentor_goal, author=victim, body="Nice progress")
    quiz = Quiz.objects.create(program=program, title="SMART basics", created_by=victim)
    QuizAttempt.objects.create(quiz=quiz, milestone=milestone, membership=victim, score=1, total=2)
    MilestoneReview.objects.create(milestone=milestone, respondent=victim, due_on=today, went_well=canary("review"),
                                   to_change="Less", next_goals="More", answered_at=now)

    MentorshipTransition.objects.create(mentorship=pair, from_status="active", to_status="paused", actor=user,
                                        reason=canary("transition-reason"))
    agreement = Agreement.objects.create(mentorship=pair, version=1, mentee_wants="Confidence", cadence="biweekly",
                                         session_minutes=60, response_time="two_days", boundaries="Private",
                                         feedback_how="Each session", ends_on=today + timedelta(days=90), created_by=victim)
    AgreementConfirmation.objects.create(agreement=agreement, membership=victim)
    SessionLog.objects.create(mentorship=pair, held_on=today, duration_minutes=30, channel="video", topics="Plans",
                              logged_by=victim)
    Note.objects.create(mentorship=pair, author=victim, body=canary("private-note"), is_private=True)
    Note.objects.create(mentorship=pair, author=victim, body=canary("shared-note"))
    Concern.objects.create(mentorship=pair, reporter=victim, body=canary("concern"))
    Concern.objects.create(mentorship=pair, reporter=world.mentor, body="Missed sessions", resolved_by=user,
                           resolved_at=now)

    starts = now + timedelta(days=2)
    MeetingSeries.objects.create(mentorship=pair, timezone="UTC", first_starts_at=starts, duration_minutes=30,
                                 interval_weeks=2, count=3, created_by=user)
    meeting = Meeting.objects.create(mentorship=pair, starts_at=starts, ends_at=starts + timedelta(minutes=30),
                                     timezone="UTC", agenda="Plans", booked_by=user)
    for person in (user, world.mentor.user):
        Attendee.objects.create(meeting=meeting, user=person, starts_at=meeting.starts_at, ends_at=meeting.ends_at)
    RoomSeat.objects.create(meeting=meeting, user=user, channel_name="room.1")
    CalendarFeed.objects.create(user=user)
    ReminderPreference.objects.create(user=user)

    CheckIn.objects.create(mentorship=pair, respondent=victim, sequence=1, due_on=today, comment=canary("check-in"),
                           flag_to_coordinator=canary("flag"), answered_at=now, going_well=4, usefulness=4,
                           meeting_regularly=True)
    Feedback.objects.create(mentorship=pair, author=victim, recipient=world.mentor, body="Thank you for listening")
    Feedback.objects.create(mentorship=pair, author=world.mentor, recipient=victim, body=canary("feedback-about"))
    assessment = SelfAssessment.objects.create(mentorship=pair, membership=victim, phase="start")
    SelfRating.objects.create(assessment=assessment, skill=canary("self-skill"), rating=2)
    Evaluation.objects.create(mentorship=pair, membership=victim, satisfaction=4, nps=8, outcomes="partly",
                              comments=canary("evaluation"))

    Notification.objects.create(recipient=user, organization=world.org, kind="x", title=canary("notification"))
    Notification.objects.create(recipient=world.mentor.user, organization=world.org, kind="message",
                                title=f"{FULL} sent you a message", body=f"Write to {EMAIL}")
    NotificationPreference.objects.create(user=user)

    RoundPause.objects.create(program=program, membership=victim)
    run = MatchRun.objects.create(program=program, created_by=user, published_by=user,
                                  input_snapshot=snapshot)
    assert canary("profile-goals") in str(run.input_snapshot)
    ProposedMatch.objects.create(run=run, mentee=victim, mentor=world.mentor, score=0.5)
    ProposedMatch.objects.create(run=run, mentee=world.mentee, mentor=victim, score=0.4)
    MentorshipRequest.objects.create(program=program, mentee=victim, mentor=world.mentor, message=canary("request"))
    MentorshipRequest.objects.create(program=program, mentee=world.member, mentor=victim, message="Please mentor me")

    Nudge.objects.create(mentorship=pair, sent_by=user, message="Keep going", recipient_count=1, sent_at=now)
    ReportSubscription.objects.create(organization=world.org, recipient=victim, created_by=user, next_send_on=today)
    HrEvent.objects.create(organization=world.org, membership=victim, imported_by=user, kind="hire", occurred_on=today)
    scheduled = ScheduledMessage.objects.create(program=program, message="Welcome all", label=f"{FULL} and 1 other",
                                                send_at=now, created_by=user)
    scheduled.recipients.add(victim, world.member)

    Invitation.objects.create(organization=world.org, email=EMAIL, invited_by=world.admin.user, accepted_by=user)
    Invitation.objects.create(organization=world.org, email="friend@acme.test", invited_by=user)
    ApiToken.issue(user=user, name="sync")
    PeopleImport.objects.create(organization=world.org, uploaded_by=user,
                                content=f"name,email\n{FULL},{EMAIL}\nAda Byron,ada@acme.test\n")
    record_audit_event(organization=world.org, actor=user, action="profile.update", target=user, details={"email": EMAIL})
    record_audit_event(organization=world.org, actor=world.admin.user, action="membership.role_change", target=victim)
    OutboxEntry.objects.create(task_path="mentora.notifications.tasks.send_email", kwargs={"to": EMAIL, "subject": "Hi"})
    OutboxEntry.objects.create(task_path="mentora.notifications.tasks.send_email", label=f"About {FULL}",
                               kwargs={"to": "mentor@acme.test", "subject": f"{FULL} wrote"})
    client_for(victim).get("/")  # a session in the database
    LogEntry.objects.log_actions(user_id=user.pk, queryset=[world.member.user], action_flag=CHANGE)
    LogEntry.objects.log_actions(user_id=world.admin.user.pk, queryset=[user], action_flag=CHANGE,
                                 change_message=f"Changed {FULL}")
    ErasureRequest.objects.create(user=world.member.user, status=ErasureStatus.DECLINED, decided_by=user, decided_at=now)
    request_erasure(user=user)
    return Seed(victim, pair, circle, mentor_goal, their_message, others_message)


def _rows_pointing_at(membership: Membership) -> set[tuple[str, str]]:
    user = membership.user
    memberships = Membership.objects.filter(user=user)
    found = set()
    for label, name in personal_fields():
        model = apps.get_model(label)
        target = model._meta.get_field(name).related_model
        lookup = {name: user} if target is User else {f"{name}__in": memberships}
        if model._default_manager.filter(**lookup).exists():
            found.add((label, name))
    return found


def _dump(media: Path) -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    stored = [f"{path.relative_to(media)}\n{path.read_bytes().decode(errors='replace')}"
              for path in media.rglob("*") if path.is_file()]
    return (out.getvalue() + "\n".join(stored)).lower()


def _secrets() -> list[str]:
    wheres = ("bio", "headline", "profile-goals", "photo", "diversity", "motivation", "answer", "attachment", "file-only",
              "report-reason", "goal", "evidence-note", "evidence-file", "review", "transition-reason", "private-note",
              "shared-note", "concern", "check-in", "flag", "feedback-about", "self-skill", "evaluation", "notification",
              "request")
    return [EMAIL, FIRST, LAST, FULL, "zephyrine.quill", *(canary(where) for where in wheres)]


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Files on disk in a folder of this test's own (scanned by the dump; nothing left for other tests)."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_after_erasure_the_database_and_files_hold_nothing_of_them(world: World, media: Path) -> None:
    tmp_path = media
    seed = _seed(world)
    assert _rows_pointing_at(seed.victim) == set(personal_fields()), "seed every personal field"
    before = _dump(tmp_path)
    assert [secret for secret in _secrets() if secret.lower() not in before] == []

    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=seed.victim.user, type=Authenticator.Type.TOTP, data={"secret": "CANARY"})
    summary = erase_person(user=seed.victim.user, actor=world.admin.user)
    assert not Authenticator.objects.filter(user=seed.victim.user).exists()

    after = _dump(tmp_path)
    left = {secret: after.count(secret.lower()) for secret in _secrets() if secret.lower() in after}
    assert left == {}, f"still in the database or the files after erasure: {left}"
    assert summary["mentorships.Note deleted"] == 2 and summary["files deleted"] == 4
    assert summary["messaging.Message blanked"] == 2 and summary["profiles.Profile blanked"] == 2  # two organizations
    # What others need stays, with the person shown as Former member.
    user = User.objects.get(pk=seed.victim.user.pk)
    assert user.full_name == FORMER_MEMBER and not user.is_active and not user.has_usable_password()
    assert Goal.objects.filter(pk=seed.mentor_goal.pk).exists()
    assert Milestone.objects.filter(goal=seed.mentor_goal).exists()
    assert Message.objects.filter(pk=seed.others_message.pk).exists()
    kept = Message.objects.get(pk=seed.their_message.pk)
    assert kept.body == "Hello circle, glad to be here" and kept.author.display_name == FORMER_MEMBER and not kept.attachment
    circle = Mentorship.objects.get(pk=seed.circle.pk)
    assert circle.status == MentorshipStatus.ACTIVE and len(circle.active_members()) == 2
    assert Mentorship.objects.get(pk=seed.pair.pk).status == MentorshipStatus.ENDED_EARLY
    assert Meeting.objects.filter(mentorship=seed.pair).exists() and Agreement.objects.filter(mentorship=seed.pair).exists()
    assert Feedback.objects.filter(recipient=world.mentor, author=seed.victim).exists()
    assert Notification.objects.get(recipient=world.mentor.user, kind="message").title == f"{FORMER_MEMBER} sent you a message"
    assert not Session.objects.exists() and not ApiToken.objects.filter(user=user).exists()
    event = AuditEvent.objects.filter(action="privacy.erasure", organization=world.org).get()
    assert event.actor == world.admin.user and event.details["user_id"] == user.pk
    assert AuditEvent.objects.filter(action="privacy.erasure", organization=world.other_org).exists()


def test_an_account_is_erased_once(world: World) -> None:
    erase_person(user=world.member.user, actor=None)
    with pytest.raises(Exception, match="already erased"):
        erase_person(user=world.member.user, actor=None)


def test_the_only_admin_of_an_organization_is_not_erased(world: World) -> None:
    with pytest.raises(Exception, match="only admin of Acme"):
        erase_person(user=world.admin.user, actor=None)
    assert User.objects.get(pk=world.admin.user.pk).email == "admin@acme.test"
    MembershipFactory(organization=world.org, role="admin")
    erase_person(user=world.admin.user, actor=None)


def test_one_open_request_per_person_in_the_database(world: World) -> None:
    request_erasure(user=world.member.user)
    with pytest.raises(Exception, match="already asked"):
        request_erasure(user=world.member.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ErasureRequest.objects.create(user=world.member.user)


def test_the_command_asks_then_erases_and_prints_what_it_did(world: World, monkeypatch) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erase_person", "member@acme.test")
    assert User.objects.filter(email="member@acme.test").exists()

    out = io.StringIO()
    call_command("erase_person", "MEMBER@acme.test", "--yes", stdout=out)
    assert "Former member" in out.getvalue() and "accounts.ApiToken" not in out.getvalue()
    assert "account.EmailAddress deleted" in out.getvalue()
    assert not User.objects.filter(email="member@acme.test").exists()
    with pytest.raises(CommandError, match="No account"):
        call_command("erase_person", "nobody@acme.test", "--yes")


def test_a_person_asks_and_an_admin_of_their_organization_confirms(world: World) -> None:
    page = client_for(world.member).get(reverse("privacy:my_data")).content.decode()
    assert "Erase my account" in page
    response = client_for(world.member).post(reverse("privacy:erasure_request"), {"confirm": "wrong"})
    assert response.status_code == 422 and not ErasureRequest.objects.exists()
    response = client_for(world.member).post(reverse("privacy:erasure_request"), {"confirm": "erase"})
    assert response.status_code == 302
    erasure_request = ErasureRequest.objects.get(user=world.member.user)
    told = Notification.objects.get(recipient=world.admin.user, kind="privacy.erasure_request")
    assert told.url == reverse("privacy:erasure_requests", args=["acme"])
    assert not Notification.objects.filter(recipient=world.coordinator.user, kind="privacy.erasure_request").exists()
    assert "waiting for an admin" in client_for(world.member).get(reverse("privacy:my_data")).content.decode()

    confirm = reverse("privacy:erasure_confirm", args=["acme", erasure_request.pk])
    for someone in (world.coordinator, world.mentor, world.outsider, world.member):
        assert client_for(someone).post(confirm).status_code == 404
    listing = client_for(world.admin).get(reverse("privacy:erasure_requests", args=["acme"])).content.decode()
    assert "member@acme.test" in listing
    assert client_for(world.admin).post(confirm).status_code == 302  # not ticked: nothing happens
    assert ErasureRequest.objects.get().status == ErasureStatus.PENDING
    assert client_for(world.admin).post(confirm, {"understood": "1"}).status_code == 302
    erasure_request.refresh_from_db()
    assert erasure_request.status == ErasureStatus.DONE and erasure_request.decided_by == world.admin.user
    assert User.objects.get(pk=world.member.user.pk).full_name == FORMER_MEMBER
    assert client_for(world.admin).post(confirm, {"understood": "1"}).status_code == 404  # decided: no longer there


def test_an_admin_declines_and_the_person_can_ask_again(world: World) -> None:
    erasure_request = request_erasure(user=world.mentee.user)
    decline = reverse("privacy:erasure_decline", args=["acme", erasure_request.pk])
    assert client_for(world.outsider).post(decline.replace("acme", "globex")).status_code == 404
    response = client_for(world.admin).post(decline, {"reason": "A legal hold applies until June."})
    assert response.status_code == 302
    erasure_request.refresh_from_db()
    assert erasure_request.status == ErasureStatus.DECLINED
    page = client_for(world.mentee).get(reverse("privacy:my_data")).content.decode()
    assert "A legal hold applies until June." in page
    request_erasure(user=world.mentee.user)
    assert ErasureRequest.objects.pending().count() == 1


def test_a_person_can_cancel_their_request(world: World) -> None:
    request_erasure(user=world.mentee.user)
    assert client_for(world.mentee).post(reverse("privacy:erasure_cancel")).status_code == 302
    assert ErasureRequest.objects.get().status == ErasureStatus.CANCELLED


def test_the_others_pages_still_open_and_show_a_former_member(world: World, media: Path) -> None:
    seed = _seed(world)
    erase_person(user=seed.victim.user, actor=world.admin.user)
    mentor = client_for(world.mentor)
    conversation = mentor.get(reverse("messaging:conversation", args=["acme", seed.circle.pk]))
    assert conversation.status_code == 200
    assert FORMER_MEMBER in conversation.content.decode() and "Hello circle, glad to be here" in conversation.content.decode()
    for url in (reverse("mentorships:home", args=["acme", seed.pair.pk]), reverse("mentorships:home", args=["acme", seed.circle.pk]),
                reverse("goals:detail", args=["acme", seed.mentor_goal.pk]), reverse("mentorships:list", args=["acme"]),
                reverse("core:dashboard", args=["acme"]), reverse("meetings:list", args=["acme"])):
        response = mentor.get(url)
        assert response.status_code == 200, url
        assert FULL not in response.content.decode()
    for url in (reverse("accounts:people", args=["acme"]), reverse("core:audit_log", args=["acme"]),
                reverse("insights:organization", args=["acme"])):
        assert client_for(world.admin).get(url).status_code == 200, url
    assert not client_for(None).login(email=EMAIL, password="correct-horse-battery-staple")


def test_the_api_asks_shows_and_cancels_a_request(world: World) -> None:
    _token, raw = ApiToken.issue(user=world.mentee.user, name="privacy", days=30)
    api = client_for(None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert api.get("/api/me/erasure-request", **auth).json() == {"request": None}
    refused = api.post("/api/me/erasure-request", data={"confirm": "yes"}, content_type="application/json", **auth)
    assert refused.status_code == 422 and refused.json()["field"] == "confirm"
    asked = api.post("/api/me/erasure-request", data={"confirm": "erase"}, content_type="application/json", **auth)
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    again = api.post("/api/me/erasure-request", data={"confirm": "erase"}, content_type="application/json", **auth)
    assert again.status_code == 409
    assert api.get("/api/me/erasure-request", **auth).json()["request"]["id"] == asked.json()["id"]
    assert api.delete("/api/me/erasure-request", **auth).status_code == 204
    assert ErasureRequest.objects.get().status == ErasureStatus.CANCELLED
    assert api.delete("/api/me/erasure-request", **auth).status_code == 409
    assert api.get("/api/me/erasure-request").status_code == 401
