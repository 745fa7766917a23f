"""A believable demo organization: 300 people on four continents, three programs about to start, and
(in `demo_history`) a finished pilot and a running program with their histories."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from mentora.accounts.models import Membership, Role, User
from mentora.core.models import Organization
from mentora.profiles.models import (
    AvailabilitySlot,
    Cadence,
    Channel,
    DiversityPolicy,
    DiversityUse,
    LearningStyle,
    Profile,
    ProfileSkill,
    Skill,
)
from mentora.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus
from mentora.programs.services import create_program, preset_for

if TYPE_CHECKING:
    from mentora.core.demo_history import HistoryCounts

DEMO_SLUG = "northwind"
DEMO_PASSWORD = "mentora-demo-2026"
PLATFORM_EMAIL = "platform@mentora.example"

SITES = [
    ("Paris", "Europe/Paris", ["fr", "en"]),
    ("London", "Europe/London", ["en"]),
    ("Toronto", "America/Toronto", ["en", "fr"]),
    ("São Paulo", "America/Sao_Paulo", ["pt", "en", "es"]),
    ("Bangalore", "Asia/Kolkata", ["en", "hi"]),
    ("Singapore", "Asia/Singapore", ["en", "zh-hans"]),
]
DEPARTMENTS = {
    "Engineering": ["Software Engineer", "Senior Engineer", "Staff Engineer", "Engineering Manager", "SRE"],
    "Product": ["Product Manager", "Senior Product Manager", "Product Designer", "UX Researcher"],
    "Data": ["Data Analyst", "Data Scientist", "ML Engineer", "Analytics Lead"],
    "Sales": ["Account Executive", "Sales Manager", "Solutions Consultant", "Customer Success Manager"],
    "Marketing": ["Marketing Specialist", "Content Strategist", "Brand Manager", "Growth Lead"],
    "People": ["HR Business Partner", "Recruiter", "L&D Specialist", "People Operations Lead"],
    "Finance": ["Financial Analyst", "Accountant", "Controller", "FP&A Manager"],
    "Operations": ["Operations Analyst", "Project Manager", "Procurement Specialist", "Facilities Lead"],
}
FIRST = ["Amara", "Ben", "Chloé", "Dev", "Elif", "Farah", "Gabriel", "Hana", "Ines", "Jonas", "Kofi", "Lena",
         "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sanjay", "Tomás", "Uma", "Viktor", "Wei", "Ximena",
         "Yusuf", "Zoé", "Aiko", "Bruno", "Camila", "Diego", "Emma", "Felix", "Grace", "Hugo", "Isabel", "Jin",
         "Kavya", "Lucas", "Maya", "Noah", "Olga", "Pedro", "Rania", "Sofia", "Theo", "Valentina", "Wanjiru", "Yara"]
LAST = ["Adeyemi", "Bernard", "Chen", "Dubois", "Eriksen", "Fernandes", "García", "Haddad", "Ivanova", "Johnson",
        "Kapoor", "Lefèvre", "Martins", "Nakamura", "Okafor", "Patel", "Quinn", "Rossi", "Silva", "Tanaka", "Usman",
        "Varga", "Wong", "Xu", "Yilmaz", "Zhang", "Almeida", "Brown", "Costa", "Das", "Evans", "Fischer", "Gupta"]
GOALS = [
    "Grow into a people-manager role within a year.", "Get confident presenting to senior leadership.",
    "Learn to use AI assistants well in my daily work.", "Move from analysis into product management.",
    "Rebuild my network and confidence after parental leave.", "Understand the business side: P&L and strategy.",
    "Become a stronger technical leader and mentor others.", "Learn prompt engineering and responsible AI practice.",
    "Balance a demanding role with caring responsibilities.", "Prepare for promotion to senior level.",
]
INTERESTS = ["public speaking", "AI tools", "career change", "leadership", "remote work", "writing", "data",
             "product strategy", "wellbeing", "inclusion", "open source", "customer empathy", "negotiation"]


@dataclass
class DemoResult:
    organization: Organization
    created: bool
    people: int
    sign_ins: list[tuple[str, str]]
    histories: HistoryCounts | None = None


def _sign_ins() -> list[tuple[str, str]]:
    return [
        ("platform", PLATFORM_EMAIL),
        ("admin", "admin@northwind.example"),
        ("coordinator", "coordinator@northwind.example"),
        ("mentor", "mentor1@northwind.example"),
        ("mentor", "mentor2@northwind.example"),
        ("mentee", "mentee1@northwind.example"),
        ("mentee", "mentee2@northwind.example"),
    ]


@transaction.atomic
def seed_demo(*, people: int = 300, seed: int = 7) -> DemoResult:
    """Create the demo organization once; a second run reuses it."""
    existing = Organization.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return DemoResult(existing, False, existing.memberships.count(), _sign_ins())
    rng = random.Random(seed)
    organization = Organization.objects.create(name="Northwind Collective", slug=DEMO_SLUG, diversity_enabled=True)
    DiversityPolicy.objects.bulk_create([
        DiversityPolicy(organization=organization, attribute="gender", use=DiversityUse.AGGREGATE),
        DiversityPolicy(organization=organization, attribute="returning_from_leave", use=DiversityUse.MATCHING),
        DiversityPolicy(organization=organization, attribute="caregiver", use=DiversityUse.AGGREGATE),
    ])
    password = make_password(DEMO_PASSWORD)
    named = {email: role for role, email in _sign_ins() if role != "platform"}
    if not User.objects.filter(email=PLATFORM_EMAIL).exists():
        platform = User.objects.create_superuser(email=PLATFORM_EMAIL, password=DEMO_PASSWORD, full_name="Platform Admin")
        EmailAddress.objects.create(user=platform, email=platform.email, verified=True, primary=True)
    emails = list(named) + [f"person{i:03d}@northwind.example" for i in range(len(named), people)]
    users = []
    for index, email in enumerate(emails):
        name = f"{FIRST[index % len(FIRST)]} {LAST[(index * 7) % len(LAST)]}"
        users.append(User(email=email, full_name=name, password=password))
    User.objects.bulk_create(users)
    users = list(User.objects.filter(email__in=emails).order_by("pk"))
    EmailAddress.objects.bulk_create(EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users)
    role_for = {"admin": Role.ADMIN, "coordinator": Role.COORDINATOR}
    Membership.objects.bulk_create(
        Membership(user=u, organization=organization, role=role_for.get(named.get(u.email, ""), Role.MEMBER)) for u in users
    )
    memberships = list(Membership.objects.filter(organization=organization).select_related("user").order_by("pk"))
    department_names = list(DEPARTMENTS)
    profiles = []
    for index, membership in enumerate(memberships):
        site, zone, languages = SITES[index % len(SITES)]
        department = department_names[(index // 3) % len(department_names)]
        level = 1 + (index * 37) % 10
        if named.get(membership.user.email) == "mentor":
            level = 7
        profiles.append(Profile(
            membership=membership, headline=f"{rng.choice(DEPARTMENTS[department])} in {site}",
            bio="I enjoy helping colleagues and learning from people outside my team.",
            department=department, job_title=rng.choice(DEPARTMENTS[department]), level=level, location=site,
            timezone=zone, languages=languages[: rng.randint(1, len(languages))], goals=rng.choice(GOALS),
            interests=rng.sample(INTERESTS, 3),
            communication_preferences=rng.sample([c.value for c in Channel], rng.randint(1, 3)),
            learning_style=rng.choice(LearningStyle.values), preferred_cadence=rng.choice(Cadence.values),
            session_length_minutes=rng.choice([30, 45, 60]),
        ))
    Profile.objects.bulk_create(profiles)
    profiles = list(Profile.objects.filter(membership__organization=organization).order_by("membership_id"))
    # Managers: each department's most senior person manages the others of their site.
    heads: dict[tuple[str, str], Profile] = {}
    for profile in sorted(profiles, key=lambda p: -(p.level or 0)):
        heads.setdefault((profile.department, profile.location), profile)
    for profile in profiles:
        head = heads[(profile.department, profile.location)]
        if head.pk != profile.pk:
            profile.manager = head
    Profile.objects.bulk_update(profiles, ["manager"])
    skill_ids = list(Skill.objects.filter(organization__isnull=True).values_list("pk", flat=True))
    ai_skill_ids = list(Skill.objects.filter(organization__isnull=True, category="AI & new technology").values_list("pk", flat=True))
    skill_rows, slots = [], []
    for profile in profiles:
        offered = rng.sample(skill_ids, 4)
        wanted = rng.sample([s for s in skill_ids if s not in offered], 2) + rng.sample(ai_skill_ids, 1)
        skill_rows += [ProfileSkill(profile=profile, skill_id=s, direction="offered", level=rng.randint(2, 4)) for s in offered]
        skill_rows += [ProfileSkill(profile=profile, skill_id=s, direction="wanted", level=rng.randint(1, 2)) for s in set(wanted)]
        for weekday in rng.sample(range(5), 3):
            start = rng.choice([8, 9, 10, 13, 14, 16])
            slots.append(AvailabilitySlot(profile=profile, weekday=weekday, start_minute=start * 60, end_minute=(start + rng.choice([1, 2, 3])) * 60))
    ProfileSkill.objects.bulk_create(skill_rows)
    AvailabilitySlot.objects.bulk_create(slots)

    coordinator = next(m.user for m in memberships if named.get(m.user.email) == "coordinator")
    today = timezone.localdate()
    career = create_program(organization=organization, created_by=coordinator, name="Career Growth 2027",
                            **(preset_for("career", starts_on=today + timedelta(days=21)) | {"status": ProgramStatus.OPEN}))
    peer = create_program(organization=organization, created_by=coordinator, name="Cross-team Peer Coffee",
                          **(preset_for("open", starts_on=today + timedelta(days=7)) | {
                              "form": "peer", "roles_offered": ["peer"], "matching_mode": "coordinator",
                              "status": ProgramStatus.OPEN, "requires_approval": False,
                              "description": "Meet a colleague from another team every two weeks."}))
    circles = create_program(organization=organization, created_by=coordinator, name="AI Upskilling Circles",
                             **(preset_for("ai_upskilling", starts_on=today + timedelta(days=28)) | {"status": ProgramStatus.OPEN, "is_pilot": True}))
    enrollments = []
    for index, membership in enumerate(memberships):
        email_role = named.get(membership.user.email)
        if email_role in ("admin", "coordinator"):
            continue
        profile = profiles[index]
        if email_role == "mentor" or (email_role is None and (profile.level or 0) >= 7 and index % 2 == 0):
            # Most mentors have done the mentor training (a coordinator marks it on the enrolments page).
            trained = email_role == "mentor" or (index // 2) % 4 != 1
            enrollments.append(Enrollment(program=career, membership=membership, role="mentor", capacity=rng.randint(1, 3),
                                          status=EnrollmentStatus.APPROVED,
                                          training_completed_at=timezone.now() if trained else None))
        elif email_role == "mentee" or (email_role is None and (profile.level or 0) <= 4 and index % 3 != 0):
            status = EnrollmentStatus.APPLIED if email_role == "mentee" and membership.user.email.startswith("mentee2") else EnrollmentStatus.APPROVED
            if email_role is None and index % 11 == 0:
                status = EnrollmentStatus.APPLIED
            enrollments.append(Enrollment(program=career, membership=membership, role="mentee", status=status,
                                          motivation="I want to grow my career with guidance from someone experienced."))
        if email_role is None and index % 4 == 1:
            enrollments.append(Enrollment(program=peer, membership=membership, role="peer", status=EnrollmentStatus.APPROVED))
        if email_role is None and index % 5 == 2:
            is_facilitator = index % 35 == 2  # about one facilitator for every six members
            enrollments.append(Enrollment(program=circles, membership=membership, role="mentor" if is_facilitator else "mentee",
                                          capacity=6 if is_facilitator else None, status=EnrollmentStatus.APPROVED))
    Enrollment.objects.bulk_create(enrollments)
    _seed_mentorships(career, coordinator)
    from mentora.core.demo_history import seed_histories

    histories = seed_histories(organization=organization, coordinator=coordinator,
                               sign_in_emails=[email for _role, email in _sign_ins()], seed=seed)
    return DemoResult(organization, True, len(memberships), _sign_ins(), histories)


def _seed_mentorships(program: Program, coordinator: User) -> None:
    """A dozen running pairs (mentor1 with mentee1 among them) so relationship pages have life."""
    from mentora.mentorships.services import create_mentorship

    approved = Enrollment.objects.filter(program=program, status=EnrollmentStatus.APPROVED).select_related("membership__user")
    mentors = sorted((e for e in approved if e.role == "mentor"), key=lambda e: (e.membership.user.email != "mentor1@northwind.example", e.pk))
    mentees = sorted((e for e in approved if e.role == "mentee"), key=lambda e: (e.membership.user.email != "mentee1@northwind.example", e.pk))
    for mentor, mentee in list(zip(mentors, mentees, strict=False))[:12]:
        create_mentorship(program=program, members=[(mentor.membership, "mentor"), (mentee.membership, "mentee")],
                          created_by=coordinator, source="manual")
