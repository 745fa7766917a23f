from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "mentora.programs"
    label = "programs"
    verbose_name = "Programs"
