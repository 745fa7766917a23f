from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mentora.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from mentora.accounts import mfa, signals  # noqa: F401  (connect the receivers)
