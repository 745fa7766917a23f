"""Tasks and a mail backend used only by tests of the task worker and the outbox."""

from typing import Any

from django_tasks import task

from mentora.core.models import record_audit_event


@task()
def record_ping(*, note: str) -> None:
    record_audit_event(organization=None, actor=None, action="test.ping", details={"note": note})


@task()
def always_fails(*, note: str) -> None:
    raise ConnectionRefusedError(f"the far side is down ({note})")


class RefusingEmailBackend:
    """The locmem backend, except that the mail server refuses the addresses in `refused` (a test
    empties it to bring them back)."""

    refused: set[str] = set()

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        from django.core.mail.backends.locmem import EmailBackend

        class Refusing(EmailBackend):  # type: ignore[misc]
            def send_messages(self, messages: list) -> int:  # type: ignore[type-arg]
                import smtplib

                for message in messages:
                    if set(message.to) & cls.refused:
                        raise smtplib.SMTPRecipientsRefused({address: (450, b"try later") for address in message.to})
                return int(super().send_messages(messages))

        return Refusing(*args, **kwargs)

