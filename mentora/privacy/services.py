"""What a person does with their data, recorded: the export and erasure (asked, decided, carried out)."""

from __future__ import annotations

import tempfile
from collections import Counter
from functools import partial
from typing import IO, Any

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q
from django.db.models.deletion import Collector
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentora.accounts.models import Membership, Role, User
from mentora.core.errors import Conflict, DomainError
from mentora.core.models import record_audit_event

from .erasure import (
    CHILDREN,
    FORMER_MEMBER,
    POLICY,
    SCRUBBED,
    Blank,
    Delete,
    Keep,
    blank_value,
    identifiers,
    library_fields,
    scrub_value,
    scrubber,
)
from .export import write_archive
from .models import ErasureRequest, ErasureStatus

Files = list[tuple[Any, str]]


#: An archive up to this size stays in memory while it is written; a larger one spills to disk.
SPOOL_BYTES = 1024 * 1024


def export_for(user: User, *, actor: User | None = None) -> tuple[str, IO[bytes], int]:
    """The person's archive (a temporary file, at its start), its file name and size; the download
    is audited (and in the security log), with who asked for it when it was not the person."""
    target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 — the response closes it
    write_archive(user, target)
    size = target.tell()
    target.seek(0)
    record_audit_event(organization=None, actor=actor or user, action="privacy.export", target=user,
                       details={"bytes": size} | ({"for_user": user.pk} if actor else {}))
    return f"mentora-my-data-{timezone.localdate().isoformat()}.zip", target, size


def export_for_member(*, member: Membership, admin: User) -> FileResponse:
    """An admin downloads a member's archive (a person's Art. 15 request made through HR, say).

    The archive covers the whole account, so it is given only when every organization the person
    belongs to is one the admin administers: an admin of one organization never receives what the
    person did in another (`Conflict`, with what to do instead). Audited in each organization.
    """
    organizations = set(Membership.objects.filter(user_id=member.user_id).values_list("organization_id", flat=True))
    administered = set(Membership.objects.filter(user=admin, role=Role.ADMIN, is_active=True)
                       .values_list("organization_id", flat=True))
    if not organizations <= administered:
        raise Conflict(_("%(name)s also belongs to another organization, so their archive would hold what they did "
                         "there. They can download it themselves from Your data.") % {"name": member.user.display_name})
    name, archive, size = export_for(member.user, actor=admin)
    for organization_id in sorted(organizations):
        record_audit_event(organization=_organization(organization_id), actor=admin, action="privacy.export_for_member",
                           target=member, details={"user_id": member.user_id, "bytes": size})
    response = FileResponse(archive, as_attachment=True, filename=name.replace("my-data", f"data-{member.pk}"),
                            content_type="application/zip")
    response["Content-Length"] = str(size)
    return response


def export_response(user: User) -> FileResponse:
    """The download of the person's archive, streamed from its temporary file (the page and the API)."""
    name, archive, size = export_for(user)
    response = FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
    response["Content-Length"] = str(size)
    return response


def is_erased(user: User) -> bool:
    return user.email == erased_email(user)


def erased_email(user: User) -> str:
    return f"erased-{user.pk}@invalid"


def can_decide(*, admin: User, request: ErasureRequest) -> bool:
    """An admin of any organization the person belongs to decides (the erasure covers the whole account)."""
    if admin.pk == request.user_id:
        return False
    organizations = Membership.objects.filter(user=admin, role=Role.ADMIN, is_active=True).values("organization_id")
    return Membership.objects.filter(user_id=request.user_id, organization_id__in=organizations).exists()


