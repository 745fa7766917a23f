from django.urls import path

from mentora.mentorships import relationship_views, views

app_name = "mentorships"
urlpatterns = [
    path("mentorships/", views.mentorship_list, name="list"),
    path("mentorships/concerns/", relationship_views.concern_list, name="concerns"),
    path("mentorships/<int:mentorship_id>/", views.mentorship_home, name="home"),
    path("mentorships/<int:mentorship_id>/status/", views.mentorship_transition, name="transition"),
    path("mentorships/<int:mentorship_id>/agreement/", relationship_views.agreement_detail, name="agreement"),
    path("mentorships/<int:mentorship_id>/agreement/edit/", relationship_views.agreement_edit, name="agreement_edit"),
    path("mentorships/<int:mentorship_id>/agreement/confirm/", relationship_views.agreement_confirm,
         name="agreement_confirm"),
    path("mentorships/<int:mentorship_id>/sessions/", relationship_views.session_list, name="sessions"),
    path("mentorships/<int:mentorship_id>/notes/", relationship_views.note_add, name="note_add"),
    path("mentorships/<int:mentorship_id>/concern/", relationship_views.concern_report, name="concern"),
    path("mentorships/<int:mentorship_id>/certificate.pdf", relationship_views.certificate, name="certificate"),
]
