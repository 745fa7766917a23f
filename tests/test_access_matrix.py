"""Every URL × every role: who may see what. Forbidden and missing answer the same (404).

Entries live in tests/access_cases/<app>.py; the meta-test at the bottom fails when a URL is
added without an entry.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access_cases as access_cases
from tests.access_cases import MISSING, ROLES, Case
from tests.conftest import World, client_for


def _collect(name: str) -> list[Case]:
    found: list[Case] = []
    for module_info in sorted(pkgutil.iter_modules(access_cases.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"tests.access_cases.{module_info.name}")
        found.extend(getattr(module, name, []))
    return found


CASES = _collect("CASES")
CROSS_TENANT = _collect("CROSS_TENANT")


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
            if namespace == "admin":
                continue
            inner = f"{prefix}{namespace}:" if namespace else prefix
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


# Everything that is not ours: django-allauth's pages (no namespace) and the Django admin.
EXEMPT = {"api-1.0.0:api-root", "api-1.0.0:openapi-json", "api-1.0.0:openapi-view"}


def test_every_url_has_an_access_entry() -> None:
    """Adding a URL in any of our apps (the API, the two-step sign-in pages) without an access-matrix entry fails here."""
    # allauth's pages have no namespace; its two-step sign-in pages (mfa_*) are ours to style and enforce.
    names = {n for n in _url_names(get_resolver()) if ":" in n or n.startswith("mfa_")} - EXEMPT
    covered = {case.name for case in CASES}
    assert names - covered == set(), f"URLs without access-matrix entries: {sorted(names - covered)}"


def test_the_openapi_schema_is_public_and_lists_every_endpoint(client: Any) -> None:
    """The schema documents the API without exposing any data."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/orgs/{org}/programs" in paths
    assert "/api/orgs/{org}/profile" in paths
