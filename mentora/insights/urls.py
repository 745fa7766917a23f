"""Insights pages, under /o/<org>/ (coordinators and admins only)."""

from django.urls import path

from mentora.insights import export_views

app_name = "insights"

urlpatterns = [
    path("programs/<int:program_id>/insights/exports/", export_views.exports_page, name="exports"),
    path("programs/<int:program_id>/insights/export/<slug:dataset>.<slug:fmt>", export_views.export, name="export"),
]
