"""Access-matrix entries, one module per app. Each module defines CASES (and may define
CROSS_TENANT); tests/test_access_matrix.py collects them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import World

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


