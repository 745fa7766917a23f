"""GET /api/me/export: the person's archive, as on the "Your data" page."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from ninja import Router

from mentora.core.api_access import api_user

from .services import export_response

router = Router(tags=["privacy"])


@router.get("/me/export", summary="Everything Mentora holds about you (a zip: data.json and your files)",
            response={200: None}, openapi_extra={
                "responses": {"200": {"description": "The archive", "content": {"application/zip": {
                    "schema": {"type": "string", "format": "binary"}}}}}})
def my_export(request: HttpRequest) -> FileResponse:
    return export_response(api_user(request))
