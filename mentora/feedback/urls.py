from django.urls import path

from mentora.feedback import views

app_name = "feedback"
urlpatterns = [
    path("check-ins/<int:check_in_id>/", views.check_in, name="check_in"),
    path("check-in-flags/", views.flags, name="flags"),
    path("mentorships/<int:mentorship_id>/feedback/", views.feedback, name="feedback"),
    path("mentorships/<int:mentorship_id>/self-assessment/", views.progress, name="progress"),
    path("mentorships/<int:mentorship_id>/evaluation/", views.evaluation, name="evaluation"),
    path("programs/<int:program_id>/feedback-settings/", views.program_settings, name="settings"),
]
