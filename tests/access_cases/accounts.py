"""Access-matrix entries for accounts."""

from tests.access_cases import (
    ADMINS,
    COORDINATORS,
    MISSING,
    OK,
    REDIRECT,
    ROLES,
    UNPROCESSABLE,
    Case,
    org,
)


def _erasure_request(w):  # type: ignore[no-untyped-def]
    from mentora.privacy.models import ErasureRequest

    pending = ErasureRequest.objects.get_or_create(user=w.member.user, status="pending")[0]
    return ["acme", pending.pk]


def _applied_import(w):  # type: ignore[no-untyped-def]
    from mentora.accounts.models import PeopleImport

    done = PeopleImport.objects.create(organization=w.org, content="name,email\n", status=PeopleImport.Status.APPLIED)
    return ["acme", done.pk]


CASES: list[Case] = [
    Case("accounts:invitation_accept", lambda w: ["no-such-token"], dict.fromkeys(ROLES, MISSING)),
    Case("accounts:api_tokens", lambda w: [], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], OK)}),
    # Your data (mentora.privacy): every signed-in person has their own.
    Case("privacy:my_data", lambda w: [], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], OK)}),
    Case("privacy:my_data_download", lambda w: [], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], OK)}, "post"),
    # Erasure: anyone signed in asks (nothing typed: 422); an admin of their organization decides.
    Case("privacy:erasure_request", lambda w: [], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], UNPROCESSABLE)}, "post"),
    Case("privacy:erasure_cancel", lambda w: [], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], REDIRECT)}, "post"),
    Case("privacy:erasure_requests", org, ADMINS),
    Case("privacy:member_data_download", lambda w: ["acme", w.member.pk], ADMINS, "post"),
    Case("privacy:member_data_download", lambda w: ["acme", 999999], {**ADMINS, "admin": MISSING}, "post"),
    Case("privacy:erasure_confirm", _erasure_request, {**ADMINS, "admin": REDIRECT}, "post"),  # not ticked: nothing done
    Case("privacy:erasure_decline", _erasure_request, {**ADMINS, "admin": REDIRECT}, "post"),
    Case("privacy:erasure_confirm", lambda w: ["acme", 999999], {**ADMINS, "admin": MISSING}, "post"),
    Case("accounts:api_token_revoke", lambda w: [999999], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], MISSING)}, "post"),
    Case("accounts:people", org, COORDINATORS),
    Case("accounts:invite", org, COORDINATORS),
    Case("accounts:change_role", lambda w: ["acme", w.member.pk], {**ADMINS, "admin": REDIRECT}, "post", lambda w: {"role": "member"}),
    Case("accounts:invitation_revoke", lambda w: ["acme", 999999], COORDINATORS | {"coordinator": MISSING, "admin": MISSING}, "post"),
    Case("accounts:import_upload", org, COORDINATORS),
    Case("accounts:import_preview", lambda w: ["acme", 999999], COORDINATORS | {"coordinator": MISSING, "admin": MISSING}),
    Case("accounts:import_invite", _applied_import, COORDINATORS),
    Case("accounts:import_invite", _applied_import, {**COORDINATORS, "coordinator": REDIRECT, "admin": REDIRECT}, "post"),
]
