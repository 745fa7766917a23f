from django.urls import path

from mentora.profiles import views

app_name = "profiles"
urlpatterns = [
    path("profile/", views.profile_edit, name="edit"),
    path("profile/photo/", views.profile_photo, name="photo_edit"),
    path("people/<int:member_id>/profile/", views.profile_detail, name="detail"),
    path("people/<int:member_id>/photo/", views.member_photo, name="photo"),
    path("skills/", views.skills, name="skills"),
]
