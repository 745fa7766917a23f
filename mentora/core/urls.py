from django.urls import path

from mentora.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("o/<slug:org>/", views.dashboard, name="dashboard"),
    path("o/<slug:org>/audit/", views.audit_log, name="audit_log"),
    path("o/<slug:org>/settings/", views.organization_settings, name="organization_settings"),
    path("o/<slug:org>/settings/look/", views.organization_branding, name="organization_branding"),
    path("o/<slug:org>/logo/", views.organization_logo, name="organization_logo"),
]
