"""factory-boy factories for the domain models."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from mentora.accounts.models import Membership, Role, User
from mentora.core.models import Organization
from mentora.profiles.models import Profile
from mentora.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus

PASSWORD = "correct-horse-battery-staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MEMBER
    profile = factory.RelatedFactory("tests.factories.ProfileFactory", factory_related_name="membership")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    membership = factory.SubFactory(MembershipFactory, profile=None)
    department = "Engineering"
    job_title = "Engineer"
    level = 4
    location = "Paris"
    timezone = "Europe/Paris"
    languages = factory.LazyFunction(lambda: ["en"])


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    status = ProgramStatus.OPEN
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=120))
    roles_offered = factory.LazyFunction(lambda: ["mentor", "mentee"])


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    program = factory.SubFactory(ProgramFactory)
    membership = factory.SubFactory(MembershipFactory)
    role = "mentee"
    status = EnrollmentStatus.APPROVED