@transaction.atomic
def request_erasure(*, user: User) -> ErasureRequest:
    """Ask to be erased; one open request per person (the database enforces it)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if ErasureRequest.objects.pending().filter(user=locked).exists():
        raise Conflict(_("You have already asked to be erased; an admin will confirm it soon."))
    erasure_request = ErasureRequest.objects.create(user=locked)
    for organization_id in Membership.objects.filter(user=locked).values_list("organization_id", flat=True) or [0]:
        organization = _organization(organization_id) if organization_id else None
        record_audit_event(organization=organization, actor=locked, action="privacy.erasure_request",
                           target=erasure_request, details={"user_id": locked.pk})
        if organization is not None:
            _tell_admins(organization, locked)
    return erasure_request


def _tell_admins(organization: Any, user: User) -> None:
    from django.urls import reverse

    from mentora.notifications.services import notify

    admins = [m.user for m in Membership.objects.filter(organization=organization, role=Role.ADMIN, is_active=True)
              .exclude(user=user).select_related("user")]
    notify(recipients=admins, organization=organization, kind="privacy.erasure_request",
           title=_("%(name)s asked to be erased") % {"name": user.display_name},
           body=_("Confirm or decline on Requests to be erased."),
           url=reverse("privacy:erasure_requests", args=[organization.slug]))


@transaction.atomic
def cancel_erasure_request(*, user: User) -> ErasureRequest:
    erasure_request = ErasureRequest.objects.select_for_update().pending().filter(user=user).first()
    if erasure_request is None:
        raise Conflict(_("There is no request to cancel."))
    erasure_request.status, erasure_request.decided_at = ErasureStatus.CANCELLED, timezone.now()
    erasure_request.save(update_fields=["status", "decided_at"])
    record_audit_event(organization=None, actor=user, action="privacy.erasure_cancel", target=erasure_request,
                       details={"user_id": user.pk})
    return erasure_request


@transaction.atomic
def decline_erasure_request(*, erasure_request: ErasureRequest, admin: User, reason: str = "") -> ErasureRequest:
    """Decline a request (for instance while a legal hold applies); the person sees the reason."""
    locked = ErasureRequest.objects.select_for_update().get(pk=erasure_request.pk)
    if locked.status != ErasureStatus.PENDING:
        raise Conflict(_("This request was already decided."))
    locked.status, locked.decided_by, locked.decided_at = ErasureStatus.DECLINED, admin, timezone.now()
    locked.decline_reason = reason.strip()[:1000]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    for organization_id in Membership.objects.filter(user_id=locked.user_id).values_list("organization_id", flat=True):
        record_audit_event(organization=_organization(organization_id), actor=admin, action="privacy.erasure_decline",
                           target=locked, details={"user_id": locked.user_id})
    return locked


def confirm_erasure_request(*, erasure_request: ErasureRequest, admin: User) -> dict[str, int]:
    """An admin confirms: the person is erased now."""
    if erasure_request.status != ErasureStatus.PENDING:
        raise Conflict(_("This request was already decided."))
    return erase_person(user=erasure_request.user, actor=admin)


@transaction.atomic
def erase_person(*, user: User, actor: User | None) -> dict[str, int]:
    """Erase a person: delete what is theirs, blank their words in what is shared, pseudonymise the
    account (see `mentora.privacy.erasure`). Returns how many rows went or changed, by model and
    action ("messaging.Message blanked": 3). Their files are deleted from storage after commit."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_erased(user):
        raise Conflict(_("This person was already erased."))
    if actor is not None and actor.pk == user.pk:
        raise DomainError(_("An admin of your organization confirms your erasure, not you."))
    for membership in Membership.objects.filter(user=user, role=Role.ADMIN, is_active=True).select_related("organization"):
        others = Membership.objects.filter(organization=membership.organization, role=Role.ADMIN, is_active=True)
        if not others.exclude(user=user).exists():
            raise Conflict(_("%(name)s is the only admin of %(org)s: make someone else an admin first.")
                           % {"name": user.display_name, "org": membership.organization.name})
    now = timezone.now()
    membership_ids = list(Membership.objects.filter(user=user).values_list("pk", flat=True))
    organization_ids = sorted(set(Membership.objects.filter(user=user).values_list("organization_id", flat=True)))
    email, needles, scrub = user.email, identifiers(user), scrubber(user)
    counts: Counter[str] = Counter()
    files: Files = []

    counts["mentorships ended"] = _leave_mentorships(membership_ids, actor=actor, now=now)
    _delete_profile_text_copies(membership_ids, files, counts)
    for label, (parent_field, _parent) in CHILDREN.items():
        _delete(apps.get_model(label)._default_manager.filter(**{f"{parent_field}__membership__in": membership_ids}),
                files, counts)
    apps.get_model("profiles.Profile")._default_manager.filter(manager__membership__in=membership_ids).update(manager=None)

    for (label, field_name), decision in POLICY.items():
        model = apps.get_model(label)
        model_field = model._meta.get_field(field_name)
        target: dict[str, Any] = ({field_name: user} if model_field.related_model is User
                                  else {f"{field_name}__in": membership_ids})
        if model_field.many_to_many:
            if isinstance(decision, Delete):
                through = model_field.remote_field.through  # type: ignore[union-attr]
                column = next(f.name for f in through._meta.fields if f.related_model is model_field.related_model)
                counts[f"{label}.{field_name} removed"] += through._default_manager.filter(
                    **{f"{column}__in": membership_ids}).delete()[0]
            continue
        rows = model._default_manager.filter(**target)
        if isinstance(decision, Delete):
            _delete(rows, files, counts)
        elif isinstance(decision, Blank):
            counts[f"{label} blanked"] += _blank(model, rows, decision, files, now=now)
        elif isinstance(decision, Keep):
            counts[f"{label} kept as {FORMER_MEMBER}"] += rows.count()

    for label, field_name in library_fields():  # allauth's addresses (and authenticators), the admin's log
        _delete(apps.get_model(label)._default_manager.filter(**{field_name: user}), files, counts)
    counts["sessions.Session deleted"] = _delete_sessions(user)
    _delete(apps.get_model("accounts.Invitation")._default_manager.filter(email__iexact=email), files, counts,
            why=" (to their address)")
    for label, json_field in (("core.OutboxEntry", "kwargs"), ("django_tasks_database.DBTaskResult", "args_kwargs")):
        if _has_model(label):  # emails and tasks addressed to them
            _delete(apps.get_model(label)._default_manager.filter(**{f"{json_field}__icontains": email}), files, counts,
                    why=" (to their address)")
    counts["matching.MatchRun snapshots redacted"] = _redact_snapshots(membership_ids)
    for label, field_names in SCRUBBED:
        if _has_model(label):
            counts[f"{label} scrubbed"] += _scrub(apps.get_model(label), field_names, needles, scrub)

    user.email, user.full_name, user.first_name, user.last_name = erased_email(user), FORMER_MEMBER, "", ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    Membership.objects.filter(user=user).update(is_active=False)
    ErasureRequest.objects.pending().filter(user=user).update(status=ErasureStatus.DONE, decided_by=actor, decided_at=now)

    summary = {key: n for key, n in sorted(counts.items()) if n}
    for organization_id in organization_ids or [0]:  # an account in no organization: one event of no organization
        record_audit_event(organization=_organization(organization_id) if organization_id else None, actor=actor,
                           action="privacy.erasure", target=user,
                           details={"user_id": user.pk, "rows": sum(summary.values()), "files": len(files)})
    for storage, name in files:  # after commit: a rolled-back erasure keeps its files
        transaction.on_commit(partial(storage.delete, name))
    return summary | {"files deleted": len(files)}


