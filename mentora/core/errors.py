"""Domain errors: raised in services, translated to HTTP at the edge (views and API)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; the message is safe to show to the user."""

    status_code = 422

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The user may not do this (shown as 'not found' where the object is hidden)."""

    status_code = 403


class Conflict(DomainError):
    """The action conflicts with the current state (already done, full, closed)."""

    status_code = 409


class StaleWrite(Conflict):
    """Someone changed the object since the writer read it (its version moved on)."""
