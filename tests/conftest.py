"""Shared fixtures: one organization with a person in every role, and an outsider."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from mentora.accounts.models import Membership, Role
from mentora.core.models import Organization
from mentora.mentorships.models import Mentorship
from mentora.mentorships.services import create_mentorship
from mentora.programs.models import Enrollment, Program
from tests.factories import EnrollmentFactory, MembershipFactory, OrganizationFactory, ProgramFactory


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: throttle counters and rate windows don't leak across tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _utc_to_start_with() -> None:
    """Each test starts in UTC: a page a previous test requested leaves its viewer's zone active on the
    thread (the middleware resets it at the start of the next request, not at the end of this one),
    and a date counted across a daylight-saving change then comes out a day short near midnight."""
    from django.utils import timezone

    timezone.deactivate()


@pytest.fixture
def builtin_skills(db: None) -> None:
    """The skills taxonomy a data migration loads. Transactional tests flush every table when they
    end, and with xdist they may run before this test in the same worker: reload it if it is gone."""
    from importlib import import_module

    from django.apps import apps

    from mentora.profiles.models import Skill

    if not Skill.objects.filter(organization__isnull=True).exists():
        import_module("mentora.profiles.migrations.0002_builtin_skills").load(apps, None)


@dataclass
class World:
    org: Organization
    other_org: Organization
    admin: Membership
    coordinator: Membership
    member: Membership
    mentor: Membership
    mentee: Membership
    outsider: Membership
    program: Program
    other_program: Program
    mentor_enrollment: Enrollment
    mentee_enrollment: Enrollment
    outsider_enrollment: Enrollment
    mentorship: Mentorship


@pytest.fixture
def world(db: None, builtin_skills: None) -> World:
    org = OrganizationFactory(name="Acme", slug="acme")
    other_org = OrganizationFactory(name="Globex", slug="globex")
    admin = MembershipFactory(organization=org, role=Role.ADMIN, user__email="admin@acme.test")
    coordinator = MembershipFactory(organization=org, role=Role.COORDINATOR, user__email="coord@acme.test")
    member = MembershipFactory(organization=org, user__email="member@acme.test")
    mentor = MembershipFactory(organization=org, user__email="mentor@acme.test")
    mentee = MembershipFactory(organization=org, user__email="mentee@acme.test")
    outsider = MembershipFactory(organization=other_org, role=Role.ADMIN, user__email="boss@globex.test")
    program = ProgramFactory(organization=org, name="Career Growth")
    other_program = ProgramFactory(organization=other_org, name="Globex Secret Program")
    mentor_enrollment = EnrollmentFactory(program=program, membership=mentor, role="mentor", capacity=2)
    mentee_enrollment = EnrollmentFactory(program=program, membership=mentee, role="mentee", status="applied")
    outsider_enrollment = EnrollmentFactory(program=other_program, membership=outsider, role="mentee")
    mentorship = create_mentorship(program=program, members=[(mentor, "mentor"), (mentee, "mentee")],
                                   created_by=coordinator.user)
    return World(org, other_org, admin, coordinator, member, mentor, mentee, outsider, program, other_program,
                 mentor_enrollment, mentee_enrollment, outsider_enrollment, mentorship)


def client_for(membership: Membership | None) -> Client:
    client = Client()
    if membership is not None:
        client.force_login(membership.user)
    return client


@pytest.fixture
def as_coordinator(world: World) -> Client:
    return client_for(world.coordinator)


@pytest.fixture
def as_admin(world: World) -> Client:
    return client_for(world.admin)


@pytest.fixture
def as_member(world: World) -> Client:
    return client_for(world.member)


@pytest.fixture
def as_mentee(world: World) -> Client:
    return client_for(world.mentee)
