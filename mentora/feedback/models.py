"""Check-ins, feedback both ways, self-assessments and the end-of-program evaluation."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentora.accounts.models import Membership
from mentora.goals.models import Goal, Milestone
from mentora.mentorships.models import Mentorship
from mentora.programs.models import Program

# A check-in nobody answered is re-sent once after this long, and shown overdue this long after that.
RESEND_AFTER = timedelta(days=3)
OVERDUE_AFTER_RESEND = timedelta(days=3)


def _one_to_five(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 1, f"{field}__lte": 5})


class FeedbackSettings(models.Model):
    """A program's rules for check-ins and feedback (defaults apply when a program has none)."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="feedback_settings")
    first_check_in_after_days = models.PositiveSmallIntegerField(
        _("First check-in, days after the start (if no session was logged)"), default=14)
    check_in_every_weeks = models.PositiveSmallIntegerField(_("Then a check-in every … weeks"), default=4)
    allow_anonymous_feedback = models.BooleanField(_("Feedback may be anonymous to the other side"), default=False)
    competencies = models.JSONField(_("Competencies for self-assessment"), default=list, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(check_in_every_weeks__gte=1, check_in_every_weeks__lte=26),
                                   name="feedback_check_in_interval_range"),
            models.CheckConstraint(condition=Q(first_check_in_after_days__gte=1, first_check_in_after_days__lte=90),
                                   name="feedback_first_check_in_range"),
        ]

    def __str__(self) -> str:
        return f"Feedback settings of {self.program_id}"


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def unanswered(self) -> CheckInQuerySet:
        return self.filter(answered_at__isnull=True)

    def overdue(self) -> CheckInQuerySet:
        return self.unanswered().filter(resent_at__lte=timezone.now() - OVERDUE_AFTER_RESEND)


class CheckIn(models.Model):
    """A pulse survey for one member of a mentorship; the n-th of the schedule."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="check_ins")
    respondent = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    resent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    going_well = models.PositiveSmallIntegerField(_("How is it going? (1 = badly, 5 = very well)"), null=True)
    meeting_regularly = models.BooleanField(_("Are you meeting as agreed?"), null=True)
    usefulness = models.PositiveSmallIntegerField(_("How useful is it? (1 = not at all, 5 = very)"), null=True)
    comment = models.TextField(_("Anything to add?"), blank=True, max_length=2000)
    flag_to_coordinator = models.TextField(
        _("Anything to flag to the coordinator? Only the coordinator reads this."), blank=True, max_length=2000)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "respondent", "sequence"], name="one_check_in_per_round"),
            models.CheckConstraint(condition=_one_to_five("going_well"), name="check_in_going_well_range"),
            models.CheckConstraint(condition=_one_to_five("usefulness"), name="check_in_usefulness_range"),
            # Answered means every required answer is there; unanswered means none is.
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, going_well__isnull=True, usefulness__isnull=True,
                            meeting_regularly__isnull=True)
                | Q(answered_at__isnull=False, going_well__isnull=False, usefulness__isnull=False,
                    meeting_regularly__isnull=False),
                name="check_in_answered_completely",
            ),
            models.CheckConstraint(condition=Q(resent_at__isnull=True) | Q(sent_at__isnull=False),
                                   name="check_in_resent_after_sent"),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.sequence} for {self.respondent_id}"

    @property
    def is_overdue(self) -> bool:
        return (self.answered_at is None and self.resent_at is not None
                and timezone.now() >= self.resent_at + OVERDUE_AFTER_RESEND)

    @property
    def state(self) -> str:
        if self.answered_at:
            return "answered"
        return "overdue" if self.is_overdue else "pending"


class FeedbackKind(models.TextChoices):
    FEEDBACK = "feedback", _("Feedback")
    KUDOS = "kudos", _("Kudos")


class FeedbackQuerySet(models.QuerySet["Feedback"]):
    def visible_to(self, membership: Membership) -> FeedbackQuerySet:
        if membership.is_coordinator:
            return self
        return self.filter(Q(author=membership) | Q(recipient=membership))


class Feedback(models.Model):
    """Feedback or kudos from one member to another. Anonymous hides the author from the
    recipient only; the author is always stored."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=FeedbackKind.choices, default=FeedbackKind.FEEDBACK)
    style_rating = models.PositiveSmallIntegerField(_("Mentoring style (1–5)"), null=True, blank=True)
    usefulness_rating = models.PositiveSmallIntegerField(_("Usefulness (1–5)"), null=True, blank=True)
    listening_rating = models.PositiveSmallIntegerField(_("Listening (1–5)"), null=True, blank=True)
    body = models.TextField(_("Your feedback"), max_length=4000)
    is_anonymous = models.BooleanField(_("Hide my name from the other side"), default=False)
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="kudos",
                             verbose_name=_("For the goal"))
    milestone = models.ForeignKey(Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="kudos",
                                  verbose_name=_("For the milestone"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(author=models.F("recipient")), name="feedback_not_to_self"),
            models.CheckConstraint(condition=Q(kind__in=FeedbackKind.values), name="feedback_kind_valid"),
            models.CheckConstraint(condition=_one_to_five("style_rating"), name="feedback_style_range"),
            models.CheckConstraint(condition=_one_to_five("usefulness_rating"), name="feedback_usefulness_range"),
            models.CheckConstraint(condition=_one_to_five("listening_rating"), name="feedback_listening_range"),
            models.CheckConstraint(condition=~Q(body=""), name="feedback_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class AssessmentPhase(models.TextChoices):
    START = "start", _("At the start")
    END = "end", _("At the end")


class SelfAssessment(models.Model):
    """A mentee's ratings of themself on their skills, at the start and at the end."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="self_assessments")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(max_length=5, choices=AssessmentPhase.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "membership", "phase"], name="one_self_assessment_per_phase"),
            models.CheckConstraint(condition=Q(phase__in=AssessmentPhase.values), name="self_assessment_phase_valid"),
        ]

    def __str__(self) -> str:
        return f"Self-assessment ({self.phase}) of {self.membership_id}"


class SelfRating(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    skill = models.CharField(max_length=120)
    rating = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "skill"], name="one_rating_per_skill"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="self_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.skill}: {self.rating}"


class Outcome(models.TextChoices):
    FULLY = "fully", _("Fully")
    PARTLY = "partly", _("Partly")
    NOT = "not", _("Not yet")


class Evaluation(models.Model):
    """The end-of-program survey: satisfaction, NPS, outcomes — one per member."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="evaluations")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(_("How satisfied are you with this mentorship? (1–5)"))
    nps = models.PositiveSmallIntegerField(
        _("How likely are you to recommend this program to a colleague? (0 = not at all, 10 = extremely)"))
    outcomes = models.CharField(_("Did you achieve the outcomes you wanted?"), max_length=6, choices=Outcome.choices)
    comments = models.TextField(_("What should the program keep or change?"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "membership"], name="one_evaluation_per_member"),
            models.CheckConstraint(condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                                   name="evaluation_satisfaction_range"),
            models.CheckConstraint(condition=Q(nps__gte=0, nps__lte=10), name="evaluation_nps_range"),
            models.CheckConstraint(condition=Q(outcomes__in=Outcome.values), name="evaluation_outcomes_valid"),
        ]

    def __str__(self) -> str:
        return f"Evaluation by {self.membership_id}"
