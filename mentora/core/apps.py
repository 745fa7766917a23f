from datetime import timedelta

from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "mentora.core"
    label = "core"
    verbose_name = "Mentora core"

    def ready(self) -> None:
        from mentora.core.idempotency import prune_idempotency_keys
        from mentora.core.outbox import drain_outbox, prune_outbox
        from mentora.core.periodic import register_periodic
        from mentora.core.ratelimit import check_rate_settings

        checks.register(check_rate_settings)

        # Queued work resumes within a minute once the task queue (Redis) is reachable again.
        register_periodic("core.drain_outbox", drain_outbox, every=timedelta(minutes=1))
        register_periodic("core.prune_outbox", prune_outbox, every=timedelta(days=1))
        register_periodic("core.prune_idempotency_keys", prune_idempotency_keys, every=timedelta(hours=1))
