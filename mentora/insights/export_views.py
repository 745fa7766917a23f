"""The exports page and the downloads (coordinators and admins of the program's organization)."""

from __future__ import annotations

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_safe

from mentora.core.access import AuthedRequest, access_program, org_view, viewer_zone
from mentora.insights import exports
from mentora.insights.export_tables import Scope


@require_safe
@org_view(role="coordinator")
def exports_page(request: AuthedRequest, program_id: int) -> HttpResponse:
    """Each dataset of the program in words, with how many rows it holds and its two downloads."""
    program = access_program(request.membership, program_id, manage=True)
    return render(request, "insights/exports.html", {
        "program": program, "datasets": exports.datasets_for(program), "min_group": program.organization.min_group_size,
    })


@require_GET  # not HEAD: a download is built (and audited) only to be sent
@org_view(role="coordinator")
def export(request: AuthedRequest, program_id: int, dataset: str, fmt: str) -> StreamingHttpResponse:
    """One dataset as CSV or XLSX; an unknown dataset or format is missing like anything else (404)."""
    program = access_program(request.membership, program_id, manage=True)
    found = exports.DATASETS.get(dataset)
    if found is None or fmt not in exports.FORMATS:
        raise Http404
    response = exports.export_response(request, dataset=found, fmt=fmt,
                                       scope=Scope.of(program, zone=viewer_zone(request.membership)))
    exports.record_export(program=program, by=request.membership, dataset=found, fmt=fmt)
    return response
