"""A planned pair's history as rows: agreement, goals, meetings, messages, check-ins, assessments, evaluations.

Rows are collected and bulk-created model by model (`Rows`). Django stamps `auto_now_add` fields
with the present on creation, so each row carries the moment it really belongs to and `Rows.save`
puts it back with a bulk update. Where a service would notify or queue work, the rows are written
directly instead, already marked sent or read as they would be by now.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from typing import TypeVar

from django.db import models

from mentora.accounts.models import Membership
from mentora.core.demo_history import texts
from mentora.core.demo_history.timeline import Clock, Pair
from mentora.core.models import AuditEvent, Organization
from mentora.feedback.models import CheckIn, Evaluation, Feedback, FeedbackKind, SelfAssessment, SelfRating
from mentora.feedback.services import check_in_due_dates
from mentora.goals.models import Goal, GoalStatus, Milestone, MilestoneReview
from mentora.goals.reviews import REVIEW_WINDOW
from mentora.meetings.models import Attendee, Meeting, MeetingStatus, new_uid
from mentora.mentorships.models import (
    Agreement,
    AgreementConfirmation,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    MentorshipTransition,
    ResponseTime,
    SessionLog,
)
from mentora.mentorships.services import release_seat
from mentora.messaging.models import Conversation, Message, ReadMarker
from mentora.profiles.models import Cadence, Skill
from mentora.programs.models import Program

__all__ = ["CHECK_IN_WEEKS", "FIRST_CHECK_IN_DAYS", "Rows", "Writer"]

# The programs' check-in rules (set in their feedback settings); the rounds written follow them.
CHECK_IN_WEEKS = 4
FIRST_CHECK_IN_DAYS = 14
# Rows per bulk statement: a bulk update is one CASE over its batch, which SQLite evaluates per row.
BATCH = 100

ModelT = TypeVar("ModelT", bound=models.Model)


class Rows:
    """Rows to bulk-create, model by model, with the creation times to put back afterwards."""

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.stamps: dict[type[models.Model], list[tuple[models.Model, str, datetime]]] = defaultdict(list)

    def add(self, row: ModelT, **stamps: datetime) -> ModelT:
        self.rows[type(row)].append(row)
        self.stamps[type(row)] += [(row, name, value) for name, value in stamps.items()]
        return row

    def save(self, *order: type[models.Model]) -> None:
        """Create the rows of each model in turn (parents before children), then backdate them."""
        for model in order:
            rows = self.rows.pop(model, [])
            if model is Message:  # ids grow with time, as read markers and "unanswered" assume
                when = {id(row): value for row, _name, value in self.stamps[model]}
                rows.sort(key=lambda row: when[id(row)])
            model._default_manager.bulk_create(rows, batch_size=BATCH)
            by_field: dict[str, list[models.Model]] = defaultdict(list)
            for row, name, value in self.stamps.pop(model, []):
                setattr(row, name, value)
                by_field[name].append(row)
            for name, stamped in by_field.items():
                model._default_manager.bulk_update(stamped, [name], batch_size=BATCH)


class Writer:
    """Writes each planned pair's history into `rows`; `save` stores everything and settles the mentorships."""

    def __init__(self, *, organization: Organization, clock: Clock, rows: Rows,
                 wanted_skills: dict[int, list[Skill]]) -> None:
        self.organization, self.clock, self.rows, self.wanted_skills = organization, clock, rows, wanted_skills
        self.rng, self.now, self.today = clock.rng, clock.now, clock.today
        self.pairs: list[Pair] = []
        self.flags_left = 5  # check-ins flagged to the coordinator, in pairs that went wrong
        self.read_markers: list[tuple[Conversation, Pair, list[Message]]] = []

    def write(self, pair: Pair, program: Program) -> None:
        self.pairs.append(pair)
        rng, mentorship = self.rng, pair.mentorship
        for step in pair.steps:
            self.rows.add(MentorshipTransition(mentorship=mentorship, from_status=step.from_status, to_status=step.to_status,
                                               actor=step.actor, reason=step.reason,
                                               is_reason_private=step.is_reason_private), created_at=step.at)
            self.rows.add(AuditEvent(organization=self.organization, actor=step.actor, action=f"mentorship.{step.to_status}",
                                     target_type="mentorships.mentorship", target_id=str(mentorship.pk),
                                     target_label=str(mentorship)[:300], details={"from": step.from_status}),
                          created_at=step.at)
        agreed = self.agreement(pair, program)
        milestones, skills = self.goals(pair, program, after=agreed)
        self.reviews(pair, milestones)
        self.meetings(pair)
        self.conversation(pair)
        self.check_ins(pair)
        self.assessments(pair, skills)
        if pair.ended_at is not None:
            self.evaluations(pair)
        if pair.arc in ("grew", "thriving") and pair.sessions and rng.random() < 0.5:
            at = self.clock.later(self.clock.moment(pair.sessions[-1], pair.utc_hour + 2), hours=(1, 30))
            if at is not None:
                self.rows.add(Feedback(mentorship=mentorship, author=pair.mentee, recipient=pair.mentor,
                                       kind=FeedbackKind.FEEDBACK, style_rating=rng.choice([4, 5, 5]),
                                       usefulness_rating=rng.choice([4, 5]), listening_rating=rng.choice([4, 5, 5]),
                                       body=rng.choice(texts.FEEDBACK_TO_MENTOR)), created_at=at)

    def agreement(self, pair: Pair, program: Program) -> datetime:
        """Version 1 of the charter, confirmed by both (except in the pairs that never settled it)."""
        rng = self.rng
        proposed = self.clock.later(pair.matched_at, hours=(20, 120)) or pair.matched_at
        author, other = (pair.mentor, pair.mentee) if rng.random() < 0.6 else (pair.mentee, pair.mentor)
        if pair.arc == "unconfirmed":  # the mentor proposed it; the mentee has not confirmed yet
            author, other = pair.mentor, pair.mentee
        cadence = Cadence.BIWEEKLY if pair.arc in ("grew", "thriving") else rng.choice([Cadence.BIWEEKLY, Cadence.MONTHLY])
        agreement = self.rows.add(Agreement(
            mentorship=pair.mentorship, version=1, mentee_wants=pair.mentee.profile.goals or "Grow with a guide.",
            cadence=cadence, session_minutes=pair.minutes, channels=sorted({pair.channel, "chat"}),
            response_time=rng.choice([ResponseTime.SAME_DAY, ResponseTime.TWO_DAYS]),
            boundaries=texts.AGREEMENT["boundaries"], feedback_how=texts.AGREEMENT["feedback_how"],
            ends_on=program.ends_on, created_by=author,
        ), created_at=proposed)
        self.rows.add(AgreementConfirmation(agreement=agreement, membership=author), confirmed_at=proposed)
        if pair.arc == "unconfirmed":
            return proposed
        confirmed = self.clock.later(proposed, hours=(2, 96)) or proposed
        self.rows.add(AgreementConfirmation(agreement=agreement, membership=other), confirmed_at=confirmed)
        return confirmed

    def goals(self, pair: Pair, program: Program, *, after: datetime) -> tuple[list[Milestone], list[str]]:
        """The mentee's goals with their milestones, done as the arc says; returns them and the goals' skills."""
        rng, arc = self.rng, pair.arc
        bank = texts.ONBOARDING_GOALS if pair.purpose == "onboarding" else texts.CAREER_GOALS
        wanted = self.wanted_skills.get(pair.mentee.profile.pk, [])
        ends = pair.ended_at.date() if pair.ended_at else self.today
        milestones: list[Milestone] = []
        skills: list[str] = []
        for number, text in enumerate(rng.sample(bank, 1 if arc == "unconfirmed" else rng.choice([1, 2]))):
            created = self.clock.later(after, hours=(4, 24 * 8)) or after
            target = program.ends_on - timedelta(days=rng.randint(0, 20))
            skill = wanted[number] if number < len(wanted) else None
            status = {"grew": GoalStatus.ACHIEVED if rng.random() < 0.8 else GoalStatus.IN_PROGRESS,
                      "flat": GoalStatus.IN_PROGRESS, "unconfirmed": GoalStatus.NOT_STARTED}.get(arc, GoalStatus.IN_PROGRESS)
            if arc == "ended" and number:
                status = GoalStatus.DROPPED
            goal = self.rows.add(Goal(
                mentorship=pair.mentorship, owner=pair.mentee, title=text.title, description=text.description,
                measure=text.measure, achievable=text.achievable, relevance=text.relevance, target_on=target,
                skill=skill, status=status, created_by=rng.choice([pair.mentee, pair.mentor]),
            ), created_at=created)
            if skill is not None:
                skills.append(skill.name)
            span = (target - created.date()).days
            for step, title in enumerate(text.milestones, start=1):
                due = created.date() + timedelta(days=span * step // (len(text.milestones) + 1) + rng.randint(-3, 3))
                done = {"grew": True, "flat": step == 1, "thriving": True, "steady": rng.random() < 0.8,
                        "paused": True, "unconfirmed": False}.get(arc, rng.random() < 0.5) and due <= ends
                if pair.quiet_since is not None:
                    done = due < pair.quiet_since - timedelta(days=7)
                done_at = self.clock.moment(due - timedelta(days=rng.randint(0, 6)), 16) if done else None
                if done_at is not None and done_at < created:
                    done_at = self.clock.later(created, hours=(24, 72))
                milestones.append(self.rows.add(Milestone(goal=goal, title=title, due_on=due, done_at=done_at)))
        quiet_since = pair.quiet_since
        # Going quiet shows in the plan too: something fell due after they stopped meeting.
        if quiet_since and not any(quiet_since <= m.due_on < self.today and m.done_at is None for m in milestones):
            pending = [m for m in milestones if m.done_at is None]
            if pending:
                pending[0].due_on = self.today - timedelta(days=rng.randint(4, 20))
        return milestones, skills

    def reviews(self, pair: Pair, milestones: list[Milestone]) -> None:
        """The reviews the periodic job would have opened for milestones that fell due lately."""
        if pair.status != MentorshipStatus.ACTIVE:
            return
        for milestone in milestones:
            if not self.today - REVIEW_WINDOW < milestone.due_on <= self.today or milestone.goal.status == GoalStatus.DROPPED:
                continue
            sent = self.clock.moment(milestone.due_on, 7)
            for member in (pair.mentor, pair.mentee):
                answered = self.clock.later(sent, hours=(3, 60)) if milestone.done_at and self.rng.random() < 0.6 else None
                went_well, to_change, next_goals = texts.REVIEW_ANSWERS if answered else ("", "", "")
                self.rows.add(MilestoneReview(milestone=milestone, respondent=member, due_on=milestone.due_on, sent_at=sent,
                                              answered_at=answered, went_well=went_well, to_change=to_change,
                                              next_goals=next_goals))

    def meetings(self, pair: Pair) -> None:
        """The meetings as booked (cancelled, held, missed, or still to come), and the sessions logged."""
        rng = self.rng
        previous = pair.matched_at
        for starts_at, outcome in sorted(pair.meetings):
            booked_at = min(max(previous, starts_at - timedelta(days=rng.randint(5, 14))), self.now - timedelta(hours=1))
            booker = rng.choice([pair.mentor, pair.mentee])
            meeting = self.rows.add(Meeting(
                mentorship=pair.mentorship, uid=new_uid(), starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=pair.minutes), timezone=pair.mentor.profile.timezone,
                channel=pair.channel, location=pair.location, booked_by=booker.user,
                status=MeetingStatus.CANCELLED if outcome == "cancelled" else MeetingStatus.SCHEDULED,
                sequence=1 if outcome == "cancelled" else 0,
                cancel_reason="Clashed with a customer visit; we'll pick the next slot." if outcome == "cancelled" else "",
                happened={"held": True, "missed": False}.get(outcome),
                attendance_note="One of us could not make it in the end." if outcome == "missed" else "",
            ), created_at=booked_at)
            for user in (pair.mentor.user, pair.mentee.user):
                self.rows.add(Attendee(meeting=meeting, user=user, starts_at=meeting.starts_at, ends_at=meeting.ends_at,
                                       is_active=outcome != "cancelled"))
            if starts_at < self.now:
                previous = starts_at
        for held_on in pair.sessions:
            author = pair.mentee if rng.random() < 0.7 else pair.mentor
            logged = (self.clock.later(self.clock.moment(held_on, pair.utc_hour + 1), hours=(1, 40))
                      or self.now - timedelta(minutes=2))
            self.rows.add(SessionLog(
                mentorship=pair.mentorship, logged_by=author, held_on=held_on, duration_minutes=pair.minutes,
                channel=pair.channel, topics=rng.choice(texts.TOPICS[pair.purpose]),
                next_steps="\n".join(rng.sample(texts.NEXT_STEPS, 2)),
            ), created_at=logged)

    def conversation(self, pair: Pair) -> None:
        """Messages both ways around the meetings; in a pair going quiet, one side's unanswered ones last."""
        rng, names, clock = self.rng, pair.first_names(), self.clock
        mentor, mentee = pair.mentor, pair.mentee
        said: list[tuple[datetime, Membership, str]] = []

        def say(at: datetime | None, who: Membership, text: str) -> datetime | None:
            if at is not None and at < self.now - timedelta(minutes=5) and (pair.ended_at is None or at < pair.ended_at):
                said.append((at, who, text.format(**names)))
                return at
            return None

        opened = say(clock.later(pair.matched_at, hours=(2, 20)), mentor, texts.OPENER)
        if opened:
            say(clock.later(opened, hours=(1, 30)), mentee, texts.OPENER_REPLY)
        quiet_from = datetime.combine(pair.quiet_since, time(23), tzinfo=UTC) if pair.quiet_since else None
        for starts_at, outcome in pair.meetings:
            if starts_at >= self.now or (quiet_from and starts_at > quiet_from):
                continue
            if rng.random() < 0.55:
                writer, other = (mentor, mentee) if rng.random() < 0.5 else (mentee, mentor)
                bank = texts.BEFORE_FROM_MENTOR if writer is mentor else texts.BEFORE_FROM_MENTEE
                asked = say(starts_at - timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5)), writer, rng.choice(bank))
                if asked:
                    say(clock.later(asked, hours=(1, 18)), other, rng.choice(texts.REPLIES))
            if outcome == "held" and rng.random() < 0.45:
                writer = mentee if rng.random() < 0.6 else mentor
                bank = texts.AFTER_FROM_MENTEE if writer is mentee else texts.AFTER_FROM_MENTOR
                say(starts_at + timedelta(hours=rng.uniform(1, 6)), writer, rng.choice(bank))
        if pair.arc in ("thriving", "steady"):  # they are in touch between sessions too
            days_ago = rng.randint(1, 5) if pair.arc == "thriving" else rng.randint(3, 12)
            writer, other = (mentee, mentor) if rng.random() < 0.6 else (mentor, mentee)
            bank = texts.BEFORE_FROM_MENTEE if writer is mentee else texts.BEFORE_FROM_MENTOR
            asked = say(clock.moment(self.today - timedelta(days=days_ago), pair.utc_hour), writer, rng.choice(bank))
            if asked:
                say(clock.later(asked, hours=(1, 8)), other, rng.choice(texts.REPLIES))
        if pair.paused and pair.paused[1] is None:
            say(clock.moment(pair.paused[0] - timedelta(days=2), pair.utc_hour), mentee, texts.PAUSE_MESSAGE)
            say(clock.moment(pair.paused[0] - timedelta(days=1), pair.utc_hour), mentor, rng.choice(texts.REPLIES))
        if pair.quiet_since is not None and pair.silent is not None:
            chaser = mentee if pair.silent is mentor else mentor
            bank = texts.UNANSWERED_FROM_MENTEE if chaser is mentee else texts.UNANSWERED_FROM_MENTOR
            day = pair.quiet_since + timedelta(days=rng.randint(6, 10))
            for text in bank[: rng.choice([2, 3])]:
                if day > self.today - timedelta(days=4):
                    break
                say(clock.moment(day, pair.utc_hour + 1), chaser, text)
                day += timedelta(days=rng.randint(5, 9))
        if not said:
            return
        said.sort(key=lambda item: item[0])
        conversation = self.rows.add(Conversation(mentorship=pair.mentorship), created_at=said[0][0])
        messages = [self.rows.add(Message(conversation=conversation, author=who.user, body=text), created_at=at)
                    for at, who, text in said]
        self.read_markers.append((conversation, pair, messages))

    def check_ins(self, pair: Pair) -> None:
        """Every round the periodic job would have sent (`send_due_check_ins`' schedule), with the answers."""
        rng = self.rng
        anchor = (min(pair.sessions) + timedelta(days=1) if pair.sessions
                  else pair.start + timedelta(days=FIRST_CHECK_IN_DAYS))
        until = min(self.today, pair.mentorship.ends_on or self.today)
        if pair.ended_at is not None:
            until = min(until, pair.ended_at.date() - timedelta(days=1))
        due_dates = check_in_due_dates(anchor=anchor, every_weeks=CHECK_IN_WEEKS, until=until)
        for sequence, due_on in enumerate(due_dates, start=1):
            if pair.is_paused_on(due_on):
                continue  # nobody is asked while a mentorship is paused
            left = len(due_dates) - sequence  # rounds after this one
            for member in (pair.mentor, pair.mentee):
                sent = self.clock.moment(due_on, 7)
                score, skip = self.mood(pair, member, left=left)
                answered = None if skip else self.clock.later(sent, hours=(2, 80))
                resent = sent + timedelta(days=3) if answered is None and sent + timedelta(days=3) < self.now else None
                check_in = CheckIn(mentorship=pair.mentorship, respondent=member, sequence=sequence, due_on=due_on,
                                   sent_at=sent, resent_at=resent, answered_at=answered)
                if answered is not None:
                    check_in.going_well = score
                    check_in.usefulness = max(1, min(5, score + rng.choice([-1, 0, 0, 1])))
                    check_in.meeting_regularly = left > 1 if pair.arc == "quiet" else score >= 3
                    bank = (texts.CHECK_IN_COMMENTS_GOOD if score >= 4 else texts.CHECK_IN_COMMENTS_MIXED if score == 3
                            else texts.CHECK_IN_COMMENTS_LOW)
                    check_in.comment = rng.choice(bank) if rng.random() < 0.4 else ""
                    if score <= 2 and member is pair.mentee and self.flags_left and left == 0:
                        check_in.flag_to_coordinator = texts.FLAGS_FROM_MENTEES[0 if pair.arc == "quiet" else 1]
                        self.flags_left -= 1
                self.rows.add(check_in)

    def mood(self, pair: Pair, member: Membership, *, left: int) -> tuple[int, bool]:
        """(How is it going, 1–5; whether this round went unanswered) for one member's round."""
        rng, arc = self.rng, pair.arc
        if arc in ("grew", "thriving"):
            return rng.choice([4, 5, 5]), rng.random() < 0.04
        if arc in ("flat", "steady", "paused"):
            return rng.choice([3, 4, 4]), rng.random() < 0.1
        if arc == "quiet":
            # 4, 4, …, 3, 2 — and the silent side stops answering at the end.
            return max(2, min(4, 2 + left)), member is pair.silent and left == 0
        if arc == "ended":
            return max(1, min(4, 1 + left)), member is pair.mentor and left == 0
        return rng.choice([3, 4]), member is pair.mentee  # unconfirmed: the one who has not confirmed is not answering

    def assessments(self, pair: Pair, goal_skills: list[str]) -> None:
        """The mentee rates themself (the skills `assessment_skills` lists) at the start; in the pilot, at the end too."""
        if pair.arc == "unconfirmed":
            return
        rng = self.rng
        skills = list(dict.fromkeys([*goal_skills, *texts.COMPETENCIES[pair.purpose]]))
        started = self.clock.later(pair.matched_at, hours=(24, 24 * 10))
        if started is None:
            return
        before = {skill: rng.choice([1, 2, 2, 3]) for skill in skills}
        start = self.rows.add(SelfAssessment(mentorship=pair.mentorship, membership=pair.mentee, phase="start"),
                              created_at=started)
        for skill, rating in before.items():
            self.rows.add(SelfRating(assessment=start, skill=skill[:120], rating=rating))
        if pair.status != MentorshipStatus.COMPLETED or pair.ended_at is None:
            return
        finished = self.clock.later(pair.ended_at, hours=(2, 24 * 6)) or self.now - timedelta(minutes=2)
        end = self.rows.add(SelfAssessment(mentorship=pair.mentorship, membership=pair.mentee, phase="end"),
                            created_at=finished)
        for skill, rating in before.items():
            growth = rng.choice([1, 1, 2, 0]) if pair.arc == "grew" else 0  # "flat": no change they could see
            self.rows.add(SelfRating(assessment=end, skill=skill[:120], rating=min(5, rating + growth)))

    def evaluations(self, pair: Pair) -> None:
        """The end-of-program survey: both sides of a completed pair, the mentee of one that ended early."""
        rng = self.rng
        assert pair.ended_at is not None
        for member in [pair.mentee] if pair.arc == "ended" else [pair.mentee, pair.mentor]:
            sent = self.clock.later(pair.ended_at, hours=(3, 24 * 9))
            if sent is None:
                continue
            if pair.arc == "grew":
                satisfaction, nps = rng.choice([4, 5, 5]), rng.choice([8, 9, 9, 10, 10])
                outcome, tone = rng.choice(["fully", "fully", "partly"]), "high"
            elif pair.arc == "flat":
                satisfaction, nps, outcome, tone = rng.choice([3, 4]), rng.choice([5, 6, 7, 8]), rng.choice(["partly", "not"]), "mid"
            else:
                satisfaction, nps, outcome, tone = rng.choice([1, 2]), rng.choice([2, 3, 5]), "not", "low"
            self.rows.add(Evaluation(mentorship=pair.mentorship, membership=member, satisfaction=satisfaction, nps=nps,
                                     outcomes=outcome, comments=rng.choice(texts.EVALUATION_COMMENTS[tone])), created_at=sent)

    def save(self) -> None:
        rows = self.rows
        rows.save(MentorshipTransition, AuditEvent, Agreement, AgreementConfirmation, Goal, Milestone, MilestoneReview,
                  Meeting, Attendee, SessionLog, Conversation, Message, CheckIn, SelfAssessment, SelfRating, Evaluation,
                  Feedback)
        for conversation, pair, messages in self.read_markers:
            for member in (pair.mentor, pair.mentee):
                # Everyone has read everything, except the silent side of a pair going quiet.
                read = [m for m in messages if member is not pair.silent or pair.quiet_since is None
                        or m.created_at.date() <= pair.quiet_since]
                upto = read[-1] if read else None
                # Digests went out at the time: nothing of the past is left to email.
                rows.add(ReadMarker(conversation=conversation, user=member.user, last_read_id=upto.pk if upto else 0,
                                    last_read_at=min(upto.created_at + timedelta(hours=2), self.now) if upto else None,
                                    digested_up_to_id=messages[-1].pk))
        rows.save(ReadMarker)
        self.settle_mentorships()

    def settle_mentorships(self) -> None:
        """Dates and states of the mentorships `create_mentorship` made today, moved into the past."""
        mentorships, members = [], []
        for pair in self.pairs:
            mentorship = pair.mentorship
            mentorship.created_at, mentorship.started_on = pair.matched_at, pair.start
            mentorship.status, mentorship.ended_at = pair.status, pair.ended_at
            mentorships.append(mentorship)
            for seat in mentorship.members.all():
                seat.joined_at, seat.is_open = pair.matched_at, pair.is_open
                members.append(seat)
            if not pair.is_open:
                release_seat(program=mentorship.program, membership=pair.mentor)
        Mentorship.objects.bulk_update(mentorships, ["created_at", "started_on", "status", "ended_at"], batch_size=BATCH)
        MentorshipMember.objects.bulk_update(members, ["joined_at", "is_open"], batch_size=BATCH)
        matched = {str(pair.mentorship.pk): pair.matched_at for pair in self.pairs}
        first_steps = list(MentorshipTransition.objects.filter(mentorship__in=mentorships, from_status=""))
        for step in first_steps:
            step.created_at = matched[str(step.mentorship_id)]
        MentorshipTransition.objects.bulk_update(first_steps, ["created_at"], batch_size=BATCH)
        created = list(AuditEvent.objects.filter(organization=self.organization, action="mentorship.create",
                                                 target_id__in=list(matched)))
        for event in created:
            event.created_at = matched[event.target_id]
        AuditEvent.objects.bulk_update(created, ["created_at"], batch_size=BATCH)
