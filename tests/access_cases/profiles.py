"""Access-matrix entries for profiles."""

from tests.access_cases import (
    ADMINS,
    ANY_MEMBER,
    Case,
    org,
)

CASES: list[Case] = [
    Case("profiles:edit", org, ANY_MEMBER),
    Case("profiles:detail", lambda w: ["acme", w.mentor.pk], ANY_MEMBER),
    Case("profiles:skills", org, ADMINS),
]
