"""Invariants across rows of mentorships (checked after a restore and by `manage.py check_integrity`)."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from mentora.core.integrity import invariant
from mentora.mentorships.models import OPEN_STATUSES, MemberRole, Mentorship, MentorshipKind, MentorshipMember
from mentora.mentorships.services import MENTOR_ROLES
from mentora.programs.models import Enrollment, EnrollmentRole


@invariant("mentorships.mentor_places_match_open_mentorships")
def mentor_places_match_open_mentorships() -> list[str]:
    """Each mentor's claimed places in a program equal the open mentorships they lead there."""
    led = (
        MentorshipMember.objects.filter(
            program=OuterRef("program"), membership=OuterRef("membership"), role__in=MENTOR_ROLES,
            is_open=True, left_at__isnull=True,
        )
        .order_by().values("membership").annotate(count=Count("pk")).values("count")
    )
    mismatched = (
        Enrollment.objects.filter(role=EnrollmentRole.MENTOR)
        .annotate(led=Coalesce(Subquery(led, output_field=IntegerField()), 0))
        .exclude(assigned=F("led"))
        .order_by("pk")
        .values_list("pk", "program_id", "membership_id", "assigned", "led")
    )
    return [
        f"enrollment {pk} (program {program_id}, membership {membership_id}): "
        f"{assigned} places claimed, {led} open mentorships led"
        for pk, program_id, membership_id, assigned, led in mismatched
    ]


@invariant("mentorships.member_copies_match_their_mentorship")
def member_copies_match_their_mentorship() -> list[str]:
    """Every seat's copy of its mentorship's program and open state agrees with the mentorship."""
    is_open = Q(mentorship__status__in=OPEN_STATUSES)
    stale = MentorshipMember.objects.filter(
        ~Q(program=F("mentorship__program")) | (Q(is_open=True) & ~is_open) | (Q(is_open=False) & is_open)
    ).order_by("pk")
    return [f"seat {m.pk} in mentorship {m.mentorship_id} disagrees with it (program or open state)" for m in stale]


@invariant("mentorships.open_pairs_have_one_mentor_and_one_mentee")
def open_pairs_have_one_mentor_and_one_mentee() -> list[str]:
    """An open mentor–mentee pair has exactly one current mentor and one current mentee."""
    current = Q(members__left_at__isnull=True)
    misshapen = (
        Mentorship.objects.filter(kind=MentorshipKind.PAIR, status__in=OPEN_STATUSES)
        .annotate(
            mentors=Count("members", filter=current & Q(members__role=MemberRole.MENTOR)),
            mentees=Count("members", filter=current & Q(members__role=MemberRole.MENTEE)),
        )
        .exclude(mentors=1, mentees=1)
        .order_by("pk")
        .values_list("pk", "mentors", "mentees")
    )
    return [f"mentorship {pk}: {mentors} mentors and {mentees} mentees" for pk, mentors, mentees in misshapen]
