from django.urls import path

from mentora.privacy import views

app_name = "privacy"
urlpatterns = [
    path("account/data/", views.my_data, name="my_data"),
    path("account/data/download/", views.my_data_download, name="my_data_download"),
    path("account/data/erase/", views.erasure_request, name="erasure_request"),
    path("account/data/erase/cancel/", views.erasure_cancel, name="erasure_cancel"),
    path("o/<slug:org>/people/<int:member_id>/data/", views.member_data_download, name="member_data_download"),
    path("o/<slug:org>/erasure-requests/", views.erasure_requests, name="erasure_requests"),
    path("o/<slug:org>/erasure-requests/<int:request_id>/confirm/", views.erasure_confirm, name="erasure_confirm"),
    path("o/<slug:org>/erasure-requests/<int:request_id>/decline/", views.erasure_decline, name="erasure_decline"),
]
