"""Insights pages, under /o/<org>/ (coordinators and admins only)."""

from django.urls import path

from mentora.insights import risk_views

app_name = "insights"

urlpatterns = [
    path("programs/<int:program_id>/insights/at-risk/", risk_views.at_risk, name="at_risk"),
    path("programs/<int:program_id>/insights/nudge/", risk_views.nudge, name="nudge"),
]
