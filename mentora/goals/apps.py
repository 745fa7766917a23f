from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "mentora.goals"
    label = "goals"
    verbose_name = "Goals"

    def ready(self) -> None:
        from mentora.goals.panel import goals_panel_context
        from mentora.mentorships.panels import Panel, register_panel

        register_panel(Panel("goals", "goals/_mentorship_panel.html", goals_panel_context, order=10))

        from datetime import timedelta
        from functools import partial

        from mentora.core.outbox import enqueue_on_commit
        from mentora.core.periodic import register_periodic
        from mentora.goals.tasks import schedule_milestone_reviews

        # Daily in spirit; hourly is harmless because the task is idempotent.
        register_periodic("goals.schedule_milestone_reviews", partial(enqueue_on_commit, schedule_milestone_reviews),
                          every=timedelta(hours=1))
