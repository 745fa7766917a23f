from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    name = "mentora.mentorships"
    label = "mentorships"
    verbose_name = "Mentorships"

    def ready(self) -> None:
        from datetime import timedelta
        from functools import partial

        from mentora.core.outbox import enqueue_on_commit
        from mentora.core.periodic import register_periodic
        from mentora.mentorships.tasks import complete_due_mentorships

        register_periodic("mentorships.complete_due", partial(enqueue_on_commit, complete_due_mentorships), every=timedelta(hours=1))
