"""Matching runs: snapshot → engine → proposals → review and adjust → publish as mentorships."""

from __future__ import annotations

import copy
import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership, User
from mentora.core.errors import Conflict, DomainError
from mentora.core.models import record_audit_event
from mentora.core.outbox import enqueue_on_commit
from mentora.matching.embeddings import text_vectors_for_instance
from mentora.matching.engine import InvalidInstance, score_instance_pairs, solve_instance
from mentora.matching.models import MatchingSettings, MatchRun, MatchRunStatus, ProposedMatch
from mentora.matching.quality import run_quality, unmatched_reasons
from mentora.matching.snapshot import build_instance, settings_for
from mentora.mentorships.models import Mentorship, MentorshipMember
from mentora.mentorships.services import create_mentorship, mentor_load_cap
from mentora.notifications.services import notify
from mentora.programs.models import MatchingMode, Program


def settings_snapshot(matching: MatchingSettings) -> dict[str, Any]:
    fields = [f.name for f in MatchingSettings._meta.get_fields() if f.concrete and f.name not in ("id", "program", "updated_at")]
    values = {name: getattr(matching, name) for name in fields}
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()} | {
        "weights": matching.effective_weights()
    }


@transaction.atomic
def start_match_run(*, program: Program, started_by: User, parent: MatchRun | None = None) -> MatchRun:
    """Snapshot the cohort now and queue the engine; the page polls the run's progress."""
    if program.matching_mode == MatchingMode.SELF_SELECT:
        raise DomainError(_("In this program participants choose their mentors; switch the matching mode to run matching."))
    matching = settings_for(program)
    instance = build_instance(program, matching)
    people = instance.get("mentees") or instance.get("people") or []
    if not people:
        raise DomainError(_("There is nobody to match: approve some enrolments first."))
    run = MatchRun.objects.create(
        program=program, created_by=started_by, parent=parent,
        settings_snapshot=settings_snapshot(matching) | {"adjustments": []}, input_snapshot=instance,
    )
    record_audit_event(organization=program.organization, actor=started_by, action="matching.run", target=run)
    from mentora.matching.tasks import execute_match_run

    enqueue_on_commit(execute_match_run, organization=program.organization, label=f"Match run {run.pk} for {program.name}",
                      run_id=run.pk)
    return run


