from django.urls import path

from mentora.core import deliveries, views

# The home page reads every feature app, so it lives on the top floor (mentora.home); it keeps the
# name core:dashboard that redirects and links everywhere use.
from mentora.home.views import home_page

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("o/<slug:org>/", home_page, name="dashboard"),
    path("o/<slug:org>/audit/", views.audit_log, name="audit_log"),
    path("o/<slug:org>/settings/", views.organization_settings, name="organization_settings"),
    path("o/<slug:org>/deliveries/failed/", deliveries.failed_deliveries, name="failed_deliveries"),
    path("o/<slug:org>/deliveries/<int:entry_id>/retry/", deliveries.failed_delivery_retry,
         name="failed_delivery_retry"),
    path("deliveries/failed/", deliveries.platform_failed_deliveries, name="platform_failed_deliveries"),
    path("deliveries/<int:entry_id>/retry/", deliveries.platform_failed_delivery_retry,
         name="platform_failed_delivery_retry"),
    path("o/<slug:org>/settings/look/", views.organization_branding, name="organization_branding"),
    path("o/<slug:org>/logo/", views.organization_logo, name="organization_logo"),
]
