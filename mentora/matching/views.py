"""Coordinator matching (settings, runs, preview, adjust, publish) and participant requests."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentora.accounts.models import Membership
from mentora.core.access import AuthedRequest, access_program, org_view
from mentora.core.errors import DomainError
from mentora.matching import requests as mentorship_requests
from mentora.matching import rounds, services
from mentora.matching.engine import WeeklySlot
from mentora.matching.engine.availability import overlap_hours, week_slots
from mentora.matching.forms import AnswerForm, MatchingSettingsForm, RequestForm, RespondForm
from mentora.matching.models import FACTOR_LABELS, MatchRun, MentorshipRequest, ProposedMatch
from mentora.matching.quality import REASON_LABELS
from mentora.matching.snapshot import settings_for
from mentora.matching.suggestions import mentor_responsiveness, suggest_mentors, unresponsive_mentors
from mentora.matching.words import explain_in_words
from mentora.programs.models import EnrollmentRole, EnrollmentStatus, MatchingMode


def _run(membership: Membership, program_id: int, run_id: int) -> MatchRun:
    program = access_program(membership, program_id, manage=True)
    run = MatchRun.objects.select_related("program__organization").filter(pk=run_id, program=program).first()
    if run is None:
        raise Http404
    return run


def _people(ids: set[int]) -> dict[int, Membership]:
    return {
        m.pk: m for m in Membership.objects.filter(pk__in=ids).select_related("user", "profile")
        .prefetch_related("profile__availability")
    }


@org_view(role="coordinator")
def matching_settings(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    form = MatchingSettingsForm(request.POST or None, instance=settings_for(program))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Matching settings saved."))
        return redirect("matching:runs", org=program.organization.slug, program_id=program.pk)
    return render(request, "matching/settings.html", {"program": program, "form": form}, status=422 if form.errors else 200)


@org_view(role="coordinator")
def run_list(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    runs = MatchRun.objects.filter(program=program).select_related("created_by", "published_by")[:20]
    slow = _people(unresponsive_mentors(program))
    responsiveness = mentor_responsiveness(program)[:50]
    names = _people({row.mentor_id for row in responsiveness})
    return render(request, "matching/runs.html", {
        "program": program, "runs": runs, "unresponsive": list(slow.values()), "settings": settings_for(program),
        "responsiveness": [{"row": row, "mentor": names.get(row.mentor_id)} for row in responsiveness],
    })


@require_POST
@org_view(role="coordinator")
def run_start(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    try:
        run = services.start_match_run(program=program, started_by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("matching:runs", org=program.organization.slug, program_id=program.pk)
    return redirect("matching:run_detail", org=program.organization.slug, program_id=program.pk, run_id=run.pk)


PROPOSALS_PER_PAGE = 50
SWAP_CHOICES = 40
LIST_LIMIT = 100


def _proposal_rows(run: MatchRun, proposals: list[ProposedMatch]) -> list[dict[str, Any]]:
    people = _people({p.mentee_id for p in proposals} | {p.mentor_id for p in proposals})
    department_mode = run.settings_snapshot.get("department_mode", "diversity")
    rows = []
    for proposal in proposals:
        mentee, mentor = people[proposal.mentee_id], people[proposal.mentor_id]
        zones = (mentee.profile.timezone, mentor.profile.timezone)
        rows.append({
            "proposal": proposal, "mentee": mentee, "mentor": mentor,
            "words": explain_in_words(proposal.explanation, department_mode=department_mode, zones=zones),
        })
    return rows


@org_view(role="coordinator")
def run_detail(request: AuthedRequest, program_id: int, run_id: int) -> HttpResponse:
    run = _run(request.membership, program_id, run_id)
    context: dict[str, Any] = {"program": run.program, "run": run}
    if request.htmx and request.GET.get("poll"):
        if run.is_finished:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "matching/_progress.html", context)
    if run.is_finished:
        # Large cohorts: proposals are paged and long lists cut, so the page stays fast at 10,000.
        page = Paginator(run.matches.order_by("group", "-score", "pk"), PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
        unmatched = run.unmatched[:LIST_LIMIT]
        load_rows = run.quality.get("mentor_load", [])
        # The swap pickers offer the mentors with the most free places (one list per row, so capped).
        open_rows = sorted((r for r in load_rows if r["free"] > r["matched"]),
                           key=lambda r: (r["matched"] - r["free"], r["mentor"]))[:SWAP_CHOICES]
        open_mentors = [int(r["mentor"]) for r in open_rows]
        people = _people({int(u["id"]) for u in unmatched} | {int(r["mentor"]) for r in load_rows[:LIST_LIMIT]} | set(open_mentors))
        context |= {
            "page": page, "rows": _proposal_rows(run, list(page.object_list)),
            "unmatched": [{"person": people.get(int(u["id"])), "reason": REASON_LABELS.get(u["reason"], u["reason"])}
                          for u in unmatched],
            "more_unmatched": max(0, len(run.unmatched) - LIST_LIMIT),
            "mentor_load": [row | {"person": people.get(int(row["mentor"]))} for row in load_rows[:LIST_LIMIT]],
            "more_mentors": max(0, len(load_rows) - LIST_LIMIT),
            "other_runs": MatchRun.objects.filter(program=run.program).exclude(pk=run.pk).filter(status__in=["done", "published"])[:10],
            "mentor_choices": _mentor_choices(people, open_rows),
            "factor_labels": FACTOR_LABELS,
        }
    return render(request, "matching/run_detail.html", context)


def _mentor_choices(people: dict[int, Membership], open_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mentors with a free place, labelled so a coordinator can tell them apart: name, job,
    department and free places (best-loaded first, as the load table)."""
    choices = []
    for row in open_rows:
        mentor = people.get(int(row["mentor"]))
        if mentor is None:
            continue
        profile = mentor.profile
        about = ", ".join(part for part in (profile.job_title, profile.department) if part)
        free = row["free"] - row["matched"]
        places = ngettext("%(n)d free place", "%(n)d free places", free) % {"n": free}
        label = " — ".join(part for part in (mentor.user.display_name, about) if part) + f" · {places}"
        choices.append({"person": mentor, "label": label})
    return choices


