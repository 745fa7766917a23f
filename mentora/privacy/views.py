"""Your data: what Mentora holds about you, and the download of all of it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from .export import POLICY, Exclude
from .services import export_response


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    left_out = sum(isinstance(policy, Exclude) for policy in POLICY.values())  # as data.json lists them
    return render(request, "privacy/my_data.html", {"left_out": left_out})


@require_POST
@login_required
def my_data_download(request: HttpRequest) -> FileResponse:
    return export_response(request.user)  # type: ignore[arg-type]
