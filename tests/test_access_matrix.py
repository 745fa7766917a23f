"""Every URL × every role: who may see what. Forbidden and missing answer the same (404).

The meta-test at the bottom fails when a URL is added without an entry here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import World, client_for

ROLES = ("anonymous", "member", "mentor", "mentee", "coordinator", "admin", "outsider")
OK, REDIRECT, MISSING, UNAUTHORIZED, UNPROCESSABLE = 200, 302, 404, 401, 422

# Shorthands for the common shapes of expectation.
ANY_MEMBER = {"anonymous": REDIRECT, "member": OK, "mentor": OK, "mentee": OK, "coordinator": OK, "admin": OK, "outsider": MISSING}
COORDINATORS = {"anonymous": REDIRECT, "member": MISSING, "mentor": MISSING, "mentee": MISSING, "coordinator": OK, "admin": OK, "outsider": MISSING}
ADMINS = {"anonymous": REDIRECT, "member": MISSING, "mentor": MISSING, "mentee": MISSING, "coordinator": MISSING, "admin": OK, "outsider": MISSING}
API_ANY_MEMBER = {**ANY_MEMBER, "anonymous": UNAUTHORIZED}
API_COORDINATORS = {**COORDINATORS, "anonymous": UNAUTHORIZED}


@dataclass
class Case:
    name: str
    args: Callable[[World], list[Any]]
    expect: dict[str, int]
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    json_body: bool = False


def org(w: World) -> list[Any]:
    return ["acme"]


CASES: list[Case] = [
    Case("core:home", lambda w: [], {"anonymous": REDIRECT, "member": REDIRECT, "mentor": REDIRECT, "mentee": REDIRECT,
                                     "coordinator": REDIRECT, "admin": REDIRECT, "outsider": REDIRECT}),
    Case("core:healthz", lambda w: [], dict.fromkeys(ROLES, OK)),
    Case("core:organization_create", lambda w: [], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], MISSING)}),
    Case("core:dashboard", org, ANY_MEMBER),
    Case("core:audit_log", org, ADMINS),
    Case("core:organization_settings", org, ADMINS),
    Case("accounts:invitation_accept", lambda w: ["no-such-token"], dict.fromkeys(ROLES, MISSING)),
    Case("accounts:api_tokens", lambda w: [], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], OK)}),
    Case("accounts:api_token_revoke", lambda w: [999999], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], MISSING)}, "post"),
    Case("accounts:people", org, COORDINATORS),
    Case("accounts:invite", org, COORDINATORS),
    Case("accounts:change_role", lambda w: ["acme", w.member.pk], {**ADMINS, "admin": REDIRECT}, "post", lambda w: {"role": "member"}),
    Case("accounts:invitation_revoke", lambda w: ["acme", 999999], COORDINATORS | {"coordinator": MISSING, "admin": MISSING}, "post"),
    Case("accounts:import_upload", org, COORDINATORS),
    Case("accounts:import_preview", lambda w: ["acme", 999999], COORDINATORS | {"coordinator": MISSING, "admin": MISSING}),
    Case("profiles:edit", org, ANY_MEMBER),
    Case("profiles:detail", lambda w: ["acme", w.mentor.pk], ANY_MEMBER),
    Case("profiles:skills", org, ADMINS),
    Case("programs:list", org, ANY_MEMBER),
    Case("programs:create", org, COORDINATORS),
    Case("programs:detail", lambda w: ["acme", w.program.pk], ANY_MEMBER),
    Case("programs:edit", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("programs:questions", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("programs:question_delete", lambda w: ["acme", w.program.pk, 999999], COORDINATORS | {"coordinator": MISSING, "admin": MISSING}, "post"),
    Case("programs:enroll", lambda w: ["acme", w.program.pk], ANY_MEMBER),
    Case("programs:enrollments", lambda w: ["acme", w.program.pk], COORDINATORS),
    Case("programs:enrollment_decide", lambda w: ["acme", w.mentee_enrollment.pk], {**COORDINATORS, "coordinator": REDIRECT, "admin": REDIRECT},
         "post", lambda w: {"decision": "waitlist"}),
    Case("programs:enrollment_withdraw", lambda w: ["acme", w.mentee_enrollment.pk],
         {**dict.fromkeys(ROLES, MISSING), "anonymous": REDIRECT, "mentee": REDIRECT}, "post"),
    Case("programs:enrollment_capacity", lambda w: ["acme", w.mentor_enrollment.pk],
         {**dict.fromkeys(ROLES, MISSING), "anonymous": REDIRECT, "mentor": REDIRECT}, "post", lambda w: {"capacity": 3}),
    # The API: same rules; anonymous gets 401 instead of a sign-in redirect.
    Case("api-1.0.0:me", lambda w: [], {"anonymous": UNAUTHORIZED, **dict.fromkeys(ROLES[1:], OK)}),
    Case("api-1.0.0:my_profile", org, API_ANY_MEMBER),
    Case("api-1.0.0:update_my_profile", org, API_ANY_MEMBER, "patch", lambda w: {"headline": "Hello"}, True),
    Case("api-1.0.0:member_profile", lambda w: ["acme", w.mentor.pk], API_ANY_MEMBER),
    Case("api-1.0.0:list_programs", org, API_ANY_MEMBER),
    Case("api-1.0.0:create_program", org, {**API_COORDINATORS, "coordinator": 201, "admin": 201}, "post",
         lambda w: {"name": "New", "starts_on": "2027-01-01", "ends_on": "2027-03-01"}, True),
    Case("api-1.0.0:get_program", lambda w: ["acme", w.program.pk], API_ANY_MEMBER),
    Case("api-1.0.0:list_enrollments", lambda w: ["acme", w.program.pk], API_COORDINATORS),
    Case("api-1.0.0:enroll", lambda w: ["acme", w.program.pk],
         {**API_ANY_MEMBER, "member": 201, "mentor": 409, "mentee": 201, "coordinator": 201, "admin": 201}, "post",
         lambda w: {"role": "mentor", "capacity": 1}, True),
    Case("api-1.0.0:my_enrollments", org, API_ANY_MEMBER),
    Case("api-1.0.0:decide", lambda w: ["acme", w.mentee_enrollment.pk], API_COORDINATORS, "post",
         lambda w: {"decision": "approve"}, True),
    Case("api-1.0.0:withdraw", lambda w: ["acme", w.mentee_enrollment.pk],
         {**dict.fromkeys(ROLES, MISSING), "anonymous": UNAUTHORIZED, "mentee": OK}, "post"),
]

# Objects of another organization: every role of ours gets the same 404 as for a missing id.
CROSS_TENANT = [
    Case("programs:detail", lambda w: ["acme", w.other_program.pk], {}),
    Case("programs:edit", lambda w: ["acme", w.other_program.pk], {}),
    Case("programs:enrollments", lambda w: ["acme", w.other_program.pk], {}),
    Case("programs:enroll", lambda w: ["acme", w.other_program.pk], {}),
    Case("profiles:detail", lambda w: ["acme", w.outsider.pk], {}),
    Case("programs:enrollment_decide", lambda w: ["acme", w.outsider_enrollment.pk], {}, "post", lambda w: {"decision": "approve"}),
    Case("programs:enrollment_withdraw", lambda w: ["acme", w.outsider_enrollment.pk], {}, "post"),
    Case("api-1.0.0:get_program", lambda w: ["acme", w.other_program.pk], {}),
    Case("api-1.0.0:member_profile", lambda w: ["acme", w.outsider.pk], {}),
    Case("api-1.0.0:decide", lambda w: ["acme", w.outsider_enrollment.pk], {}, "post", lambda w: {"decision": "approve"}, True),
]


def _client(world: World, role: str) -> Any:
    return client_for(None if role == "anonymous" else getattr(world, role))


def _call(client: Any, case: Case, world: World) -> Any:
    url = reverse(case.name, args=case.args(world))
    data = case.data(world)
    if case.json_body:
        return getattr(client, case.method)(url, data=json.dumps(data), content_type="application/json")
    return getattr(client, case.method)(url, data=data)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}:{c.name}")
def test_access_matrix(world: World, case: Case, role: str) -> None:
    """Each role gets exactly the expected status for each URL."""
    response = _call(_client(world, role), case, world)
    assert response.status_code == case.expect[role], (case.name, role, response.status_code)


@pytest.mark.parametrize("role", ["coordinator", "admin", "member"])
@pytest.mark.parametrize("case", CROSS_TENANT, ids=lambda c: f"{c.method}:{c.name}")
def test_another_organizations_objects_answer_like_missing_ones(world: World, case: Case, role: str) -> None:
    """Ids from another tenant are indistinguishable from ids that do not exist."""
    response = _call(_client(world, role), case, world)
    assert response.status_code == MISSING
    assert b"Globex" not in response.content


def _url_names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in (None, "admin") and pattern.app_name in (None, "admin") and namespace == "admin":
                continue
            if namespace == "admin":
                continue
            inner = f"{prefix}{namespace}:" if namespace else prefix
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


OUR_NAMESPACES = ("core:", "accounts:", "profiles:", "programs:", "api-1.0.0:")
EXEMPT = {"api-1.0.0:api-root", "api-1.0.0:openapi-json", "api-1.0.0:openapi-view"}


def test_every_url_has_an_access_entry() -> None:
    """Adding a URL without an access-matrix entry fails here."""
    names = {n for n in _url_names(get_resolver()) if n.startswith(OUR_NAMESPACES)} - EXEMPT
    covered = {case.name for case in CASES}
    assert names - covered == set(), f"URLs without access-matrix entries: {sorted(names - covered)}"


def test_the_openapi_schema_is_public_and_lists_every_endpoint(client: Any) -> None:
    """The schema documents the API without exposing any data."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/orgs/{org}/programs" in paths
    assert "/api/orgs/{org}/profile" in paths
