"""The notification inbox."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentora.core.access import AuthedRequest, org_view
from mentora.notifications.models import Notification, NotificationPreference
from mentora.notifications.services import mark_read, set_coordinator_messages_by_email


@org_view()
def notification_list(request: AuthedRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user, organization=request.membership.organization)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    preference = NotificationPreference.objects.filter(user=request.user).first()
    return render(request, "notifications/list.html", {
        "page": page, "coordinator_messages_by_email": preference is None or preference.coordinator_messages_by_email,
    })


@require_POST
@org_view()
def email_choices(request: AuthedRequest) -> HttpResponse:
    """Whether coordinators' messages and nudges also come by email (they always arrive in Mentora)."""
    by_email = request.POST.get("coordinator_messages_by_email") == "on"
    set_coordinator_messages_by_email(user=request.user, by_email=by_email)
    messages.success(request, _("Saved: coordinators' messages will come by email too.") if by_email else
                     _("Saved: coordinators' messages will reach you here only, without email."))
    return redirect(reverse("notifications:list", args=[request.membership.organization.slug]) + "#email-choices")


@require_POST
@org_view()
def notification_mark_read(request: AuthedRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    mark_read(user=request.user, organization=request.membership.organization, notification_ids=ids)
    return redirect("notifications:list", org=request.membership.organization.slug)
