from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "mentora.profiles"
    label = "profiles"
    verbose_name = "Profiles"