def _organization(organization_id: int) -> Any:
    from mentora.core.models import Organization

    return Organization.objects.get(pk=organization_id)


def _has_model(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _collect_files(instances: Any, model: type[models.Model], files: Files, only: tuple[str, ...] | None = None) -> None:
    fields = [f for f in _file_fields(model) if only is None or f.name in only]
    if not fields:
        return
    for instance in instances:
        for file_field in fields:
            stored = getattr(instance, file_field.attname)
            if stored:
                files.append((stored.storage, stored.name))


def _delete(rows: models.QuerySet[Any], files: Files, counts: Counter[str], *, why: str = "") -> None:
    """Delete the rows and what cascades from them, counting each model's rows and noting every
    file they held."""
    collector = Collector(using=rows.db)
    collector.collect(rows)  # type: ignore[arg-type]  # a QuerySet is what Django's own delete() passes
    for model, instances in collector.data.items():
        _collect_files(instances, model, files)
    for fast in collector.fast_deletes:
        _collect_files(fast, fast.model, files)
    for label, n in collector.delete()[1].items():
        counts[f"{label}{why} deleted"] += n


def _blank(model: type[models.Model], rows: models.QuerySet[Any], decision: Blank, files: Files, *,
           now: Any) -> int:
    _collect_files(rows, model, files, only=decision.fields)
    fields = [model._meta.get_field(name) for name in decision.fields]
    blanks = {f.attname: blank_value(f) for f in fields if isinstance(f, models.Field)}
    written = rows.exclude(**blanks)  # rows with something in at least one of the fields
    emptied = 0
    if model._meta.label == "messaging.Message":
        # A message that was only a file has nothing left: it reads as deleted, as the author could have done.
        emptied = written.filter(body="", deleted_at__isnull=True).update(deleted_at=now, **blanks)
    return emptied + written.update(**blanks)


def _delete_profile_text_copies(membership_ids: list[int], files: Files, counts: Counter[str]) -> None:
    """The matching engine embeds a profile's free text: the queued task holds the text, the
    stored embedding its hash and vector. Both go with the profile's words."""
    from mentora.matching.embeddings import digest
    from mentora.matching.models import TextEmbedding
    from mentora.matching.snapshot import engine_profile
    from mentora.profiles.models import Profile

    texts = [engine_profile(profile)["text"] for profile in Profile.objects.filter(membership__in=membership_ids)]
    texts = [text for text in texts if text]
    if not texts:
        return
    _delete(TextEmbedding.objects.filter(digest__in=[digest(text) for text in texts]), files, counts)
    for label, json_field in (("core.OutboxEntry", "kwargs"), ("django_tasks_database.DBTaskResult", "args_kwargs")):
        if _has_model(label):
            query = Q()
            for text in texts:
                query |= Q(**{f"{json_field}__icontains": text})
            _delete(apps.get_model(label)._default_manager.filter(query), files, counts, why=" (their profile text)")


def _delete_sessions(user: User) -> int:
    doomed = []
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            doomed.append(session.pk)
    return Session.objects.filter(pk__in=doomed).delete()[0]


def _redact_snapshots(membership_ids: list[int]) -> int:
    """Match runs keep their cohort snapshot (their figures are reproducible from it) without this
    person's words: their entry's free text, tags and generation answer are emptied."""
    from mentora.matching.models import MatchRun

    ids = {str(pk) for pk in membership_ids}
    changed = 0
    for run in MatchRun.objects.filter(program__organization__memberships__in=membership_ids).distinct():
        snapshot, touched = run.input_snapshot, False
        for key in ("mentees", "mentors", "people"):
            for entry in snapshot.get(key, []) if isinstance(snapshot, dict) else []:
                if str(entry.get("id")) in ids and isinstance(entry.get("profile"), dict):
                    entry["profile"] |= {"text": "", "tags": [], "generation": None, "department": None, "site": None}
                    touched = True
        if touched:
            MatchRun.objects.filter(pk=run.pk).update(input_snapshot=snapshot)
            changed += 1
    return changed


def _scrub(model: type[models.Model], field_names: tuple[str, ...], needles: list[str], scrub: Any) -> int:
    """Rewrite the rows whose fields mention the person, replacing their email and name."""
    query = Q()
    for name in field_names:
        for needle in needles:
            query |= Q(**{f"{name}__icontains": needle})
    changed = 0
    for row in model._default_manager.filter(query).iterator():
        values = {name: scrub_value(getattr(row, name), scrub) for name in field_names}
        if any(values[name] != getattr(row, name) for name in field_names):
            model._default_manager.filter(pk=row.pk).update(**values)
            changed += 1
    return changed


def _leave_mentorships(membership_ids: list[int], *, actor: User | None, now: Any) -> int:
    """They leave every mentorship; one left with fewer than two people ends early."""
    from mentora.mentorships.models import CLOSED_STATUSES, Mentorship, MentorshipMember, MentorshipStatus
    from mentora.mentorships.services import transition_mentorship

    mentorship_ids = set(MentorshipMember.objects.filter(membership__in=membership_ids, left_at__isnull=True)
                         .values_list("mentorship_id", flat=True))
    MentorshipMember.objects.filter(membership__in=membership_ids, left_at__isnull=True).update(left_at=now, is_open=False)
    ended = 0
    for mentorship in Mentorship.objects.filter(pk__in=mentorship_ids).exclude(status__in=CLOSED_STATUSES):
        if mentorship.members.filter(left_at__isnull=True).count() < 2:
            transition_mentorship(mentorship=mentorship, to_status=MentorshipStatus.ENDED_EARLY, actor=actor,
                                  reason=_("A member left Mentora."))
            ended += 1
    return ended
