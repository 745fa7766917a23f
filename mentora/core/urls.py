from django.urls import path

from mentora.core import deliveries, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("o/<slug:org>/", views.dashboard, name="dashboard"),
    path("o/<slug:org>/audit/", views.audit_log, name="audit_log"),
    path("o/<slug:org>/settings/", views.organization_settings, name="organization_settings"),
    path("o/<slug:org>/deliveries/failed/", deliveries.failed_deliveries, name="failed_deliveries"),
    path("o/<slug:org>/deliveries/<int:entry_id>/retry/", deliveries.failed_delivery_retry,
         name="failed_delivery_retry"),
    path("deliveries/failed/", deliveries.platform_failed_deliveries, name="platform_failed_deliveries"),
    path("deliveries/<int:entry_id>/retry/", deliveries.platform_failed_delivery_retry,
         name="platform_failed_delivery_retry"),
]
