"""The answer to an unhandled error: 503 when the database is unreachable or busy, 500 otherwise.

A dropped connection (PostgreSQL restarted, `pg_terminate_backend`), a connection pool with none free
after `MENTORA_DB_POOL_TIMEOUT` (overload) or a locked SQLite file are passing conditions, not bugs:
the client should try again shortly, and a balancer should not count the node as broken. Django calls
`handler500` inside its `except` block, so the exception is at hand here whichever layer raised it
(view, middleware, session save). The page is plain text on purpose: rendering a template could need
the database that just failed. The error is still logged by Django as a server error.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "The service is busy or briefly unavailable. Please try again in a few seconds."


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 with Retry-After for database unavailability, Django's 500 page otherwise."""
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(f"<!doctype html><title>Try again shortly</title><p>{UNAVAILABLE}</p>", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
