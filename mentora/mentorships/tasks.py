"""Background work for mentorships: completion at the end date, and what completion sends."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from mentora.core.errors import Conflict
from mentora.mentorships.models import Mentorship, MentorshipStatus


@task()
def complete_due_mentorships() -> int:
    """Complete every active or paused mentorship whose end date has passed; return how many."""
    from mentora.mentorships.services import transition_mentorship

    completed = 0
    due = Mentorship.objects.filter(
        status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED], ends_on__lt=timezone.localdate()
    )
    for mentorship in due:
        try:
            transition_mentorship(mentorship=mentorship, to_status=MentorshipStatus.COMPLETED, actor=None,
                                  reason=_("The end date was reached."))
        except Conflict:
            continue  # someone closed it meanwhile
        completed += 1
    return completed


@task()
def send_completion_steps(*, mentorship_id: int) -> None:
    """Invite every member to the evaluation, and to download their certificate (mentee) or
    recognition (mentor). Dedupe keys make a second run send nothing."""
    from mentora.notifications.services import notify

    mentorship = (Mentorship.objects.select_related("program__organization")
                  .prefetch_related("members__membership__user").filter(pk=mentorship_id).first())
    if mentorship is None or mentorship.status != MentorshipStatus.COMPLETED:
        return
    url = reverse("mentorships:home", args=[mentorship.program.organization.slug, mentorship.pk])
    for seat in mentorship.members.all():
        if seat.role in ("mentor", "facilitator"):
            title = _("Thank you for mentoring in %(p)s! Your recognition is ready; tell us how it went.")
        else:
            title = _("Congratulations on completing %(p)s! Download your certificate and tell us how it went.")
        notify(recipients=[seat.membership.user], organization=mentorship.program.organization,
               kind="mentorship.completed", title=title % {"p": mentorship.program.name}, url=url,
               dedupe_key=f"mentorship:{mentorship.pk}:completed")
