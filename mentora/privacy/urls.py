from django.urls import path

from mentora.privacy import views

app_name = "privacy"
urlpatterns = [
    path("account/data/", views.my_data, name="my_data"),
    path("account/data/download/", views.my_data_download, name="my_data_download"),
]
