from django.urls import path

from mentora.mentorships import views

app_name = "mentorships"
urlpatterns = [
    path("mentorships/", views.mentorship_list, name="list"),
    path("mentorships/<int:mentorship_id>/", views.mentorship_home, name="home"),
    path("mentorships/<int:mentorship_id>/status/", views.mentorship_transition, name="transition"),
]
