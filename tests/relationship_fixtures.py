"""Objects inside `world.mentorship` (and one in another organization) for relationship tests."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mentora.feedback.models import CheckIn
from mentora.goals.models import ChecklistItem, Evidence, Goal, Milestone, MilestoneReview, Quiz
from mentora.goals.quizzes import create_quiz, parse_questions
from mentora.goals.services import add_evidence
from mentora.mentorships.agreements import propose_agreement
from mentora.mentorships.models import Agreement, Mentorship
from mentora.mentorships.services import create_mentorship
from tests.conftest import World
from tests.factories import EnrollmentFactory, MembershipFactory


def goal_of(world: World) -> Goal:
    goal, _created = Goal.objects.get_or_create(
        mentorship=world.mentorship, title="Give a talk at the all-hands",
        defaults={"owner": world.mentee, "description": "A ten minute talk on our data platform at the all-hands",
                  "measure": "Talk given, 3 questions answered", "achievable": "Two months and my mentor's review",
                  "relevance": "Leads present their work, and I want to lead",
                  "target_on": timezone.localdate() + timedelta(days=60), "created_by": world.mentee},
    )
    return goal


def milestone_of(world: World) -> Milestone:
    milestone, _created = Milestone.objects.get_or_create(
        goal=goal_of(world), title="Outline", defaults={"due_on": timezone.localdate() + timedelta(days=10)})
    return milestone


def item_of(world: World) -> ChecklistItem:
    item, _created = ChecklistItem.objects.get_or_create(goal=goal_of(world), text="Pick a topic")
    return item


def proposed_agreement(world: World) -> Agreement:
    """Version 1 of the world's agreement, proposed (and so confirmed) by the mentor."""
    found = Agreement.objects.filter(mentorship=world.mentorship).first()
    return found or propose_agreement(
        mentorship=world.mentorship, author=world.mentor, mentee_wants="Confidence", cadence="biweekly",
        session_minutes=60, channels=["video"], response_time="two_days", boundaries="Private",
        feedback_how="Each session", ends_on=timezone.localdate() + timedelta(days=90))


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence_file_of(world: World) -> Evidence:
    """A PDF in the portfolio of the world's goal, uploaded by the mentee."""
    found = Evidence.objects.filter(goal__mentorship=world.mentorship).exclude(file="").first()
    return found or add_evidence(goal=goal_of(world), author=world.mentee,
                                 upload=SimpleUploadedFile("talk-outline.pdf", PDF_BYTES, "application/pdf"))


def quiz_of(world: World) -> Quiz:
    """A two-question quiz of the world's program (the right answers: the second, then the first)."""
    found = Quiz.objects.filter(program=world.program).first()
    return found or create_quiz(program=world.program, author=world.coordinator, title="SMART basics",
                                description="", pass_percent=50, questions=parse_questions(
                                    "What is the M in SMART?\nMagic\n* Measurable\n\nIs feedback a gift?\n* Yes\nNo"))


def milestone_with_quiz(world: World) -> Milestone:
    milestone = milestone_of(world)
    if milestone.quiz_id is None:
        milestone.quiz = quiz_of(world)
        milestone.save(update_fields=["quiz"])
    return milestone


def reviewed_milestone(world: World) -> Milestone:
    """A milestone due today with an open review for the mentor and one for the mentee."""
    milestone = milestone_of(world)
    for member in (world.mentor, world.mentee):
        MilestoneReview.objects.get_or_create(milestone=milestone, respondent=member,
                                              defaults={"due_on": milestone.due_on, "sent_at": timezone.now()})
    return milestone


def check_in_of(world: World) -> CheckIn:
    check_in, _created = CheckIn.objects.get_or_create(
        mentorship=world.mentorship, respondent=world.mentee, sequence=1,
        defaults={"due_on": timezone.localdate(), "sent_at": timezone.now()})
    return check_in


def foreign_mentorship(world: World) -> Mentorship:
    """A mentorship in the other organization (Globex), with a goal and a check-in."""
    found = Mentorship.objects.filter(program=world.other_program).first()
    if found:
        return found
    mentor = MembershipFactory(organization=world.other_org)
    EnrollmentFactory(program=world.other_program, membership=mentor, role="mentor", capacity=2)
    mentorship = create_mentorship(program=world.other_program, members=[(mentor, "mentor"), (world.outsider, "mentee")],
                                   created_by=None)
    goal = Goal.objects.create(mentorship=mentorship, owner=world.outsider, title="Globex goal", description="x",
                               measure="1", achievable="x", relevance="x",
                               target_on=timezone.localdate() + timedelta(days=30))
    Milestone.objects.create(goal=goal, title="Globex milestone", due_on=timezone.localdate() + timedelta(days=5))
    ChecklistItem.objects.create(goal=goal, text="Globex item")
    add_evidence(goal=goal, author=world.outsider, upload=SimpleUploadedFile("globex.pdf", PDF_BYTES))
    CheckIn.objects.create(mentorship=mentorship, respondent=world.outsider, sequence=1, due_on=timezone.localdate())
    return mentorship


def foreign_goal(world: World) -> Goal:
    return Goal.objects.get(mentorship=foreign_mentorship(world))
