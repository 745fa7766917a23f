"""The person's own data through the API: GET /api/me/export (the archive, as on the "Your data"
page) and /api/me/erasure-request (ask to be erased, see where the request stands, cancel it)."""

from __future__ import annotations

from datetime import datetime

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema, Status

from mentora.core.api_access import api_user
from mentora.core.api_responses import READ_ERRORS, WRITE_ERRORS
from mentora.core.errors import DomainError

from .models import ErasureRequest
from .services import cancel_erasure_request, export_response, request_erasure

router = Router(tags=["privacy"])


class ErasureRequestIn(Schema):
    confirm: str  # "erase", as typed on the page


class ErasureRequestOut(Schema):
    id: int
    status: str
    requested_at: datetime
    decided_at: datetime | None
    decline_reason: str


class ErasureStateOut(Schema):
    request: ErasureRequestOut | None  # their latest request, if any


@router.get("/me/export", summary="Everything Mentora holds about you (a zip: data.json and your files)",
            response={200: None}, openapi_extra={
                "responses": {"200": {"description": "The archive", "content": {"application/zip": {
                    "schema": {"type": "string", "format": "binary"}}}}}})
def my_export(request: HttpRequest) -> FileResponse:
    return export_response(api_user(request))


@router.get("/me/erasure-request", response={200: ErasureStateOut, **READ_ERRORS}, summary="Where your request to be erased stands")
def my_erasure_request(request: HttpRequest) -> dict[str, ErasureRequest | None]:
    latest = ErasureRequest.objects.filter(user=api_user(request)).order_by("-requested_at", "-pk").first()
    return {"request": latest}


@router.post("/me/erasure-request", response={201: ErasureRequestOut, **WRITE_ERRORS},
             summary="Ask to be erased (an admin of your organization confirms; send confirm: \"erase\")")
def ask_erasure(request: HttpRequest, payload: ErasureRequestIn) -> Status[ErasureRequest]:
    if payload.confirm.strip().lower() != "erase":
        raise DomainError('Send "confirm": "erase" to ask to be erased.', field="confirm")
    return Status(201, request_erasure(user=api_user(request)))


@router.delete("/me/erasure-request", response={204: None, **WRITE_ERRORS}, summary="Cancel your request to be erased")
def cancel_erasure(request: HttpRequest) -> Status[None]:
    cancel_erasure_request(user=api_user(request))
    return Status(204, None)
