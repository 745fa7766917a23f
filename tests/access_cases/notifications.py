"""Access-matrix entries for notifications: every member has their own inbox."""

from tests.access_cases import ANY_MEMBER, REDIRECT, Case, org

CASES: list[Case] = [
    Case("notifications:list", org, ANY_MEMBER),
    Case("notifications:mark_read", org, {**ANY_MEMBER, **{r: REDIRECT for r in ("member", "mentor", "mentee", "coordinator", "admin")}}, "post"),
    Case("notifications:email_choices", org, {**ANY_MEMBER, **{r: REDIRECT for r in ("member", "mentor", "mentee", "coordinator", "admin")}},
         "post", lambda w: {"coordinator_messages_by_email": "on"}),
]
