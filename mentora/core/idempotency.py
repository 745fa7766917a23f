"""Idempotency keys: an API client that retries a POST (its connection dropped, the answer never
came) with the same `Idempotency-Key` header gets the first answer again, and the write is made once.

`IdempotencyMiddleware` handles `POST /api/…` requests carrying the header. It runs the request in
one transaction with a row claiming (caller, key): the write and the stored answer commit together,
or — if the process dies in between — neither does, so a retry after a crash makes the write then.
A retry of a finished request replays the stored status and body (`Idempotent-Replayed: true`); the
same key with a different body is refused (422); a retry while the first is still running waits on
the claim (PostgreSQL) and then replays it. Answers of 5xx and 429 are not kept, so a retry runs again.

The caller is the bearer token (its SHA-256) or the signed-in user: two people never share keys.
Rows are kept `KEEP_FOR` (24 h) and pruned hourly; they hold the answer's body (often the object the
write made), so they are a short-lived copy, documented in docs/security.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from mentora.core.models import IdempotentRequest

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable ASCII, no spaces
KEEP_FOR = timedelta(hours=24)
MAX_STORED_BYTES = 1024 * 1024


def _caller(request: HttpRequest) -> str | None:
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization:
        return "token:" + hashlib.sha256(authorization.encode()).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None  # anonymous: the view answers 401 and nothing is written


def _fingerprint(request: HttpRequest) -> str:
    """What the request asked for: method, path and body (for a file upload, its length: the body is
    not read into memory here)."""
    head = f"{request.method} {request.path}\n".encode()
    if request.content_type == "multipart/form-data":
        return hashlib.sha256(head + request.META.get("CONTENT_LENGTH", "").encode()).hexdigest()
    return hashlib.sha256(head + request.body).hexdigest()


def _replay(row: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(row.body, status=row.status_code, content_type=row.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        if not KEY.match(key):
            return JsonResponse({"detail": "Idempotency-Key must be 1 to 200 printable characters, without spaces.",
                                 "field": "Idempotency-Key"}, status=400)
        caller = _caller(request)
        if caller is None:
            return self.get_response(request)
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                row = IdempotentRequest.objects.create(caller=caller, key=key, fingerprint=fingerprint)
                response = self.get_response(request)
                if (response.status_code >= 500 or response.status_code == 429 or response.streaming
                        or len(response.content) > MAX_STORED_BYTES):
                    row.delete()  # not kept: a retry runs again
                else:
                    row.status_code, row.content_type = response.status_code, response.get("Content-Type", "")
                    row.body = response.content.decode("utf-8", errors="replace")
                    row.save(update_fields=["status_code", "content_type", "body"])
                return response
        except IntegrityError:
            pass  # the key was claimed by an earlier request (the wait, on PostgreSQL, ended with its commit)
        earlier = IdempotentRequest.objects.filter(caller=caller, key=key).first()
        if earlier is None or earlier.status_code is None:
            return JsonResponse({"detail": "A request with this Idempotency-Key is still being handled; retry shortly.",
                                 "field": "Idempotency-Key"}, status=409, headers={"Retry-After": "1"})
        if earlier.fingerprint != fingerprint:
            return JsonResponse({"detail": "This Idempotency-Key was used for a different request; use a new key.",
                                 "field": "Idempotency-Key"}, status=422)
        return _replay(earlier)


def prune_idempotency_keys() -> int:
    """Forget answers older than KEEP_FOR (hourly)."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted
