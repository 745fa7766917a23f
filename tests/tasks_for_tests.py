"""A task used only by tests of the task worker."""

from django_tasks import task

from mentora.core.models import record_audit_event


@task()
def record_ping(*, note: str) -> None:
    record_audit_event(organization=None, actor=None, action="test.ping", details={"note": note})


@task()
def always_fails(*, note: str) -> None:
    raise ConnectionRefusedError(f"the far side is down ({note})")
