"""SMART goals of a mentorship: milestones, checklist items, evidence and comments."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from mentora.accounts.models import Membership
from mentora.mentorships.models import Mentorship, SessionLog
from mentora.profiles.models import Skill


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


class Evidence(models.Model):
    """A piece of the goal's portfolio: a link, a note, or both."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="evidence")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("Link"), max_length=500, blank=True)
    note = models.TextField(_("Note"), max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | ~Q(note=""), name="evidence_has_link_or_note"),
        ]

    def __str__(self) -> str:
        return self.url or self.note[:60]


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
