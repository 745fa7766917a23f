from django.urls import path

from mentora.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.notification_mark_read, name="mark_read"),
    path("notifications/email/", views.email_choices, name="email_choices"),
]
