"""Outcomes beyond the program: the HR events import (preview, then all-or-nothing) and the figures."""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentora.core.access import AuthedRequest, access_program, org_view
from mentora.core.errors import DomainError
from mentora.programs.models import Program

from .hr_import import MAX_BYTES, apply_hr_events, preview_hr_events
from .models import HrEvent
from .outcomes import outcome_report


def _page(request: AuthedRequest, program: Program, **extra: object) -> HttpResponse:
    organization = program.organization
    return render(request, "insights/outcomes.html", {
        "program": program, "report": outcome_report(program),
        "events": HrEvent.objects.filter(organization=organization).count(), "max_mb": MAX_BYTES // (1024 * 1024),
        **extra,
    }, status=422 if extra.get("error") else 200)


@org_view(role="coordinator")
def program_outcomes(request: AuthedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.membership, program_id, manage=True)
    if request.method != "POST":
        return _page(request, program)
    organization = program.organization
    try:
        if request.POST.get("confirm") == "yes":
            content = base64.b64decode(request.POST.get("content", ""), validate=True)
            added = apply_hr_events(organization=organization, content=content, imported_by=request.user)
            messages.success(request, _("%(n)d HR events imported.") % {"n": added})
            return redirect("insights:outcomes", org=organization.slug, program_id=program.pk)
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError(_("Choose a CSV file."), field="file")
        if upload.size and upload.size > MAX_BYTES:
            raise DomainError(_("The file is larger than 2 MB: split it in parts."), field="file")
        content = upload.read()
        preview = preview_hr_events(organization=organization, content=content)
    except (DomainError, binascii.Error) as error:
        return _page(request, program, error=getattr(error, "message", _("The upload was damaged: choose the file again.")))
    return _page(request, program, preview=preview, content=base64.b64encode(content).decode())
