from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "mentora.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from datetime import timedelta
        from functools import partial

        from mentora.core.outbox import enqueue_on_commit
        from mentora.core.periodic import register_periodic
        from mentora.insights.tasks import send_reports, send_scheduled_messages

        # Hourly is harmless: a report moves to its next date as it is queued.
        register_periodic("insights.send_reports", partial(enqueue_on_commit, send_reports), every=timedelta(hours=1))
        # A message scheduled for 09:00 goes out by 09:05.
        register_periodic("insights.send_scheduled_messages", partial(enqueue_on_commit, send_scheduled_messages),
                          every=timedelta(minutes=5))
