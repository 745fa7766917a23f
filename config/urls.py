"""URL map: each app owns its URLs; organization pages live under /o/<org>/."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic.base import RedirectView

from config.api import api

# The admin signs in through Mentora's own sign-in page: the same throttle and two-step sign-in apply.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    # Browsers and tools ask for /favicon.ico whatever the page links; send them to the static file.
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.ico", permanent=True)),
    path("", include("mentora.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("mentora.accounts.urls")),
    path("", include("mentora.privacy.urls")),
    path("o/<slug:org>/", include("mentora.profiles.urls")),
    path("o/<slug:org>/", include("mentora.programs.urls")),
    path("o/<slug:org>/", include("mentora.mentorships.urls")),
    path("o/<slug:org>/", include("mentora.goals.urls")),
    path("o/<slug:org>/", include("mentora.feedback.urls")),
    path("o/<slug:org>/", include("mentora.notifications.urls")),
    path("o/<slug:org>/", include("mentora.matching.urls")),
    path("o/<slug:org>/", include("mentora.meetings.urls")),
    path("o/<slug:org>/", include("mentora.messaging.urls")),
    path("o/<slug:org>/", include("mentora.insights.urls")),
    path("", include("mentora.meetings.feed_urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

# A database that is unreachable or has no free connection answers 503 (try again), not 500.
handler500 = "mentora.core.error_pages.server_error"
