"""Access-matrix entries for core."""

from tests.access_cases import (
    ADMINS,
    ANY_MEMBER,
    MISSING,
    OK,
    REDIRECT,
    ROLES,
    Case,
    org,
)

CASES: list[Case] = [
    Case("core:home", lambda w: [], {"anonymous": REDIRECT, "member": REDIRECT, "mentor": REDIRECT, "mentee": REDIRECT,
                                     "coordinator": REDIRECT, "admin": REDIRECT, "outsider": REDIRECT}),
    Case("core:healthz", lambda w: [], dict.fromkeys(ROLES, OK)),
    Case("core:readyz", lambda w: [], dict.fromkeys(ROLES, OK)),
    Case("core:organization_create", lambda w: [], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], MISSING)}),
    Case("core:dashboard", org, ANY_MEMBER),
    Case("core:audit_log", org, ADMINS),
    Case("core:organization_settings", org, ADMINS),
    Case("core:failed_deliveries", org, ADMINS),
    # An empty form keeps the default look (admins are sent back to settings); everyone else gets the same 404.
    Case("core:organization_branding", org, {**ADMINS, "admin": REDIRECT}, "post"),
    # No logo uploaded: the same 404 for everyone.
    Case("core:organization_logo", org, {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], MISSING)}),
    # No such failed entry: admins get the same 404 as everyone else (and nothing changes).
    Case("core:failed_delivery_retry", lambda w: ["acme", 999999], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], MISSING)},
         "post"),
    Case("core:platform_failed_deliveries", lambda w: [], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], MISSING)}),
    Case("core:platform_failed_delivery_retry", lambda w: [999999], {"anonymous": REDIRECT, **dict.fromkeys(ROLES[1:], MISSING)},
         "post"),
]
