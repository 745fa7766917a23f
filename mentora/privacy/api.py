"""GET /api/me/export: the person's archive, as on the "Your data" page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from mentora.core.api_access import api_user

from .services import export_for

router = Router(tags=["privacy"])


@router.get("/me/export", summary="Everything Mentora holds about you (a zip: data.json and your files)",
            response={200: None}, openapi_extra={
                "responses": {"200": {"description": "The archive", "content": {"application/zip": {
                    "schema": {"type": "string", "format": "binary"}}}}}})
def my_export(request: HttpRequest) -> HttpResponse:
    name, content = export_for(api_user(request))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
