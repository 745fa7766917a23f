"""Access-matrix entries for profiles."""

from tests.access_cases import (
    ADMINS,
    ANY_MEMBER,
    MISSING,
    REDIRECT,
    ROLES,
    Case,
    org,
)

CASES: list[Case] = [
    Case("profiles:edit", org, ANY_MEMBER),
    Case("profiles:detail", lambda w: ["acme", w.mentor.pk], ANY_MEMBER),
    Case("profiles:skills", org, ADMINS),
    Case("profiles:photo_edit", org, ANY_MEMBER),
    # A colleague without a photo: everyone gets the same 404 (members too: there is nothing to show).
    Case("profiles:photo", lambda w: ["acme", w.mentor.pk], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], MISSING)}),
]
