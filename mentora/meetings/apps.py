from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "mentora.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from mentora.meetings.panel import meetings_panel_context
        from mentora.mentorships.panels import Panel, register_panel

        register_panel(Panel("meetings", "meetings/_mentorship_panel.html", meetings_panel_context, order=20))
