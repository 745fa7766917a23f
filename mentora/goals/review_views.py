"""The milestone review page: each member's answers, and the viewer's own review to fill in."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentora.core.access import AuthedRequest, org_view
from mentora.core.errors import DomainError
from mentora.goals import reviews
from mentora.goals.access import access_milestone
from mentora.goals.forms import MilestoneReviewForm
from mentora.goals.models import MilestoneReview
from mentora.mentorships.access import domain_errors_as_http

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY


@org_view()
@domain_errors_as_http
def milestone_review(request: AuthedRequest, milestone_id: int) -> HttpResponse:
    """Members and coordinators read the answered reviews; a member answers their own open one (POST)."""
    membership = request.membership
    milestone = access_milestone(membership, milestone_id, write=request.method == "POST")
    all_reviews = list(MilestoneReview.objects.filter(milestone=milestone).select_related("respondent__user"))
    mine = next((r for r in all_reviews if r.respondent_id == membership.pk and r.answered_at is None), None)
    if request.method == "POST" and mine is None:
        raise Http404
    form = MilestoneReviewForm(request.POST or None, prefix="review") if mine is not None else None
    status = 200
    if request.method == "POST" and form is not None and mine is not None:
        status = UNPROCESSABLE
        if form.is_valid():
            mine.milestone = milestone
            try:
                reviews.answer_review(review=mine, **{k: form.cleaned_data[k] for k in MilestoneReviewForm.Meta.fields})
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Review saved. The others in your mentorship can read it."))
                return redirect("goals:review", org=membership.organization.slug, milestone_id=milestone.pk)
    return render(request, "goals/review.html", {
        "milestone": milestone, "goal": milestone.goal, "mentorship": milestone.goal.mentorship, "form": form,
        "answered": [r for r in all_reviews if r.answered_at is not None],
        "waiting": [r for r in all_reviews if r.answered_at is None],
    }, status=status)
