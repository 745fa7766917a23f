"""Errors the matching engine raises for input it cannot use."""

__all__ = ["InvalidInstance"]


class InvalidInstance(ValueError):
    """The instance is malformed: unknown or duplicate ids, bad capacities or scores.

    The message names the offending field so a coordinator (or the CLI user) can fix it.

    Examples
    --------
    >>> str(InvalidInstance("duplicate mentor id 'm1'"))
    "duplicate mentor id 'm1'"
    """
