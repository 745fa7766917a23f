"""SMART goals of a mentorship: milestones, checklist items, evidence and comments."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from mentora.accounts.models import Membership
from mentora.mentorships.models import Mentorship, SessionLog
from mentora.profiles.models import Skill
from mentora.programs.models import Program


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class GoalQuerySet(models.QuerySet["Goal"]):
    def with_progress(self) -> GoalQuerySet:
        """Annotate checklist and milestone counts so progress costs no extra query per goal."""
        return self.annotate(
            n_items=Count("checklist_items", distinct=True),
            n_items_done=Count("checklist_items", filter=Q(checklist_items__done_at__isnull=False), distinct=True),
            n_milestones=Count("milestones", distinct=True),
            n_milestones_done=Count("milestones", filter=Q(milestones__done_at__isnull=False), distinct=True),
        )


class Goal(models.Model):
    """A SMART goal: specific (title, description), measurable (measure), achievable, relevant,
    time-bound (target date)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("Goal"), max_length=200)
    description = models.TextField(_("Specific: what exactly do you want to achieve?"), max_length=4000)
    measure = models.CharField(_("Measurable: how will you know you got there?"), max_length=300)
    achievable = models.TextField(_("Achievable: what makes it realistic (time, support, resources)?"), max_length=2000)
    relevance = models.TextField(_("Relevant: why does it matter to you now?"), max_length=2000)
    target_on = models.DateField(_("Time-bound: by when?"))
    skill = models.ForeignKey(Skill, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("Skill this builds"))
    status = models.CharField(max_length=12, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED)
    # Raised by every rewrite: an edit made from an older version is refused, not silently lost.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["target_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=GoalStatus.values), name="goal_status_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="goal_title_not_empty"),
            models.CheckConstraint(condition=~Q(measure=""), name="goal_measure_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def progress(self) -> int:
        """Percent done: achieved is 100; otherwise the share of milestones and checklist items done.

        Uses the counts from `GoalQuerySet.with_progress()` when present.
        """
        if self.status == GoalStatus.ACHIEVED:
            return 100
        counts: dict[str, Any] = self.__dict__
        if "n_items" in counts:
            total = counts["n_items"] + counts["n_milestones"]
            done = counts["n_items_done"] + counts["n_milestones_done"]
        else:
            total = self.checklist_items.count() + self.milestones.count()
            done = (self.checklist_items.filter(done_at__isnull=False).count()
                    + self.milestones.filter(done_at__isnull=False).count())
        return round(100 * done / total) if total else 0


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("Milestone"), max_length=200)
    due_on = models.DateField(_("Due on"))
    done_at = models.DateTimeField(null=True, blank=True)
    quiz = models.ForeignKey("Quiz", on_delete=models.SET_NULL, null=True, blank=True, related_name="milestones",
                             verbose_name=_("Knowledge check"))

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="milestone_title_not_empty")]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    """A small step towards a goal; next steps from a session log land here too."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="checklist_items")
    milestone = models.ForeignKey(Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")
    session_log = models.ForeignKey(SessionLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.CharField(_("Step"), max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="checklist_text_not_empty"),
            models.CheckConstraint(
                condition=Q(done_at__isnull=False) | Q(done_by__isnull=True), name="checklist_done_by_only_when_done"
            ),
        ]

    def __str__(self) -> str:
        return self.text


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A random name: the stored path says nothing about the person or the original file name."""
    return f"evidence/{instance.goal_id}/{uuid4().hex}"


class Evidence(models.Model):
    """A piece of the goal's portfolio: a link, a note, a file, or several of these.

    Files live in the default storage under an unguessable name and are never published under
    MEDIA_URL; `goals:evidence_file` streams them after the same access check as the goal.
    """

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="evidence")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("Link"), max_length=500, blank=True)
    note = models.TextField(_("Note"), max_length=4000, blank=True)
    file = models.FileField(_("File"), upload_to=evidence_upload_to, max_length=200, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | ~Q(note="") | ~Q(file=""),
                                   name="evidence_has_link_note_or_file"),
            # A stored file always carries what the download needs: its name, type and size.
            models.CheckConstraint(
                condition=Q(file="", file_name="", content_type="", size__isnull=True)
                | (~Q(file="") & ~Q(file_name="") & ~Q(content_type="") & Q(size__isnull=False)),
                name="evidence_file_described",
            ),
        ]

    def __str__(self) -> str:
        return self.url or self.file_name or self.note[:60]


