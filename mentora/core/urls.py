from django.urls import path

from mentora.core import views

# The home page reads every feature app, so it lives on the top floor (mentora.home); it keeps the
# name core:dashboard that redirects and links everywhere use.
from mentora.home.views import home_page

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("o/<slug:org>/", home_page, name="dashboard"),
    path("o/<slug:org>/audit/", views.audit_log, name="audit_log"),
    path("o/<slug:org>/settings/", views.organization_settings, name="organization_settings"),
]
