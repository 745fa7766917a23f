"""Profiles: what matters for a good match, per person and organization."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentora.accounts.models import Membership
from mentora.core.models import Organization


class Channel(models.TextChoices):
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    ASYNC = "async", _("Asynchronous messages")
    IN_PERSON = "in_person", _("In person")


class LearningStyle(models.TextChoices):
    DISCUSSION = "discussion", _("Talking it through")
    HANDS_ON = "hands_on", _("Hands-on practice")
    READING = "reading", _("Reading and reflecting")
    OBSERVING = "observing", _("Watching and shadowing")
    STRUCTURED = "structured", _("Structured plan with exercises")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")


SESSION_LENGTHS = [(30, _("30 minutes")), (45, _("45 minutes")), (60, _("1 hour")), (90, _("1.5 hours"))]


class SkillQuerySet(models.QuerySet["Skill"]):
    def available_to(self, organization: Organization) -> SkillQuerySet:
        """Built-in skills plus the organization's own."""
        return self.filter(Q(organization__isnull=True) | Q(organization=organization))


class Skill(models.Model):
    """An entry of the skills taxonomy: built in (no organization) or an organization's own."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="skills"
    )
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=120, default="Other")

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(organization__isnull=True), name="unique_builtin_skill"
            ),
            models.UniqueConstraint(fields=["organization", "name"], name="unique_org_skill"),
        ]

    def __str__(self) -> str:
        return self.name


class ProfileQuerySet(models.QuerySet["Profile"]):
    def in_organization(self, organization: Organization) -> ProfileQuerySet:
        return self.filter(membership__organization=organization, membership__is_active=True)


def profile_photo_path(instance: Profile, filename: str) -> str:
    """A random name per upload (so a changed photo gets a new URL); the extension is ours, not the upload's."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "jpg"
    return f"profile-photos/{instance.membership_id}/{uuid4().hex}.{extension}"


class Profile(models.Model):
    """A person's profile in one organization.

    The photo lives in the default storage under a random name and is never published under
    MEDIA_URL: `profiles:photo` serves it to members of the same organization only.
    """

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="profile")
    # Raised by every save of the profile page or the API: a save made from an older version (another
    # tab, another device) is refused, not silently lost.
    version = models.PositiveIntegerField(default=1)
    headline = models.CharField(_("headline"), max_length=160, blank=True)
    bio = models.TextField(_("about me"), blank=True, max_length=4000)
    department = models.CharField(_("department"), max_length=120, blank=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    level = models.PositiveSmallIntegerField(
        _("job level"), null=True, blank=True, help_text=_("1 (entry) to 10 (executive).")
    )
    location = models.CharField(_("location"), max_length=120, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    goals = models.TextField(_("goals"), blank=True, max_length=4000)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    communication_preferences = models.JSONField(_("ways to meet"), default=list, blank=True)
    learning_style = models.CharField(
        _("learning style"), max_length=20, choices=LearningStyle.choices, blank=True
    )
    preferred_cadence = models.CharField(
        _("how often to meet"), max_length=20, choices=Cadence.choices, blank=True
    )
    session_length_minutes = models.PositiveSmallIntegerField(
        _("session length"), choices=SESSION_LENGTHS, null=True, blank=True
    )
    photo = models.FileField(_("photo"), upload_to=profile_photo_path, max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=10),
                name="profile_level_1_to_10",
            ),
            models.CheckConstraint(
                condition=Q(session_length_minutes__isnull=True) | Q(session_length_minutes__gt=0),
                name="profile_session_length_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.membership.user}"

    @property
    def user(self) -> Any:
        return self.membership.user

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    def completeness_sections(self) -> list[tuple[str, bool]]:
        """Return each profile section with whether it is filled in.

        Reads prefetched skills and availability when present (no extra queries in lists).
        """
        skills = list(self.skills.all())
        return [
            (str(_("Headline and bio")), bool(self.headline and self.bio)),
            (str(_("Role and department")), bool(self.department and self.job_title)),
            (str(_("Skills you offer")), any(s.direction == ProfileSkill.Direction.OFFERED for s in skills)),
            (str(_("Skills you want to grow")), any(s.direction == ProfileSkill.Direction.WANTED for s in skills)),
            (str(_("Goals")), bool(self.goals)),
            (str(_("Ways to meet")), bool(self.communication_preferences)),
            (str(_("Availability")), bool(list(self.availability.all()))),
            (str(_("Languages")), bool(self.languages)),
            (str(_("Learning style and cadence")), bool(self.learning_style and self.preferred_cadence)),
        ]

    @property
    def completeness(self) -> int:
        """Percent of profile sections filled in (0–100)."""
        sections = self.completeness_sections()
        return round(100 * sum(done for _, done in sections) / len(sections))


class ProfileSkill(models.Model):
    """A skill someone offers or wants, with a level."""

    class Direction(models.TextChoices):
        OFFERED = "offered", _("Offered")
        WANTED = "wanted", _("Wanted")

    class Level(models.IntegerChoices):
        BEGINNER = 1, _("Beginner")
        INTERMEDIATE = 2, _("Intermediate")
        ADVANCED = 3, _("Advanced")
        EXPERT = 4, _("Expert")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.INTERMEDIATE)

    class Meta:
        ordering = ["direction", "skill__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "skill", "direction"], name="one_skill_per_direction"
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="skill_level_1_to_4"),
            models.CheckConstraint(
                condition=Q(direction__in=["offered", "wanted"]), name="skill_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_direction_display()}, {self.get_level_display()})"


WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
]


class AvailabilitySlot(models.Model):
    """A weekly free period in the profile's own time zone (local minutes of the day)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start_minute = models.PositiveSmallIntegerField()
    end_minute = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="slot_weekday_valid"),
            models.CheckConstraint(
                condition=Q(start_minute__gte=0, end_minute__lte=1440, start_minute__lt=models.F("end_minute")),
                name="slot_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_minute // 60:02d}:{self.start_minute % 60:02d}–{self.end_minute // 60:02d}:{self.end_minute % 60:02d}"


class DiversityUse(models.TextChoices):
    MATCHING = "matching", _("May be used for matching and aggregate reports")
    AGGREGATE = "aggregate", _("Only in aggregate reports (groups of 5 or more)")
    NOT_STORED = "not_stored", _("Not collected")


class DiversityPolicy(models.Model):
    """How one organization treats one optional diversity attribute."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="diversity_policies"
    )
    attribute = models.CharField(max_length=40)
    use = models.CharField(max_length=20, choices=DiversityUse.choices, default=DiversityUse.NOT_STORED)

    class Meta:
        ordering = ["attribute"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "attribute"], name="one_policy_per_attribute"),
            models.CheckConstraint(
                condition=Q(use__in=["matching", "aggregate", "not_stored"]), name="diversity_use_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attribute}: {self.use}"


class DiversityAnswer(models.Model):
    """One consented answer; 'prefer not to say' is stored as such, never inferred."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="diversity_answers")
    attribute = models.CharField(max_length=40)
    value = models.CharField(max_length=60)
    consented_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "attribute"], name="one_answer_per_attribute")
        ]

    def __str__(self) -> str:
        return f"{self.attribute}"