def adjusted_instance(run: MatchRun) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The run's snapshot with the coordinator's edits applied: pinned pairs taken out, removed
    pairs forbidden. Returns the instance and the pinned pairs."""
    instance = copy.deepcopy(run.input_snapshot)
    adjustments = run.settings_snapshot.get("adjustments", [])
    pinned = [(a["mentee"], a["mentor"]) for a in adjustments if a["kind"] == "pin"]
    for pair in (p for p in pinned if p not in [(a["mentee"], a["mentor"]) for a in adjustments if a["kind"] == "unpin"]):
        mentee, mentor = pair
        key = "mentees" if "mentees" in instance else "people"
        instance[key] = [p for p in instance[key] if p["id"] != mentee]
        for person in instance.get("mentors", []):
            if person["id"] == mentor:
                person["capacity"] = max(0, person["capacity"] - 1)
        if key == "people":
            instance["people"] = [p for p in instance["people"] if p["id"] != mentor]
    for adjustment in adjustments:
        if adjustment["kind"] != "remove":
            continue
        for person in instance.get("mentees", instance.get("people", [])):
            if person["id"] == adjustment["mentee"]:
                person["avoid"] = sorted(set(person.get("avoid", [])) | {adjustment["mentor"]})
    return instance, pinned


def solve_run(run: MatchRun, *, progress: bool = True) -> MatchRun:
    """Run the engine on the (adjusted) snapshot and store the proposals and figures."""
    started = time.perf_counter()
    if progress:
        MatchRun.objects.filter(pk=run.pk).update(status=MatchRunStatus.RUNNING, progress=10)
    instance, _pinned = adjusted_instance(run)
    # The whole snapshot's vectors: pinned mentees are out of the instance but still scored.
    vectors = text_vectors_for_instance(run.input_snapshot) if instance["weights"].get("text", 0) > 0 else {}
    for group in ("mentees", "mentors", "people"):
        for person in instance.get(group, []):
            if person["id"] in vectors:
                person["text_vector"] = vectors[person["id"]]
    if progress:
        MatchRun.objects.filter(pk=run.pk).update(progress=40)
    try:
        result = solve_instance(instance)
    except (InvalidInstance, ValueError) as error:
        MatchRun.objects.filter(pk=run.pk).update(status=MatchRunStatus.FAILED, error=str(error), progress=100,
                                                  finished_at=timezone.now())
        run.refresh_from_db()
        return run
    with transaction.atomic():
        locked = MatchRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == MatchRunStatus.PUBLISHED:
            raise Conflict(_("This run is already published."))
        kept = {(p.mentee_id, p.mentor_id): p for p in locked.matches.filter(is_pinned=True)}
        if instance["form"] == "one_on_one" and kept:
            _score_pinned(run.input_snapshot, vectors, list(kept.values()))
        locked.matches.filter(is_pinned=False).delete()
        rows: list[ProposedMatch] = []
        if instance["form"] == "circles":
            for index, circle in enumerate(result.get("circles", [])):
                for member in circle["members"]:
                    rows.append(ProposedMatch(run=locked, mentee_id=int(member), mentor_id=int(circle["facilitator"]),
                                              group=index, topic=circle.get("topic") or "",
                                              score=_clamp(circle.get("alignment", 0.0)), explanation=[]))
        else:
            first, second = ("a", "b") if instance["form"] == "peer" else ("mentee", "mentor")
            for match in result["matches"]:
                rows.append(ProposedMatch(run=locked, mentee_id=int(match[first]), mentor_id=int(match[second]),
                                          score=_clamp(match["score"]), explanation=match.get("explanation", [])))
        ProposedMatch.objects.bulk_create(rows)
        pairs = [(str(p.mentee_id), str(p.mentor_id), p.score) for p in locked.matches.all()]
        unmatched = [str(u) for u in result.get("unmatched", [])]
        base = run.input_snapshot
        k = locked.program.organization.min_group_size
        locked.quality = run_quality(base, pairs, unmatched, k=k) | {
            "optimality_gap": result.get("optimality_gap"), "solver_stats": result.get("stats", {}),
            "pinned": len(kept),
        }
        if instance["form"] == "circles":
            locked.quality["circles"] = [
                {k: c.get(k) for k in ("facilitator", "topic", "alignment", "diversity", "common_hours",
                                       "meeting_hour", "free_at_meeting")}
                | {"size": len(c["members"])} for c in result.get("circles", [])
            ]
        locked.quality["by_attribute"] = _consented_spreads(locked.program, base, pairs, k=k)
        reasons = unmatched_reasons(base, unmatched, result.get("unmatched_reasons"))
        locked.unmatched = [{"id": person, "reason": reasons.get(person, "constraints")} for person in unmatched]
        locked.solver = str(result.get("solver", ""))
        locked.seconds = round(time.perf_counter() - started, 4)
        locked.status = MatchRunStatus.DONE
        locked.progress = 100
        locked.finished_at = timezone.now()
        locked.error = ""
        locked.save()
    return locked


def _score_pinned(snapshot: dict[str, Any], vectors: dict[str, list[float]], pinned: list[ProposedMatch]) -> None:
    """Score and explain pinned pairs (a swap sets a pair by hand) with the engine, over the whole
    cohort, like any proposed pair; a pair the hard rules forbid keeps score 0 and says so."""
    instance = copy.deepcopy(snapshot)
    for group in ("mentees", "mentors"):
        for person in instance.get(group, []):
            if person["id"] in vectors:
                person["text_vector"] = vectors[person["id"]]
    scored = score_instance_pairs(instance, [(str(p.mentee_id), str(p.mentor_id)) for p in pinned])
    for proposal, match in zip(pinned, scored, strict=True):
        allowed = match["score"] is not None
        proposal.score = _clamp(match["score"]) if allowed else 0.0
        proposal.explanation = match.get("explanation", []) if allowed else [{"factor": "forbidden", "share": 0, "value": 0, "detail": []}]
    ProposedMatch.objects.bulk_update(pinned, ["score", "explanation"])


def _consented_spreads(program: Program, instance: dict[str, Any], pairs: list[tuple[str, str, float]], *,
                       k: int) -> list[dict[str, Any]]:
    """Score spread by consented diversity attributes the organization allows in aggregate reports."""
    from mentora.matching.quality import attribute_spreads
    from mentora.profiles.diversity import ATTRIBUTES_BY_KEY, PREFER_NOT_TO_SAY
    from mentora.profiles.models import DiversityAnswer, DiversityPolicy, DiversityUse

    organization = program.organization
    if not organization.diversity_enabled:
        return []
    allowed = list(DiversityPolicy.objects.filter(
        organization=organization, use__in=[DiversityUse.MATCHING, DiversityUse.AGGREGATE]
    ).values_list("attribute", flat=True))
    people = [p["id"] for p in instance.get("mentees") or instance.get("people") or []]
    answers: dict[str, dict[str, str]] = {}
    for attribute, membership_id, value in DiversityAnswer.objects.filter(
        profile__membership_id__in=[int(p) for p in people], attribute__in=allowed
    ).values_list("attribute", "profile__membership_id", "value"):
        if value != PREFER_NOT_TO_SAY:
            answers.setdefault(attribute, {})[str(membership_id)] = value
    labels = {
        key: {"__label__": str(ATTRIBUTES_BY_KEY[key].label)} | {v: str(label) for v, label in ATTRIBUTES_BY_KEY[key].choices}
        for key in allowed if key in ATTRIBUTES_BY_KEY
    }
    score_of = {a: s for a, _b, s in pairs} | ({b: s for _a, b, s in pairs} if instance.get("form") == "peer" else {})
    return attribute_spreads(score_of, people, answers, labels, k=k)


def _clamp(score: float) -> float:
    return min(1.0, max(0.0, float(score)))


def _adjust(run: MatchRun, adjustment: dict[str, Any], actor: User) -> MatchRun:
    if run.status != MatchRunStatus.DONE:
        raise Conflict(_("Only a finished, unpublished run can be adjusted."))
    run.settings_snapshot = run.settings_snapshot | {
        "adjustments": [*run.settings_snapshot.get("adjustments", []), adjustment | {"by": actor.pk, "at": timezone.now().isoformat()}]
    }
    run.save(update_fields=["settings_snapshot"])
    record_audit_event(organization=run.program.organization, actor=actor, action=f"matching.{adjustment['kind']}",
                       target=run, details={k: v for k, v in adjustment.items() if k != "at"})
    return run


@transaction.atomic
def pin_match(*, run: MatchRun, mentee_id: int, mentor_id: int, pinned_by: User, reason: str = "") -> MatchRun:
    """Keep (or set, for a swap) a pair and re-optimise everyone else around it."""
    program = run.program
    if program.form == "circle":
        raise DomainError(_("Circles are adjusted by re-running with new settings."))
    people = {p["id"] for p in run.input_snapshot.get("mentees", run.input_snapshot.get("people", []))}
    mentors = {m["id"]: m for m in run.input_snapshot.get("mentors", [])}
    if str(mentee_id) not in people or (program.form != "peer" and str(mentor_id) not in mentors):
        raise DomainError(_("Both people must be part of this run."))
    if program.form != "peer":
        instance, _pinned = adjusted_instance(run)
        free = {m["id"]: m["capacity"] for m in instance["mentors"]}
        current = run.matches.filter(mentee_id=mentee_id).first()
        keeps_seat = current is not None and current.mentor_id == mentor_id
        if not keeps_seat and free.get(str(mentor_id), 0) <= 0 and not run.matches.filter(mentor_id=mentor_id, is_pinned=False).exists():
            raise Conflict(_("That mentor has no free place left."))
    run = _adjust(run, {"kind": "pin", "mentee": str(mentee_id), "mentor": str(mentor_id), "reason": reason}, pinned_by)
    existing = run.matches.filter(mentee_id=mentee_id).first()
    score = existing.score if existing and existing.mentor_id == mentor_id else 0.0
    explanation = existing.explanation if existing and existing.mentor_id == mentor_id else []
    run.matches.filter(mentee_id=mentee_id).delete()
    ProposedMatch.objects.create(run=run, mentee_id=mentee_id, mentor_id=mentor_id, score=score,
                                 explanation=explanation, is_pinned=True)
    return solve_run(run, progress=False)


@transaction.atomic
def remove_match(*, run: MatchRun, proposal: ProposedMatch, removed_by: User, reason: str = "") -> MatchRun:
    """Forbid a proposed pair and re-optimise (the mentee may get another mentor)."""
    if proposal.run_id != run.pk:
        raise DomainError(_("That match is not part of this run."))
    run = _adjust(run, {"kind": "remove", "mentee": str(proposal.mentee_id), "mentor": str(proposal.mentor_id), "reason": reason}, removed_by)
    proposal.delete()
    return solve_run(run, progress=False)


@dataclass(frozen=True)
class PublishPreview:
    """What publishing a run would create and who it would notify, shown before confirming (the
    page and the API show the same summary)."""

    mentorships: int
    people_notified: int
    unmatched: int
    token: str
    kind: str = "pair"
    notified_member_ids: tuple[int, ...] = ()
    already_matched_member_ids: tuple[int, ...] = ()


def preview_publish(run: MatchRun) -> PublishPreview:
    """Count the mentorships and the people a publish would notify; the token fingerprints the run
    as it is now — its proposals and every adjustment made to it — so any edit makes it stale."""
    program = run.program
    proposals = list(run.matches.order_by("pk").values_list("mentee_id", "mentor_id", "group"))
    kind = {"one_on_one": "pair", "peer": "peer", "circle": "circle"}[program.form]
    mentorships = len({group or 0 for _mentee, _mentor, group in proposals}) if kind == "circle" else len(proposals)
    people = {mentee for mentee, _mentor, _group in proposals} | {mentor for _mentee, mentor, _group in proposals}
    # Publishing ends nobody's mentorship; a mentee (or peer) who already has an open one in the
    # program makes the whole publish refuse, so the summary names them.
    seated = {mentee for mentee, _mentor, _group in proposals} | (people if kind == "peer" else set())
    already = MentorshipMember.objects.filter(program=program, membership_id__in=seated, is_open=True,
                                              left_at__isnull=True, role__in=["mentee", "peer"])
    adjustments = len(run.settings_snapshot.get("adjustments", []))
    # The status stays out: a retry with the same token after a publish answers what it created.
    state = (run.pk, adjustments, sorted(proposals, key=lambda p: (p[0], p[1], p[2] or 0)))
    return PublishPreview(
        mentorships=mentorships, people_notified=len(people), unmatched=len(run.unmatched),
        token=hashlib.sha256(repr(state).encode()).hexdigest()[:16], kind=kind,
        notified_member_ids=tuple(sorted(people)),
        already_matched_member_ids=tuple(sorted(set(already.values_list("membership_id", flat=True)))),
    )


class StaleConfirmation(Conflict):
    """The publish was not confirmed against the run as it is now (missing, wrong or stale token)."""


@transaction.atomic
def publish_run(*, run: MatchRun, published_by: User, confirmation: str | None = None) -> list[Mentorship]:
    """Create every proposed mentorship or none; publishing twice creates nothing new.

    `confirmation` (the page and the API pass it) must be the token of `preview_publish` for the run
    as it is now; it is checked under the run's lock, so an edit between the summary and the
    publish refuses it (`StaleConfirmation`) and nothing changes.
    """
    locked = MatchRun.objects.select_for_update().select_related("program__organization").get(pk=run.pk)
    if confirmation is not None and confirmation != preview_publish(locked).token:
        raise StaleConfirmation(_("Nothing was published: the confirmation is missing, wrong, or the run changed since "
                                  "its summary was made. Read the summary again and confirm it."), field="confirmation")
    if locked.status == MatchRunStatus.PUBLISHED:
        return list(Mentorship.objects.filter(pk__in=locked.quality.get("published_mentorships", [])))
    if locked.status != MatchRunStatus.DONE:
        raise Conflict(_("Only a finished run can be published."))
    program = locked.program
    proposals = list(locked.matches.select_related("mentee__user", "mentor__user"))
    if not proposals:
        raise Conflict(_("This run proposes no matches."))
    created: list[Mentorship] = []
    load_cap = mentor_load_cap(program)  # read once for every seat the run claims
    if program.form == "circle":
        groups: dict[int, list[ProposedMatch]] = {}
        for proposal in proposals:
            groups.setdefault(proposal.group or 0, []).append(proposal)
        for members in groups.values():
            facilitator = members[0].mentor
            seats: list[tuple[Membership, str]] = [(facilitator, "facilitator")] + [(p.mentee, "mentee") for p in members]
            created.append(create_mentorship(program=program, members=seats, created_by=published_by,
                                             source=Mentorship.Source.MATCH_RUN, topic=members[0].topic, load_cap=load_cap))
    else:
        roles = ("peer", "peer") if program.form == "peer" else ("mentee", "mentor")
        for proposal in proposals:
            created.append(create_mentorship(
                program=program, members=[(proposal.mentee, roles[0]), (proposal.mentor, roles[1])],
                created_by=published_by, source=Mentorship.Source.MATCH_RUN, load_cap=load_cap,
            ))
    locked.status = MatchRunStatus.PUBLISHED
    locked.published_by = published_by
    locked.published_at = timezone.now()
    locked.quality = locked.quality | {"published_mentorships": [m.pk for m in created]}
    locked.save(update_fields=["status", "published_by", "published_at", "quality"])
    record_audit_event(organization=program.organization, actor=published_by, action="matching.publish", target=locked,
                       details={"mentorships": len(created)})
    for mentorship in created:
        for member in mentorship.members.select_related("membership__user"):
            # Each person is told who they meet: the others, never themselves.
            notify(
                recipients=[member.membership.user], organization=program.organization, kind="matching.published",
                title=_("You have a new match in %(program)s") % {"program": program.name},
                body=_("Meet %(names)s. Open the mentorship to agree how you will work together.")
                % {"names": mentorship.member_names(excluding=member.membership)},
                url=reverse("mentorships:home", args=[program.organization.slug, mentorship.pk]),
                dedupe_key=f"published:{mentorship.pk}",
            )
    return created