class GoalComment(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("Comment"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="goal_comment_not_empty")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on goal {self.goal_id}"


#: Attempts a quiz may allow at most (each attempt is numbered; the database refuses a higher number).
MAX_QUIZ_ATTEMPTS = 10
#: Attempts a new quiz allows unless its author says otherwise.
DEFAULT_QUIZ_ATTEMPTS = 3


class Quiz(models.Model):
    """A short knowledge check written by a program's coordinators; members attach it to milestones."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(_("Title"), max_length=200)
    description = models.TextField(_("What it checks"), max_length=2000, blank=True)
    pass_percent = models.PositiveSmallIntegerField(_("Pass mark (% of questions right)"), default=70)
    max_attempts = models.PositiveSmallIntegerField(
        _("Attempts allowed"), default=DEFAULT_QUIZ_ATTEMPTS, help_text=_("A mentee may try again until they pass, this many times in all."))
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="quiz_title_not_empty"),
            models.CheckConstraint(condition=Q(pass_percent__lte=100), name="quiz_pass_percent_range"),
            models.CheckConstraint(condition=Q(max_attempts__gte=1, max_attempts__lte=MAX_QUIZ_ATTEMPTS),
                                   name="quiz_max_attempts_range"),
        ]

    def __str__(self) -> str:
        return self.title


class QuizQuestion(models.Model):
    """One multiple-choice question; `correct_choice` indexes `choices` (checked by the service)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("Question"), max_length=500)
    choices = models.JSONField(default=list)
    correct_choice = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "position"], name="one_question_per_quiz_position"),
            models.CheckConstraint(condition=~Q(text=""), name="quiz_question_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    """One of a member's numbered attempts at a milestone's quiz, with the answers given and the score."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="quiz_attempts")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)
    answers = models.JSONField(default=list)
    score = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Concurrent submissions cannot both become attempt n.
            models.UniqueConstraint(fields=["quiz", "milestone", "membership", "number"], name="one_quiz_attempt_per_number"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=MAX_QUIZ_ATTEMPTS), name="quiz_attempt_number_range"),
            models.CheckConstraint(condition=Q(total__gte=1) & Q(score__lte=models.F("total")),
                                   name="quiz_attempt_score_within_total"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/{self.total} on quiz {self.quiz_id}"

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.total)

    @property
    def passed(self) -> bool:
        return self.percent >= self.quiz.pass_percent


class MilestoneReviewQuerySet(models.QuerySet["MilestoneReview"]):
    def open(self) -> MilestoneReviewQuerySet:
        return self.filter(answered_at__isnull=True)


class MilestoneReview(models.Model):
    """The guided review at a milestone's due date, one per member: what went well, what to
    change, what comes next. Shared with the other side (and readable by coordinators)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reviews")
    respondent = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    went_well = models.TextField(_("What went well?"), max_length=4000, blank=True)
    to_change = models.TextField(_("What would you change?"), max_length=4000, blank=True)
    next_goals = models.TextField(_("What comes next? (next goals or steps)"), max_length=4000, blank=True)

    objects = MilestoneReviewQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "respondent"], name="one_review_per_milestone_per_member"),
            # Answered means all three parts are there; open means none is.
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, went_well="", to_change="", next_goals="")
                | (Q(answered_at__isnull=False) & ~Q(went_well="") & ~Q(to_change="") & ~Q(next_goals="")),
                name="milestone_review_answered_completely",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of milestone {self.milestone_id} by {self.respondent_id}"
