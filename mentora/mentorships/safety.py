"""Reporting a concern privately to the coordinators."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.core.errors import DomainError
from mentora.core.models import record_audit_event
from mentora.mentorships.models import Concern, Mentorship
from mentora.notifications.services import notify

__all__ = ["coordinators_of", "report_concern"]


def coordinators_of(mentorship: Mentorship) -> list[Membership]:
    return list(
        Membership.objects.select_related("user").filter(
            organization_id=mentorship.program.organization_id, is_active=True, role__in=["coordinator", "admin"],
        )
    )


@transaction.atomic
def report_concern(*, mentorship: Mentorship, reporter: Membership, body: str) -> Concern:
    """Store the concern and alert the coordinators. The alert carries no details (email is not
    private enough); they read it in the app."""
    if not body.strip():
        raise DomainError(_("Tell the coordinator what worries you."), field="body")
    concern = Concern.objects.create(mentorship=mentorship, reporter=reporter, body=body.strip())
    organization = mentorship.program.organization
    notify(
        recipients=[c.user for c in coordinators_of(mentorship)], organization=organization, kind="concern.reported",
        title=_("A concern was reported in %(program)s.") % {"program": mentorship.program.name},
        url=reverse("mentorships:concerns", args=[organization.slug]),
    )
    record_audit_event(organization=organization, actor=reporter.user, action="concern.report", target=mentorship)
    return concern
