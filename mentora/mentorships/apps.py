from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    name = "mentora.mentorships"
    label = "mentorships"
    verbose_name = "Mentorships"
