"""Creating mentorships and moving them through their states, with capacity kept in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership, User
from mentora.core.errors import Conflict, DomainError
from mentora.core.models import record_audit_event
from mentora.core.outbox import enqueue_on_commit
from mentora.mentorships.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    MemberRole,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    MentorshipTransition,
    member_roles_for,
)
from mentora.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, Program

MENTOR_ROLES = (MemberRole.MENTOR, MemberRole.FACILITATOR)


class CapacityExhausted(Conflict):
    """The mentor has no free place left in this program."""


class LoadCapReached(CapacityExhausted):
    """The mentor is at the program's cap on mentees across all programs."""


class AlreadyMatched(Conflict):
    """The mentee (or peer) already has an open mentorship in this program."""


class _ReadCap:
    """Marker: the caller did not read the program's load cap, so `claim_seat` reads it."""


READ_CAP = _ReadCap()


def mentor_load_cap(program: Program) -> int | None:
    """The cross-program load cap set on the program's matching settings, if any (one query)."""
    from mentora.matching.models import MatchingSettings  # matching builds on mentorships, not the reverse

    return MatchingSettings.objects.filter(program=program).values_list("mentor_load_cap", flat=True).first()


def claim_seat(*, program: Program, membership: Membership, load_cap: int | _ReadCap | None = READ_CAP) -> None:
    """Take one of the mentor's places with a conditional UPDATE (safe under concurrency).

    With a cross-program load cap on the program's matching settings, the mentor's enrolments in
    every program are locked first (in id order, so two claims cannot deadlock) and their places
    taken counted: a request accepted in one program and a run published in another cannot both
    take the last place under the cap. (SQLite runs IMMEDIATE transactions, so there writers queue.)
    A caller that claims many seats (publishing a run) reads the cap once and passes it as `load_cap`.
    """
    cap = mentor_load_cap(program) if isinstance(load_cap, _ReadCap) else load_cap
    if cap is not None:
        everywhere = list(Enrollment.objects.select_for_update().filter(membership=membership, role=EnrollmentRole.MENTOR)
                          .order_by("pk").values_list("assigned", flat=True))
        if sum(everywhere) >= cap:
            raise LoadCapReached(_("%(name)s already mentors %(n)d people across programs, the most this program allows.")
                                 % {"name": membership.user.display_name, "n": sum(everywhere)})
    claimed = Enrollment.objects.filter(
        program=program, membership=membership, role=EnrollmentRole.MENTOR, status=EnrollmentStatus.APPROVED,
        assigned__lt=F("capacity"),
    ).update(assigned=F("assigned") + 1)
    if claimed != 1:
        raise CapacityExhausted(_("%(name)s has no free place left in this program.") % {"name": membership.user.display_name})


def release_seat(*, program: Program, membership: Membership) -> None:
    Enrollment.objects.filter(
        program=program, membership=membership, role=EnrollmentRole.MENTOR, assigned__gt=0
    ).update(assigned=F("assigned") - 1)


@transaction.atomic
def create_mentorship(
    *, program: Program, members: Sequence[tuple[Membership, str]], created_by: User | None,
    source: str = Mentorship.Source.MANUAL, status: str = MentorshipStatus.ACTIVE, topic: str = "",
    kind: str | None = None, load_cap: int | _ReadCap | None = READ_CAP,
) -> Mentorship:
    """Create a pair, peer pair or circle. Mentors' seats are claimed in the database; a mentee or
    peer who already has an open mentorship in the program is refused. `load_cap`: see `claim_seat`."""
    kind = kind or {"one_on_one": "pair", "peer": "peer", "circle": "circle"}[program.form]
    allowed_roles = member_roles_for(kind)
    if len({m.pk for m, _role in members}) != len(members):
        raise DomainError(_("A person cannot be in the same mentorship twice."))
    if any(role not in allowed_roles for _m, role in members):
        raise DomainError(_("Those roles do not fit this kind of mentorship."))
    if any(m.organization_id != program.organization_id for m, _role in members):
        raise DomainError(_("Everyone must belong to the program's organization."))
    if kind == "pair" and sorted(role for _m, role in members) != ["mentee", "mentor"]:
        raise DomainError(_("A pair has one mentor and one mentee."))
    if kind == "peer" and len(members) != 2:
        raise DomainError(_("A peer pair has two people."))
    if kind == "circle" and [role for _m, role in members].count("facilitator") != 1:
        raise DomainError(_("A circle has one facilitator."))
    today = timezone.localdate()
    mentorship = Mentorship.objects.create(
        program=program, kind=kind, status=status, source=source, topic=topic, created_by=created_by,
        started_on=today if status == MentorshipStatus.ACTIVE else None, ends_on=program.ends_on,
    )
    for membership, role in members:
        if role in MENTOR_ROLES:
            claim_seat(program=program, membership=membership, load_cap=load_cap)
        try:
            with transaction.atomic():
                MentorshipMember.objects.create(mentorship=mentorship, membership=membership, role=role, program=program)
        except IntegrityError:
            raise AlreadyMatched(
                _("%(name)s already has an open mentorship in this program.") % {"name": membership.user.display_name}
            ) from None
    MentorshipTransition.objects.create(mentorship=mentorship, from_status="", to_status=status, actor=created_by)
    record_audit_event(
        organization=program.organization, actor=created_by, action="mentorship.create", target=mentorship,
        details={"members": [m.pk for m, _r in members], "source": source},
    )
    return mentorship


