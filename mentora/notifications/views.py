"""The notification inbox."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentora.core.access import AuthedRequest, org_view
from mentora.notifications.models import Notification
from mentora.notifications.services import mark_read


@org_view()
def notification_list(request: AuthedRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user, organization=request.membership.organization)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
@org_view()
def notification_mark_read(request: AuthedRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    mark_read(user=request.user, organization=request.membership.organization, notification_ids=ids)
    return redirect("notifications:list", org=request.membership.organization.slug)
