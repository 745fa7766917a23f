from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "mentora.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from datetime import timedelta

        from mentora.core.periodic import register_periodic
        from mentora.privacy.retention import purge_expired

        register_periodic("privacy.purge_expired", purge_expired, every=timedelta(days=1))
