from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "mentora.matching"
    label = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from mentora.matching.signals import queue_profile_embedding
        from mentora.profiles.models import Profile

        post_save.connect(queue_profile_embedding, sender=Profile, dispatch_uid="matching.profile_embedding")

        from datetime import timedelta

        from mentora.core.periodic import register_periodic
        from mentora.matching.requests import expire_requests

        register_periodic("matching.expire_requests", expire_requests, every=timedelta(minutes=10))

        from mentora.matching.rounds import run_due_peer_rounds

        register_periodic("matching.peer_rounds", run_due_peer_rounds, every=timedelta(hours=1))
