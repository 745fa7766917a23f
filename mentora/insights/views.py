"""Insights pages: the organization's programs side by side, one program's health, the people behind a figure."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentora.accounts.models import Membership
from mentora.core.access import AuthedRequest, access_program, org_view
from mentora.core.errors import DomainError
from mentora.matching.suggestions import responsiveness_summary
from mentora.notifications.services import opted_out_of_email
from mentora.programs.models import Program

from .behind import FIGURES
from .charts import column_chart, line_chart
from .forms import SendAtForm
from .health import Filters, FunnelStep, ProgramInsights, filter_options, program_insights
from .messages import (
    DEFAULT_PEOPLE_MESSAGE,
    MAX_RECIPIENTS,
    cancel_scheduled,
    message_people,
    people_recipients,
    schedule_message,
)
from .models import ScheduledMessage, ScheduledStatus
from .report_views import report_context
from .rollup import organization_rollup


@org_view(role="coordinator")
def organization_insights(request: AuthedRequest) -> HttpResponse:
    rows = organization_rollup(request.membership.organization)
    live = [row for row in rows if row.participants or row.active or row.completed]
    return render(request, "insights/organization.html", report_context(request.membership, None) | {
        "rows": rows,
        "totals": {
            "programs": len(rows),
            "participants": sum(row.participants for row in rows),
            "active": sum(row.active for row in rows),
            "quiet": sum(row.quiet for row in rows),
            "completed": sum(row.completed for row in rows),
        },
        "has_figures": bool(live),
    })


def _charts(insights: ProgramInsights) -> dict[str, object]:
    labels = [date_format(row.week, "j M") for row in insights.trend]
    return {
        "matches": column_chart(chart_id="chart-matches", title=_("New matches"), unit=_("people"),
                                points=list(zip(labels, [row.new_matches for row in insights.trend], strict=True))),
        "meetings": column_chart(chart_id="chart-meetings", title=_("Meetings held"), unit=_("meetings"),
                                 points=list(zip(labels, [row.meetings_held for row in insights.trend], strict=True))),
        "messages": column_chart(chart_id="chart-messages", title=_("Messages sent"), unit=_("messages"),
                                 points=list(zip(labels, [row.messages for row in insights.trend], strict=True))),
        "going_well": line_chart(
            chart_id="chart-going-well", title=_("How it is going (check-ins)"), unit=_("out of 5"),
            points=list(zip(labels, [row.going_well for row in insights.trend], strict=True)),
            summary=_going_well_summary(insights)),
    }


def _going_well_summary(insights: ProgramInsights) -> str:
    shown = [(date_format(row.week, "j M"), row.going_well) for row in insights.trend if row.going_well is not None]
    if not shown:
        return _("Weekly check-in averages appear once five people answer in a week.")
    first, last = shown[0][1], shown[-1][1]
    return _("Check-ins averaged %(last)s out of 5 in the week of %(when)s (%(first)s in the week of %(since)s).") % {
        "last": last, "when": shown[-1][0], "first": first, "since": shown[0][0]}


@org_view(role="coordinator")
def program_insights_page(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    options = filter_options(program)
    filters = Filters.from_query(request.GET, options)
    insights = program_insights(program, filters=filters, options=options)
    return render(request, "insights/program.html", report_context(request.membership, program) | {
        "program": program, "insights": insights, "filters": filters, "options": options,
        "charts": _charts(insights), "query": filters.as_query(),
        "responsiveness": responsiveness_summary(program),
        "scheduled": list(ScheduledMessage.objects.filter(program=program, status=ScheduledStatus.SCHEDULED)
                          .select_related("created_by").annotate(n=Count("recipients")).order_by("send_at")[:20]),
        "group_tables": [(_("By department"), insights.by_department, "department"),
                         (_("By site"), insights.by_location, "location")],
    })


def _people_behind(program: Program, query: QueryDict) -> tuple[FunnelStep, bool, frozenset[int], Filters]:
    """The funnel step a query names, whether it asks for those who stopped before it, and who they are."""
    options = filter_options(program)
    filters = Filters.from_query(query, options)
    insights = program_insights(program, filters=filters, options=options)
    steps = {step.key: index for index, step in enumerate(insights.funnel)}
    key = query.get("step", "")
    if key not in steps:
        raise Http404
    step = insights.funnel[steps[key]]
    stopped = query.get("stopped") == "1" and steps[key] > 0
    return step, stopped, step.stopped if stopped else step.people, filters


@org_view(role="coordinator")
def program_behind(request: AuthedRequest, program_id: int, key: str) -> HttpResponse:
    """The mentorships or mentors behind one tile figure (same filters, same computation)."""
    from mentora.mentorships.models import Mentorship, MentorshipMember

    program = access_program(request.membership, program_id, manage=True)
    figure = FIGURES.get(key)
    if figure is None:
        raise Http404
    options = filter_options(program)
    filters = Filters.from_query(request.GET, options)
    insights = program_insights(program, filters=filters, options=options)
    ids = figure.ids(insights)
    rows: QuerySet[Any]
    if figure.kind == "mentors":
        rows = Membership.objects.filter(pk__in=ids).select_related("user", "profile").order_by("user__full_name", "pk")
    else:
        members = MentorshipMember.objects.filter(left_at__isnull=True).select_related("membership__user", "membership__profile")
        rows = (Mentorship.objects.filter(pk__in=ids).prefetch_related(Prefetch("members", queryset=members))
                .order_by("started_on", "pk"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "insights/behind.html", {
        "program": program, "figure": figure, "key": key, "page": page, "count": len(ids),
        "places": {str(mentor): seats for mentor, seats in insights.load.used_by.items()}, "filters": filters, "query": filters.as_query(),
    })


@require_POST
@org_view(role="coordinator")
def scheduled_cancel(request: AuthedRequest, program_id: int, scheduled_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    scheduled = ScheduledMessage.objects.filter(pk=scheduled_id, program=program).select_related("program__organization").first()
    if scheduled is None:
        raise Http404
    if cancel_scheduled(scheduled=scheduled, cancelled_by=request.user):
        messages.success(request, _("Cancelled: that message will not be sent."))
    else:
        messages.error(request, _("That message has already gone out (or was cancelled)."))
    return redirect(reverse("insights:program", args=[program.organization.slug, program.pk]) + "#scheduled-h")


@org_view(role="coordinator")
def program_people(request: AuthedRequest, program_id: int) -> HttpResponse:
    """The people behind one funnel figure: those who reached a step, or who stopped just before it."""
    program = access_program(request.membership, program_id, manage=True)
    step, stopped, people, filters = _people_behind(program, request.GET)
    members = (Membership.objects.filter(pk__in=people).select_related("user", "profile").order_by("user__full_name", "pk"))
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    return render(request, "insights/people.html", {
        "program": program, "step": step, "stopped": stopped, "page": page, "count": len(people),
        "filters": filters, "query": filters.as_query(), "message": DEFAULT_PEOPLE_MESSAGE,
        "can_write": 0 < len(people) <= MAX_RECIPIENTS, "max_recipients": MAX_RECIPIENTS,
    })


@require_POST
@org_view(role="coordinator")
def people_message(request: AuthedRequest, program_id: int) -> HttpResponse:
    """Write to the people behind a figure: first a preview of who gets what, then send on confirm."""
    program = access_program(request.membership, program_id, manage=True)
    step, stopped, people, filters = _people_behind(program, request.POST)
    members = list(Membership.objects.filter(pk__in=people).select_related("user").order_by("user__full_name", "pk"))
    message = request.POST.get("message", "")
    scheduling = request.POST.get("confirm") == "schedule"
    tomorrow_nine = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    when = SendAtForm(request.POST) if scheduling else SendAtForm(initial={"send_at": tomorrow_nine})
    context = {"program": program, "step": step, "stopped": stopped, "filters": filters, "query": filters.as_query(),
               "message": message, "count": len(members), "when": when,
               "in_app_only": len(opted_out_of_email(m.user_id for m in members))}
    back = {"step": step.key, **filters.as_query(), **({"stopped": "1"} if stopped else {})}
    try:
        if scheduling:
            if not when.is_valid():
                raise DomainError(_("Choose the date and time to send it."), field="send_at")
            label = (_("Not yet: %(step)s") % {"step": step.label}) if stopped else str(step.label)
            scheduled = schedule_message(program=program, memberships=members, message=message, label=label,
                                         send_at=when.cleaned_data["send_at"], created_by=request.user)
            messages.success(request, ngettext(
                "Scheduled: your message goes to %(n)d person on %(when)s. You can cancel it until then.",
                "Scheduled: your message goes to %(n)d people on %(when)s. You can cancel it until then.", len(members),
            ) % {"n": len(members), "when": date_format(timezone.localtime(scheduled.send_at), "DATETIME_FORMAT")})
            return redirect(reverse("insights:program", args=[program.organization.slug, program.pk]) + "#scheduled-h")
        if request.POST.get("confirm") == "yes":
            sent = message_people(program=program, memberships=members, message=message, sent_by=request.user)
            messages.success(request, ngettext("Your message went to %(n)d person.", "Your message went to %(n)d people.",
                                               sent) % {"n": sent})
            return redirect(reverse("insights:people", args=[program.organization.slug, program.pk]) + "?" + urlencode(back))
        recipients = people_recipients(program=program, memberships=members, message=message)
    except DomainError as error:
        return render(request, "insights/people_message.html", context | {"error": error.message}, status=422)
    return render(request, "insights/people_message.html",
                  context | {"previews": recipients[:3], "others": max(0, len(recipients) - 3)})
