from django.urls import path

from mentora.meetings import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/calendar/", views.calendar_settings, name="calendar"),
    path("meetings/calendar/revoke/", views.feed_revoke, name="feed_revoke"),
    path("meetings/calendar/reminders/", views.reminders_update, name="reminders"),
    path("mentorships/<int:mentorship_id>/find-a-time/", views.find_time, name="find"),
    path("mentorships/<int:mentorship_id>/meetings/new/", views.book, name="book"),
    path("meetings/<int:meeting_id>/", views.detail, name="detail"),
    path("meetings/<int:meeting_id>/meeting.ics", views.meeting_ics, name="ics"),
    path("meetings/<int:meeting_id>/move/", views.reschedule, name="reschedule"),
    path("meetings/<int:meeting_id>/cancel/", views.cancel, name="cancel"),
    path("meetings/<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:meeting_id>/room/", views.room, name="room"),
]
