from django.urls import path

from mentora.matching import views

app_name = "matching"
urlpatterns = [
    path("programs/<int:program_id>/matching/settings/", views.matching_settings, name="settings"),
    path("programs/<int:program_id>/matching/", views.run_list, name="runs"),
    path("programs/<int:program_id>/matching/run/", views.run_start, name="run_start"),
    path("programs/<int:program_id>/matching/compare/", views.run_compare, name="compare"),
    path("programs/<int:program_id>/matching/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("programs/<int:program_id>/matching/runs/<int:run_id>/adjust/", views.run_adjust, name="run_adjust"),
    path("programs/<int:program_id>/matching/runs/<int:run_id>/publish/", views.run_publish, name="run_publish"),
    path("programs/<int:program_id>/mentors/", views.suggestions, name="suggestions"),
    path("programs/<int:program_id>/mentors/<int:mentor_id>/request/", views.request_create, name="request_create"),
    path("programs/<int:program_id>/matching/next-round/", views.round_run, name="round_run"),
    path("programs/<int:program_id>/rounds/", views.round_pause, name="round_pause"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:request_id>/respond/", views.request_respond, name="request_respond"),
    path("requests/<int:request_id>/answer/", views.request_answer, name="request_answer"),
    path("requests/<int:request_id>/withdraw/", views.request_withdraw, name="request_withdraw"),
]
