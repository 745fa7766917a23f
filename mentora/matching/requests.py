"""Mentee → mentor requests: send, answer (accept / decline / ask a question), withdraw, expire."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.core.errors import Conflict, DomainError, NotAllowed
from mentora.core.models import record_audit_event
from mentora.core.ratelimit import limit
from mentora.matching.models import MatchingSettings, MentorshipRequest, RequestStatus
from mentora.mentorships.models import Mentorship, MentorshipMember
from mentora.mentorships.services import create_mentorship
from mentora.notifications.services import notify
from mentora.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, MatchingMode, Program


def _url(request: MentorshipRequest) -> str:
    return reverse("matching:requests", args=[request.program.organization.slug])


def _approved(program: Program, membership: Membership, role: str) -> Enrollment | None:
    return Enrollment.objects.filter(program=program, membership=membership, role=role, status=EnrollmentStatus.APPROVED).first()


@transaction.atomic
def send_request(
    *, program: Program, mentee: Membership, mentor: Membership, message: str, goals: str = "",
    matching: MatchingSettings, rank: int | None = None,
) -> MentorshipRequest:
    """Ask a mentor; at most `max_open_requests` open at once; no request while matched."""
    if program.matching_mode == MatchingMode.COORDINATOR:
        raise DomainError(_("In this program the coordinator makes the matches."))
    if not message.strip():
        raise DomainError(_("Write a short message to introduce yourself."), field="message")
    if _approved(program, mentee, EnrollmentRole.MENTEE) is None:
        raise NotAllowed(_("Only approved mentees can send requests."))
    mentor_enrollment = _approved(program, mentor, EnrollmentRole.MENTOR)
    if mentor_enrollment is None or mentee.pk == mentor.pk:
        raise NotAllowed(_("This person is not a mentor in the program."))
    if mentor_enrollment.assigned >= (mentor_enrollment.capacity or 0):
        raise Conflict(_("This mentor has no free place left."))
    if MentorshipMember.objects.filter(program=program, membership=mentee, role="mentee", is_open=True, left_at__isnull=True).exists():
        raise Conflict(_("You already have a mentor in this program."))
    open_count = MentorshipRequest.objects.open().filter(program=program, mentee=mentee).count()
    if open_count >= matching.max_open_requests:
        raise Conflict(_("You can have at most %(n)d open requests. Withdraw one or wait for answers.") % {"n": matching.max_open_requests})
    limit("request", mentee.user)
    try:
        with transaction.atomic():
            request = MentorshipRequest.objects.create(
                program=program, mentee=mentee, mentor=mentor, message=message.strip()[:2000], goals=goals.strip()[:2000],
                rank=rank if program.matching_mode == MatchingMode.HYBRID else None,
                expires_at=timezone.now() + timedelta(days=matching.request_ttl_days),
            )
    except IntegrityError:
        raise Conflict(_("You have already asked this mentor.")) from None
    notify(recipients=[mentor.user], organization=program.organization, kind="request.received",
           title=_("%(name)s asks you to be their mentor") % {"name": mentee.user.display_name},
           body=request.message, url=_url(request))
    return request


@transaction.atomic
def respond_to_request(*, request: MentorshipRequest, mentor: Membership, action: str, reply: str = "") -> MentorshipRequest:
    """The mentor accepts (creating the mentorship), declines with a reason, or asks a question."""
    locked = MentorshipRequest.objects.select_for_update().select_related("program__organization", "mentee__user").get(pk=request.pk)
    if locked.mentor_id != mentor.pk:
        raise NotAllowed(_("Only the mentor asked can answer."))
    if not locked.is_open:
        raise Conflict(_("This request is no longer open."))
    if locked.expires_at <= timezone.now():
        raise Conflict(_("This request has expired."))
    program = locked.program
    if action == "decline":
        if not reply.strip():
            raise DomainError(_("Give the mentee a short reason."), field="reply")
        locked.status = RequestStatus.DECLINED
    elif action == "question":
        if not reply.strip():
            raise DomainError(_("Write your question."), field="reply")
        locked.status = RequestStatus.QUESTION
    elif action == "accept":
        mentorship = create_mentorship(
            program=program, members=[(mentor, "mentor"), (locked.mentee, "mentee")], created_by=mentor.user,
            source=Mentorship.Source.REQUEST,
        )
        locked.status = RequestStatus.ACCEPTED
        others = MentorshipRequest.objects.open().filter(program=program, mentee=locked.mentee).exclude(pk=locked.pk)
        for other in others.select_related("mentor__user"):
            other.status = RequestStatus.WITHDRAWN
            other.save(update_fields=["status"])
            notify(recipients=[other.mentor.user], organization=program.organization, kind="request.withdrawn",
                   title=_("%(name)s found a mentor; their request to you is withdrawn") % {"name": locked.mentee.user.display_name},
                   url=_url(other))
        record_audit_event(organization=program.organization, actor=mentor.user, action="request.accept", target=mentorship)
    else:
        raise DomainError(_("Choose accept, decline or ask a question."))
    locked.mentor_reply = reply.strip()[:2000]
    if locked.responded_at is None:
        locked.responded_at = timezone.now()
    locked.save()
    titles = {
        "accept": _("%(name)s accepted your request"), "decline": _("%(name)s declined your request"),
        "question": _("%(name)s has a question before deciding"),
    }
    notify(recipients=[locked.mentee.user], organization=program.organization, kind=f"request.{action}",
           title=titles[action] % {"name": mentor.user.display_name}, body=locked.mentor_reply, url=_url(locked))
    return locked


@transaction.atomic
def answer_question(*, request: MentorshipRequest, mentee: Membership, answer: str) -> MentorshipRequest:
    locked = MentorshipRequest.objects.select_for_update().select_related("program__organization", "mentor__user").get(pk=request.pk)
    if locked.mentee_id != mentee.pk:
        raise NotAllowed(_("Only the mentee can answer."))
    if locked.status != RequestStatus.QUESTION:
        raise Conflict(_("There is no question to answer."))
    if not answer.strip():
        raise DomainError(_("Write your answer."), field="answer")
    locked.mentee_answer = answer.strip()[:2000]
    locked.status = RequestStatus.PENDING
    locked.save(update_fields=["mentee_answer", "status"])
    notify(recipients=[locked.mentor.user], organization=locked.program.organization, kind="request.answer",
           title=_("%(name)s answered your question") % {"name": mentee.user.display_name}, body=locked.mentee_answer,
           url=_url(locked))
    return locked


@transaction.atomic
def withdraw_request(*, request: MentorshipRequest, mentee: Membership) -> MentorshipRequest:
    locked = MentorshipRequest.objects.select_for_update().get(pk=request.pk)
    if locked.mentee_id != mentee.pk:
        raise NotAllowed(_("Only the mentee can withdraw."))
    if not locked.is_open:
        raise Conflict(_("This request is no longer open."))
    locked.status = RequestStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    return locked


def expire_requests(*, now: object = None) -> int:
    """Expire open requests past their date and tell the mentee; remind mentors at half-time.

    Idempotent: an expired request is not expired again, and reminders use a dedupe key.
    """
    current = now or timezone.now()
    expired = 0
    for request in MentorshipRequest.objects.open().filter(expires_at__lte=current).select_related(
        "program__organization", "mentee__user", "mentor__user"
    ):
        with transaction.atomic():
            changed = MentorshipRequest.objects.filter(pk=request.pk, status__in=["pending", "question"]).update(
                status=RequestStatus.EXPIRED
            )
            if not changed:
                continue
            expired += 1
            notify(recipients=[request.mentee.user], organization=request.program.organization, kind="request.expired",
                   title=_("Your request to %(name)s expired without an answer") % {"name": request.mentor.user.display_name},
                   body=_("Try another mentor from your suggestions."), url=_url(request), dedupe_key=f"request-expired:{request.pk}")
    for request in MentorshipRequest.objects.filter(status=RequestStatus.PENDING, expires_at__gt=current).select_related(
        "program__organization", "mentee__user", "mentor__user"
    ):
        halfway = request.created_at + (request.expires_at - request.created_at) / 2
        if current >= halfway:  # type: ignore[operator]
            notify(recipients=[request.mentor.user], organization=request.program.organization, kind="request.reminder",
                   title=_("%(name)s is waiting for your answer") % {"name": request.mentee.user.display_name},
                   url=_url(request), dedupe_key=f"request-reminder:{request.pk}")
    return expired
