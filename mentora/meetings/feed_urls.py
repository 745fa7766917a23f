"""The calendar feed lives outside /o/<org>/: a calendar app fetches it with the token alone."""

from django.urls import path

from mentora.meetings import views

app_name = "calendar_feed"
urlpatterns = [path("calendar/<str:token>.ics", views.feed_ics, name="ics")]
