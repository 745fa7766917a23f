from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "mentora.feedback"
    label = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from mentora.feedback.panel import feedback_panel_context
        from mentora.mentorships.panels import Panel, register_panel

        register_panel(Panel("feedback", "feedback/_mentorship_panel.html", feedback_panel_context, order=30))

        from datetime import timedelta
        from functools import partial

        from mentora.core.outbox import enqueue_on_commit
        from mentora.core.periodic import register_periodic
        from mentora.feedback.tasks import schedule_check_ins

        # Daily in spirit; hourly is harmless because the task is idempotent.
        register_periodic("feedback.schedule_check_ins", partial(enqueue_on_commit, schedule_check_ins), every=timedelta(hours=1))
