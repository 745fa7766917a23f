"""URL map: each app owns its URLs; organization pages live under /o/<org>/."""

from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("mentora.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("mentora.accounts.urls")),
    path("o/<slug:org>/", include("mentora.profiles.urls")),
    path("o/<slug:org>/", include("mentora.programs.urls")),
    path("o/<slug:org>/", include("mentora.mentorships.urls")),
    path("o/<slug:org>/", include("mentora.goals.urls")),
    path("o/<slug:org>/", include("mentora.feedback.urls")),
    path("o/<slug:org>/", include("mentora.notifications.urls")),
    path("o/<slug:org>/", include("mentora.matching.urls")),
    path("o/<slug:org>/", include("mentora.meetings.urls")),
    path("o/<slug:org>/", include("mentora.messaging.urls")),
    path("", include("mentora.meetings.feed_urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
