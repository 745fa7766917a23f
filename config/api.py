"""The REST API: one NinjaAPI, each app contributes a router. OpenAPI at /api/openapi.json."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.security import django_auth

from mentora.accounts.api import TokenAuth
from mentora.accounts.api import router as accounts_router
from mentora.core.errors import DomainError
from mentora.feedback.api import router as feedback_router
from mentora.goals.api import router as goals_router
from mentora.matching.api import router as matching_router
from mentora.meetings.api import router as meetings_router
from mentora.mentorships.api import router as mentorships_router
from mentora.messaging.api import router as messaging_router
from mentora.privacy.api import router as privacy_router
from mentora.profiles.api import router as profiles_router
from mentora.programs.api import router as programs_router

api = NinjaAPI(
    title="Mentora API",
    version="1.0.0",
    description="Profiles, programs and enrolments. Authenticate with a session (and CSRF token) "
    "or an `Authorization: Bearer <token>` header (create tokens at /account/tokens/). "
    "Any POST may carry an `Idempotency-Key` header (1-200 printable characters): retried with the same "
    "key within 24 hours, it is not made again and answers what it answered first "
    "(`Idempotent-Replayed: true`); the same key with a different body answers 422.",
    auth=[TokenAuth(), django_auth],
)
api.add_router("/", accounts_router)
api.add_router("/", privacy_router)
api.add_router("/", profiles_router)
api.add_router("/", programs_router)
api.add_router("/", matching_router)
api.add_router("/", meetings_router)
api.add_router("/", messaging_router)
api.add_router("/", mentorships_router)
api.add_router("/", goals_router)
api.add_router("/", feedback_router)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = 404 if exc.status_code == 403 else exc.status_code
    detail = "Not found." if status == 404 else exc.message
    return api.create_response(request, {"detail": detail, "field": exc.field}, status=status)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(RawPostDataException)
def on_form_body(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    # A form body (urlencoded or multipart) sent to an operation that takes JSON: the edge guard has
    # read it as a form (to refuse control characters), so it cannot be read again — and it is not
    # JSON anyway. The same 400 as any body that does not parse, instead of a 500.
    return api.create_response(request, {"detail": "Cannot parse request body: this operation takes JSON "
                                                   "(Content-Type: application/json)."}, status=400)
