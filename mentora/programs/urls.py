from django.urls import path

from mentora.programs import views

app_name = "programs"
urlpatterns = [
    path("programs/", views.program_list, name="list"),
    path("programs/new/", views.program_create, name="create"),
    path("programs/<int:program_id>/", views.program_detail, name="detail"),
    path("programs/<int:program_id>/edit/", views.program_edit, name="edit"),
    path("programs/<int:program_id>/questions/", views.program_questions, name="questions"),
    path("programs/<int:program_id>/questions/<int:question_id>/delete/", views.question_delete, name="question_delete"),
    path("programs/<int:program_id>/enroll/", views.program_enroll, name="enroll"),
    path("programs/<int:program_id>/enrollments/", views.program_enrollments, name="enrollments"),
    path("programs/<int:program_id>/enrollments/decide/", views.enrollments_bulk_decide, name="enrollments_decide"),
    path("enrollments/<int:enrollment_id>/decide/", views.enrollment_decide, name="enrollment_decide"),
    path("enrollments/<int:enrollment_id>/withdraw/", views.enrollment_withdraw, name="enrollment_withdraw"),
    path("enrollments/<int:enrollment_id>/capacity/", views.enrollment_capacity, name="enrollment_capacity"),
    path("enrollments/<int:enrollment_id>/training/", views.enrollment_training, name="enrollment_training"),
]
