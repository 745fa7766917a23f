from django.urls import path

from mentora.profiles import views

app_name = "profiles"
urlpatterns = [
    path("profile/", views.profile_edit, name="edit"),
    path("people/<int:member_id>/profile/", views.profile_detail, name="detail"),
    path("skills/", views.skills, name="skills"),
]
