"""Access to a mentorship's inner records (agreement, goals, sessions, check-ins, feedback).

Everything goes through `core.access.access_mentorship`: members see their mentorship; the
organization's coordinators see its non-private parts, read-only. Writing is for current members
only (anyone else gets the same 404 as for a missing id), and only while the mentorship is open.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import ParamSpec

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership
from mentora.core.access import access_mentorship, is_mentorship_member
from mentora.core.errors import Conflict, DomainError
from mentora.mentorships.models import Mentorship, MentorshipMember

P = ParamSpec("P")


def access_relationship(membership: Membership, mentorship_id: int, *, write: bool = False,
                        allow_closed: bool = False) -> Mentorship:
    """Return the mentorship (members prefetched) if the caller may read it, or write to it; else 404.

    A write to a closed mentorship is a Conflict (409) unless `allow_closed` (evaluations and
    certificates happen after the end).
    """
    mentorship: Mentorship = access_mentorship(membership, mentorship_id)
    if write:
        if not is_mentorship_member(membership, mentorship):
            raise Http404
        if not mentorship.is_open and not allow_closed:
            raise Conflict(_("This mentorship has ended; its records are read-only."))
    return mentorship


def member_seat(membership: Membership, mentorship: Mentorship) -> MentorshipMember | None:
    """The caller's current seat in the mentorship (role), or None for coordinators looking in."""
    return next((m for m in mentorship.members.all() if m.membership_id == membership.pk and m.left_at is None), None)


def domain_errors_as_http(view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """Turn a DomainError that escapes a view into its HTTP status with the (safe) message;
    NotAllowed answers 404 like everything hidden."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            if error.status_code == HTTPStatus.FORBIDDEN:
                raise Http404 from None
            return HttpResponse(error.message, status=error.status_code, content_type="text/plain; charset=utf-8")

    return wrapped
