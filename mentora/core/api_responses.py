"""What an API operation answers when it refuses, so each operation documents it (`response={...}`).

Every refusal is JSON with a `detail`: a sentence, or for input that fails validation (422) the
list of problems, each with its `loc` and `msg`. A domain error also names its `field`.

- 400: the edge refused the input (control characters such as NUL, unreadable form data);
- 401: no valid token or session;
- 404: not found, or not yours to see (the two look the same);
- 409: the action conflicts with the current state (already done, full, closed, stale confirmation);
- 413: the body is over its cap;
- 422: the input is invalid (a type, a range, a rule of the domain);
- 429: a per-person rate limit (messages, mentoring requests, uploads) — `Retry-After` says when.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

__all__ = ["LIMITED_WRITE_ERRORS", "READ_ERRORS", "WRITE_ERRORS", "ErrorOut"]


class ErrorOut(Schema):
    detail: str | list[dict[str, Any]] = Field(..., description="What is wrong; for invalid input, the list of problems.")
    field: str | None = Field(None, description="The input field a domain error is about, if any.")


READ_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = READ_ERRORS | {409: ErrorOut, 413: ErrorOut}
#: Writes counted by `mentora.core.ratelimit.limit`.
LIMITED_WRITE_ERRORS: dict[int, type[Schema]] = WRITE_ERRORS | {429: ErrorOut}
