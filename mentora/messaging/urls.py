from django.urls import path

from mentora.messaging import views

app_name = "messaging"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/preferences/", views.preferences, name="preferences"),
    path("messages/reports/", views.reports, name="reports"),
    path("messages/reports/<int:report_id>/resolve/", views.resolve_report, name="resolve_report"),
    path("messages/block/<int:member_id>/", views.block, name="block"),
    path("mentorships/<int:mentorship_id>/conversation/", views.conversation, name="conversation"),
    path("mentorships/<int:mentorship_id>/conversation/send/", views.send, name="send"),
    path("mentorships/<int:mentorship_id>/conversation/read/", views.mark_read, name="read"),
    path("messages/<int:message_id>/edit/", views.edit, name="edit"),
    path("messages/<int:message_id>/delete/", views.delete, name="delete"),
    path("messages/<int:message_id>/report/", views.report, name="report"),
    path("messages/<int:message_id>/file/", views.attachment, name="attachment"),
]
