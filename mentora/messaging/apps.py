from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "mentora.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from mentora.mentorships.panels import Panel, register_panel
        from mentora.messaging.panel import messages_panel_context

        register_panel(Panel("messages", "messaging/_mentorship_panel.html", messages_panel_context, order=25))
