"""Insights pages, under /o/<org>/ (coordinators and admins only)."""

from django.urls import path  # noqa: F401  (the pages add their paths below)

app_name = "insights"

urlpatterns: list = []  # type: ignore[type-arg]