def _mentor_ref(value: str) -> int:
    """A mentor chosen from the page's list: their id (older pages sent "Name (#123)"); 0 if unreadable."""
    found = re.search(r"#?(\d+)\)?\s*$", value.strip())
    return int(found.group(1)) if found else 0


@require_POST
@org_view(role="coordinator")
def run_adjust(request: AuthedRequest, program_id: int, run_id: int) -> HttpResponse:
    run = _run(request.membership, program_id, run_id)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")[:500]
    try:
        proposal = ProposedMatch.objects.filter(run=run, pk=request.POST.get("proposal") or 0).first()
        if action == "remove" and proposal is not None:
            services.remove_match(run=run, proposal=proposal, removed_by=request.user, reason=reason)
        elif action == "pin" and proposal is not None:
            services.pin_match(run=run, mentee_id=proposal.mentee_id, mentor_id=proposal.mentor_id, pinned_by=request.user, reason=reason)
        elif action == "swap" and proposal is not None and _mentor_ref(request.POST.get("mentor", "")):
            services.pin_match(run=run, mentee_id=proposal.mentee_id, mentor_id=_mentor_ref(request.POST["mentor"]),
                               pinned_by=request.user, reason=reason)
        else:
            raise DomainError(_("Choose a match and what to do with it."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done. The other matches were re-optimised around your change."))
    return redirect("matching:run_detail", org=run.program.organization.slug, program_id=run.program_id, run_id=run.pk)


def _unmatched_rows(run: MatchRun) -> list[dict[str, Any]]:
    unmatched = run.unmatched[:LIST_LIMIT]
    people = _people({int(u["id"]) for u in unmatched})
    return [{"person": people.get(int(u["id"])), "reason": REASON_LABELS.get(u["reason"], u["reason"])} for u in unmatched]


@org_view(role="coordinator")
def run_publish(request: AuthedRequest, program_id: int, run_id: int) -> HttpResponse:
    """Publishing is irreversible: GET shows exactly what it will do; only a POST confirming that summary publishes."""
    run = _run(request.membership, program_id, run_id)
    back = redirect("matching:run_detail", org=run.program.organization.slug, program_id=run.program_id, run_id=run.pk)
    if run.status != "done":
        return back
    preview = services.preview_publish(run)
    if request.method == "POST":
        if request.POST.get("confirm") != preview.token:
            messages.warning(request, _("Nothing was published. Check the summary below and confirm."))
            return redirect("matching:run_publish", org=run.program.organization.slug, program_id=run.program_id, run_id=run.pk)
        try:
            created = services.publish_run(run=run, published_by=request.user, confirmation=request.POST["confirm"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, ngettext(
                "Published: %(n)d mentorship created and everyone notified.",
                "Published: %(n)d mentorships created and everyone notified.", len(created)) % {"n": len(created)})
        return back
    proposals = list(run.matches.order_by("group", "pk")[:LIST_LIMIT])
    people = _people({p.mentee_id for p in proposals} | {p.mentor_id for p in proposals})
    return render(request, "matching/publish_confirm.html", {
        "program": run.program, "run": run, "preview": preview,
        "pairs": [{"mentee": people[p.mentee_id], "mentor": people[p.mentor_id], "group": p.group} for p in proposals],
        "more_pairs": max(0, run.matches.count() - LIST_LIMIT),
        "unmatched": _unmatched_rows(run), "more_unmatched": max(0, len(run.unmatched) - LIST_LIMIT),
    })


@org_view(role="coordinator")
def run_compare(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    runs = MatchRun.objects.filter(program=program, status__in=["done", "published"])
    ids = [int(i) for i in request.GET.getlist("run") if i.isdigit()][:2]
    chosen = {r.pk: r for r in runs.filter(pk__in=ids)}
    pair = [chosen[i] for i in ids if i in chosen]
    changed: list[str] = []
    if len(pair) == 2:
        left, right = pair[0].settings_snapshot, pair[1].settings_snapshot
        for key in sorted(set(left) | set(right)):
            if key not in ("adjustments",) and left.get(key) != right.get(key):
                changed.append(key)
    return render(request, "matching/compare.html", {"program": program, "runs": runs[:20], "pair": pair, "changed": changed})


# --- Participants -------------------------------------------------------------------------------

@org_view()
def suggestions(request: AuthedRequest, program_id: int) -> HttpResponse:
    """A mentee's ranked shortlist and a searchable directory of mentors with free places."""
    membership = request.membership
    program = access_program(membership, program_id)
    if program.matching_mode == MatchingMode.COORDINATOR or not program.enrollments.filter(
        membership=membership, role=EnrollmentRole.MENTEE, status=EnrollmentStatus.APPROVED
    ).exists():
        raise Http404
    matching = settings_for(program)
    query = request.GET.get("q", "").strip().lower()
    language = request.GET.get("language", "")
    department = request.GET.get("department", "")
    min_overlap = int(request.GET["overlap"]) if request.GET.get("overlap", "").isdigit() else 0
    ranked = suggest_mentors(program=program, mentee=membership, matching=matching, limit=50)
    people = _people({s.mentor_id for s in ranked})
    offered = _offered_skills({s.mentor_id for s in ranked})
    my_week = _week(membership)
    rows = []
    for suggestion in ranked:
        mentor = people[suggestion.mentor_id]
        profile = mentor.profile
        text = " ".join([mentor.user.display_name, profile.headline, profile.department, profile.job_title,
                         *offered.get(mentor.pk, [])]).lower()
        if query and query not in text:
            continue
        if language and language not in (profile.languages or []):
            continue
        if department and profile.department != department:
            continue
        overlap = overlap_hours(my_week, _week(mentor))
        if overlap < min_overlap:
            continue
        rows.append({"s": suggestion, "mentor": mentor, "overlap": overlap, "skills": offered.get(mentor.pk, []), "words": explain_in_words(
            suggestion.explanation, department_mode=matching.department_mode,
            zones=(membership.profile.timezone, profile.timezone))})
    filtered = bool(query or language or department or min_overlap)
    sent = MentorshipRequest.objects.filter(program=program, mentee=membership).select_related("mentor__user")
    return render(request, "matching/suggestions.html", {
        "program": program, "rows": rows if filtered else rows[: matching.suggestions_count], "filtered": filtered,
        "query": query, "language": language, "department": department, "overlap": min_overlap,
        "sent": sent, "form": RequestForm(),
        "departments": sorted({p.profile.department for p in people.values() if p.profile.department}),
        "languages": sorted({code for p in people.values() for code in (p.profile.languages or [])}),
        "hybrid": program.matching_mode == MatchingMode.HYBRID,
    })


def _offered_skills(member_ids: set[int]) -> dict[int, list[str]]:
    from mentora.profiles.models import ProfileSkill

    skills: dict[int, list[str]] = {}
    for member_id, name in ProfileSkill.objects.filter(
        profile__membership_id__in=member_ids, direction=ProfileSkill.Direction.OFFERED
    ).values_list("profile__membership_id", "skill__name"):
        skills.setdefault(member_id, []).append(name)
    return skills


def _week(member: Membership) -> Any:
    """The 168 UTC hours of a typical week the person is free."""
    profile = member.profile
    slots = [WeeklySlot(s.weekday, s.start_minute // 60, min(24, (s.end_minute + 59) // 60)) for s in profile.availability.all()]
    return week_slots(slots, profile.timezone or "UTC")


@require_POST
@org_view()
def request_create(request: AuthedRequest, program_id: int, mentor_id: int) -> HttpResponse:
    membership = request.membership
    program = access_program(membership, program_id)
    mentor = Membership.objects.filter(pk=mentor_id, organization=membership.organization, is_active=True).select_related("user").first()
    if mentor is None:
        raise Http404
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a short message to introduce yourself."))
    else:
        try:
            mentorship_requests.send_request(
                program=program, mentee=membership, mentor=mentor, message=form.cleaned_data["message"],
                goals=form.cleaned_data["goals"], matching=settings_for(program), rank=form.cleaned_data["rank"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Request sent to %(name)s.") % {"name": mentor.user.display_name})
    return redirect("matching:suggestions", org=membership.organization.slug, program_id=program.pk)


@org_view()
def request_list(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    related = ("program", "mentee__user", "mentor__user", "mentee__profile")
    received = MentorshipRequest.objects.filter(mentor=membership).select_related(*related)
    sent = MentorshipRequest.objects.filter(mentee=membership).select_related(*related)
    return render(request, "matching/requests.html", {
        "received": received, "sent": sent, "respond_form": RespondForm(), "answer_form": AnswerForm(),
    })


def _request_for(membership: Membership, request_id: int, *, side: str) -> MentorshipRequest:
    """A request of this organization where the member is the given side ("mentor"/"mentee"); else 404."""
    found = MentorshipRequest.objects.select_related("program__organization").filter(
        pk=request_id, program__organization=membership.organization, **{side: membership}
    ).first()
    if found is None:
        raise Http404
    return found


def _act_on_request(request: AuthedRequest, action: Callable[[], object], success: str) -> HttpResponse:
    """Run one request service call, report its outcome, and go back to the requests page."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("matching:requests", org=request.membership.organization.slug)


@require_POST
@org_view()
def request_respond(request: AuthedRequest, request_id: int) -> HttpResponse:
    membership = request.membership
    found = _request_for(membership, request_id, side="mentor")
    form = RespondForm(request.POST)

    def respond() -> object:
        if not form.is_valid():
            raise DomainError(_("Choose accept, decline or ask a question."))
        return mentorship_requests.respond_to_request(request=found, mentor=membership, action=form.cleaned_data["action"],
                                                      reply=form.cleaned_data["reply"])

    return _act_on_request(request, respond, _("Answer sent."))


@require_POST
@org_view()
def request_answer(request: AuthedRequest, request_id: int) -> HttpResponse:
    membership = request.membership
    found = _request_for(membership, request_id, side="mentee")
    form = AnswerForm(request.POST)

    def answer() -> object:
        if not form.is_valid():
            raise DomainError(_("Write your answer."))
        return mentorship_requests.answer_question(request=found, mentee=membership, answer=form.cleaned_data["answer"])

    return _act_on_request(request, answer, _("Answer sent."))


@require_POST
@org_view()
def request_withdraw(request: AuthedRequest, request_id: int) -> HttpResponse:
    membership = request.membership
    found = _request_for(membership, request_id, side="mentee")
    return _act_on_request(request, lambda: mentorship_requests.withdraw_request(request=found, mentee=membership),
                           _("Request withdrawn."))


# --- Peer rounds ----------------------------------------------------------------------------------

@org_view(role="coordinator")
def round_run(request: AuthedRequest, program_id: int) -> HttpResponse:
    """End the current peer round and start the next one now: GET summarises, a confirming POST does it."""
    program = access_program(request.membership, program_id, manage=True)
    try:
        preview = rounds.preview_peer_round(program)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("matching:runs", org=program.organization.slug, program_id=program.pk)
    if request.method != "POST":
        return render(request, "matching/round_confirm.html", {
            "program": program, "preview": preview, "settings": settings_for(program),
        })
    if request.POST.get("confirm") != preview.token:
        messages.warning(request, _("The round did not start. Check the summary below and confirm."))
        return redirect("matching:round_run", org=program.organization.slug, program_id=program.pk)
    try:
        run = rounds.run_peer_round(program=program, started_by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("matching:runs", org=program.organization.slug, program_id=program.pk)
    pairs = run.matches.count()
    messages.success(request, ngettext("A new round started: %(n)d pair.", "A new round started: %(n)d pairs.", pairs) % {"n": pairs})
    return redirect("matching:run_detail", org=program.organization.slug, program_id=program.pk, run_id=run.pk)


@require_POST
@org_view()
def round_pause(request: AuthedRequest, program_id: int) -> HttpResponse:
    """A peer skips the next round, pauses rounds, or resumes."""
    membership = request.membership
    program = access_program(membership, program_id)
    action = request.POST.get("action")
    try:
        if action == "resume":
            rounds.resume_rounds(program=program, membership=membership)
            messages.success(request, _("You are back in the next rounds."))
        elif action in ("skip", "pause"):
            rounds.pause_rounds(program=program, membership=membership, skip_next_only=action == "skip")
            messages.success(request, _("You will sit out the next round.") if action == "skip"
                             else _("Rounds are paused for you until you resume."))
        else:
            raise DomainError(_("Choose skip, pause or resume."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("programs:detail", org=membership.organization.slug, program_id=program.pk)
