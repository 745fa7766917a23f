"""At-risk pairs of a program, and nudging them (coordinators and admins only)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from mentora.core.access import AuthedRequest, access_program, org_view
from mentora.core.errors import DomainError
from mentora.insights import services
from mentora.insights.forms import NudgeForm
from mentora.insights.models import NudgeAudience
from mentora.insights.risk import AT_RISK, WATCH, program_risks, rank_program

#: The filter: which assessment levels each choice shows.
LEVELS = {
    "high": (gettext_lazy("High risk"), {"high"}),
    "watch": (gettext_lazy("Watch"), {"watch"}),
    "all": (gettext_lazy("All pairs under way"), {"high", "watch", "fine"}),
}
PAGE_SIZE = 50


@org_view(role="coordinator")
def at_risk(request: AuthedRequest, program_id: int) -> HttpResponse:
    """The program's pairs most at risk first, with the reasons and what to do, filtered by level."""
    program = access_program(request.membership, program_id, manage=True)
    level = request.GET.get("level", "high")
    if level not in LEVELS:
        level = "high"
    ranked = rank_program(program)
    tabs = [{"key": key, "label": label, "current": key == level,
             "count": sum(1 for r in ranked if r.assessment.level in levels),
             "query": urlencode({"level": key})} for key, (label, levels) in LEVELS.items()]
    shown = [r for r in ranked if r.assessment.level in LEVELS[level][1]]
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "insights/at_risk.html", {
        "program": program, "items": program_risks(program, list(page.object_list)), "page": page, "level": level, "tabs": tabs,
        "level_label": LEVELS[level][0], "total": len(ranked), "at_risk": AT_RISK, "watch": WATCH,
        "audiences": NudgeAudience.choices, "query": urlencode({"level": level}),
    })


@require_POST
@org_view(role="coordinator")
def nudge(request: AuthedRequest, program_id: int) -> HttpResponse:
    """Nudge the pairs selected: first who gets what (edit the message, preview it), then send."""
    program = access_program(request.membership, program_id, manage=True)
    form = NudgeForm(request.POST, program=program)
    valid = form.is_valid()
    chosen = list(form.cleaned_data.get("mentorship", []))
    audience = form.cleaned_data.get("audience", NudgeAudience.PAIR)
    message = form.cleaned_data.get("message", "")
    if not message or message in services.DEFAULT_MESSAGES.values():
        message = services.default_message(audience)  # follow the audience until the coordinator edits it
    error, status = "", 200 if valid else 422
    now = timezone.now()
    # Pairs nudged this week are left out of what the page offers to send (the service refuses them too).
    recent = {pk: at for pk, at in services.last_nudges([m.pk for m in chosen]).items()
              if at > now - services.NUDGE_INTERVAL}
    ready = [m for m in chosen if m.pk not in recent]
    if valid and request.POST.get("confirm") == "yes":
        try:
            nudges = services.nudge_mentorships(mentorships=chosen, sent_by=request.user, message=message,
                                                audience=audience, now=now)
        except DomainError as domain_error:
            error, status = domain_error.message, domain_error.status_code
        else:
            people = sum(n.recipient_count for n in nudges)
            messages.success(request, ngettext("Nudged %(pairs)d pair: %(people)s will hear from you.",
                                               "Nudged %(pairs)d pairs: %(people)s will hear from you.", len(nudges))
                             % {"pairs": len(nudges), "people": ngettext("%(n)d person", "%(n)d people", people)
                                % {"n": people}})
            level = request.POST.get("level", "high")
            return redirect(reverse("insights:at_risk", args=[program.organization.slug, program.pk])
                            + "?" + urlencode({"level": level if level in LEVELS else "high"}))
    previews = [(m, services.nudge_recipients(m, audience=audience, message=message)) for m in ready] \
        if not form.errors.get("message") else []
    people = sum(len(recipients) for _m, recipients in previews)
    return render(request, "insights/nudge_confirm.html", {
        "program": program, "form": form, "chosen": chosen, "ready": ready,
        "blocked": [(m, recent[m.pk], recent[m.pk] + services.NUDGE_INTERVAL) for m in chosen if m.pk in recent],
        "previews": previews, "people": people, "audience": audience, "message": message,
        "raw_message": request.POST.get("message", "") if form.errors.get("message") else message,
        "audiences": NudgeAudience.choices, "error": error, "level": request.POST.get("level", "high"),
    }, status=status)
