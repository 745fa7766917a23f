"""Peer rounds on a schedule: end the last round, match again without repeats, publish, notify.

People can pause (until they resume) or skip the next round.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership, User
from mentora.core.errors import Conflict, DomainError
from mentora.core.models import record_audit_event
from mentora.matching.models import MatchingSettings, MatchRun, MatchRunStatus, RoundPause
from mentora.mentorships.models import Mentorship, MentorshipMember, MentorshipStatus
from mentora.mentorships.services import transition_mentorship
from mentora.programs.models import Enrollment, EnrollmentStatus, Form, Program, ProgramStatus


def paused_members(program: Program, *, on: date | None = None) -> set[int]:
    """Membership ids sitting out a round held on that day."""
    day = on or timezone.localdate()
    return set(
        RoundPause.objects.filter(program=program).filter(Q(until__isnull=True) | Q(until__gte=day))
        .values_list("membership_id", flat=True)
    )


@transaction.atomic
def pause_rounds(*, program: Program, membership: Membership, skip_next_only: bool) -> RoundPause:
    """Sit out peer rounds: only the next one (until the day after it), or until resuming."""
    if program.form != Form.PEER:
        raise DomainError(_("Only peer programs have rounds."))
    if not Enrollment.objects.filter(program=program, membership=membership, role="peer").exclude(
        status__in=["withdrawn", "rejected"]
    ).exists():
        raise DomainError(_("You are not a peer in this program."))
    until = None
    if skip_next_only:
        settings = MatchingSettings.objects.filter(program=program).first()
        next_round = settings.next_peer_round_on if settings and settings.next_peer_round_on else timezone.localdate()
        until = next_round
    pause, _created = RoundPause.objects.update_or_create(program=program, membership=membership, defaults={"until": until})
    return pause


@transaction.atomic
def resume_rounds(*, program: Program, membership: Membership) -> None:
    RoundPause.objects.filter(program=program, membership=membership).delete()


def run_peer_round(*, program: Program, started_by: User | None) -> MatchRun:
    """End the open round, match the pool again (past pairs are forbidden) and publish it."""
    from mentora.matching.services import publish_run, solve_run, start_match_run

    if program.form != Form.PEER:
        raise DomainError(_("Only peer programs have rounds."))
    with transaction.atomic():
        for mentorship in Mentorship.objects.filter(program=program, status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED]):
            transition_mentorship(mentorship=mentorship, to_status=MentorshipStatus.COMPLETED, actor=started_by,
                                  reason=_("The round ended; a new round starts."))
    actor = started_by or _system_actor(program)
    run = start_match_run(program=program, started_by=actor)
    run = solve_run(run)
    if run.status != MatchRunStatus.DONE:
        raise Conflict(_("The round could not be matched: %(error)s") % {"error": run.error})
    if run.matches.exists():
        publish_run(run=run, published_by=actor)
    run.refresh_from_db()
    return run


def _system_actor(program: Program) -> User:
    """Scheduled rounds are recorded as the program's creator (or its organization's first admin)."""
    if program.created_by is not None:
        return program.created_by
    admin = program.organization.memberships.filter(role="admin").select_related("user").first()
    if admin is None:
        raise Conflict(_("The organization has no admin to run rounds for."))
    return admin.user


def run_due_peer_rounds(*, today: date | None = None) -> int:
    """Run every scheduled peer round that is due; idempotent (the next date moves on first)."""
    day = today or timezone.localdate()
    ran = 0
    due = MatchingSettings.objects.filter(
        program__form=Form.PEER, program__status__in=[ProgramStatus.OPEN, ProgramStatus.CLOSED],
        peer_round_every_days__isnull=False, next_peer_round_on__lte=day,
    ).values_list("pk", flat=True)
    for settings_id in due:
        with transaction.atomic():
            claimed = MatchingSettings.objects.select_for_update().filter(pk=settings_id, next_peer_round_on__lte=day).first()
            if claimed is None or claimed.peer_round_every_days is None:
                continue  # another worker took this round
            claimed.next_peer_round_on = day + timedelta(days=claimed.peer_round_every_days)
            claimed.save(update_fields=["next_peer_round_on"])
        program = Program.objects.select_related("organization").get(pk=claimed.program_id)
        try:
            run = run_peer_round(program=program, started_by=None)
        except DomainError as error:
            record_audit_event(organization=program.organization, actor=None, action="matching.round_failed",
                               target=program, details={"error": error.message})
            continue
        record_audit_event(organization=program.organization, actor=None, action="matching.round", target=run,
                           details={"pairs": run.matches.count()})
        ran += 1
    return ran


@dataclass(frozen=True)
class RoundPreview:
    """What starting the next peer round now would do, shown before the coordinator confirms."""

    ending: list[Mentorship]
    taking_part: list[Membership]
    sitting_out: list[Membership]

    @property
    def people_emailed_at_most(self) -> int:
        """Each peer who gets a new pair receives one notification (in the app and by email)."""
        return len(self.taking_part)

    @property
    def pairs_at_most(self) -> int:
        return len(self.taking_part) // 2

    @property
    def token(self) -> str:
        """A fingerprint of this summary: confirming it starts the round only if nothing changed since."""
        state = ("round", sorted(m.pk for m in self.ending), sorted(m.pk for m in self.taking_part))
        return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def preview_peer_round(program: Program) -> RoundPreview:
    """Summarise the next round: the pairs it ends, the peers it matches and who sits it out."""
    if program.form != Form.PEER:
        raise DomainError(_("Only peer programs have rounds."))
    ending = list(
        Mentorship.objects.filter(program=program, status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED])
        .prefetch_related("members__membership__user").order_by("pk")
    )
    peers = list(
        Membership.objects.filter(enrollments__program=program, enrollments__role="peer",
                                  enrollments__status=EnrollmentStatus.APPROVED, profile__isnull=False)
        .select_related("user").distinct().order_by("user__full_name", "user__email")
    )
    paused = paused_members(program)
    # Pairs still open in a paused, proposed state are not ended by the round; those peers wait.
    still_open = set(
        MentorshipMember.objects.filter(program=program, is_open=True, left_at__isnull=True,
                                        mentorship__status=MentorshipStatus.PROPOSED)
        .values_list("membership_id", flat=True)
    )
    return RoundPreview(
        ending=ending,
        taking_part=[p for p in peers if p.pk not in paused and p.pk not in still_open],
        sitting_out=[p for p in peers if p.pk in paused],
    )
