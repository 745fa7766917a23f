"""Insights pages, under /o/<org>/ (coordinators and admins only)."""

from django.urls import path

from mentora.insights import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.organization_insights, name="organization"),
    path("programs/<int:program_id>/insights/", views.program_insights_page, name="program"),
    path("programs/<int:program_id>/insights/people/", views.program_people, name="people"),
]