@transaction.atomic
def transition_mentorship(
    *, mentorship: Mentorship, to_status: str, actor: User | None, reason: str = "", is_reason_private: bool = False,
    end_on: date | None = None,
) -> Mentorship:
    """Move a mentorship to a new state if that move is legal; record who and why."""
    locked = Mentorship.objects.select_for_update().select_related("program__organization").get(pk=mentorship.pk)
    if to_status not in TRANSITIONS.get(locked.status, set()):
        raise Conflict(
            _("A mentorship that is %(from)s cannot become %(to)s.") % {
                "from": locked.get_status_display().lower(), "to": MentorshipStatus(to_status).label.lower(),
            }
        )
    previous = locked.status
    locked.status = to_status
    if to_status in CLOSED_STATUSES:
        locked.ended_at = timezone.now()
        members = list(locked.members.select_related("membership__user").filter(left_at__isnull=True))
        for member in members:
            if member.role in MENTOR_ROLES:
                release_seat(program=locked.program, membership=member.membership)
        locked.members.update(is_open=False)
    if to_status == MentorshipStatus.ACTIVE and locked.started_on is None:
        locked.started_on = timezone.localdate()
    locked.save()
    transition = MentorshipTransition.objects.create(
        mentorship=locked, from_status=previous, to_status=to_status, actor=actor, reason=reason.strip()[:2000],
        is_reason_private=is_reason_private,
    )
    if to_status in (MentorshipStatus.PAUSED, MentorshipStatus.ACTIVE, MentorshipStatus.ENDED_EARLY) and previous != MentorshipStatus.PROPOSED:
        _tell_about_transition(locked, transition)
    record_audit_event(
        organization=locked.program.organization, actor=actor, action=f"mentorship.{to_status}", target=locked,
        details={"from": previous},
    )
    if to_status == MentorshipStatus.COMPLETED:
        from mentora.mentorships.tasks import send_completion_steps

        enqueue_on_commit(send_completion_steps, organization=locked.program.organization, mentorship_id=locked.pk)
    return locked


def _tell_about_transition(mentorship: Mentorship, transition: MentorshipTransition) -> None:
    """The other members hear that it paused, resumed or ended; coordinators hear about pauses and
    early ends (with the reason, which stays private to them when the person asked)."""
    from django.urls import reverse

    from mentora.accounts.models import Membership, Role
    from mentora.notifications.services import notify

    organization = mentorship.program.organization
    url = reverse("mentorships:home", args=[organization.slug, mentorship.pk])
    who = transition.actor.display_name if transition.actor else _("The coordinator")
    status = MentorshipStatus(transition.to_status).label.lower()
    others = [m.membership.user for m in mentorship.members.select_related("membership__user").filter(left_at__isnull=True)
              if m.membership.user_id != transition.actor_id]
    shared_reason = "" if transition.is_reason_private else transition.reason
    notify(recipients=others, organization=organization, kind=f"mentorship.{transition.to_status}",
           title=_("%(who)s changed your mentorship to %(status)s") % {"who": who, "status": status},
           body=shared_reason, url=url, dedupe_key=f"transition:{transition.pk}:members")
    if transition.to_status in (MentorshipStatus.PAUSED, MentorshipStatus.ENDED_EARLY):
        coordinators = [m.user for m in Membership.objects.filter(
            organization=organization, role__in=[Role.ADMIN, Role.COORDINATOR], is_active=True
        ).select_related("user") if m.user_id != transition.actor_id]
        notify(recipients=coordinators, organization=organization, kind=f"mentorship.{transition.to_status}",
               title=_("A mentorship in %(program)s is now %(status)s") % {"program": mentorship.program.name, "status": status},
               body=transition.reason, url=url, dedupe_key=f"transition:{transition.pk}:coordinators")


__all__ = ["OPEN_STATUSES", "AlreadyMatched", "CapacityExhausted", "LoadCapReached", "claim_seat", "create_mentorship",
           "release_seat", "transition_mentorship"]
