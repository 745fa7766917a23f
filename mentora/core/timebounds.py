"""The dates and times Mentora accepts: years 1900–2199, UTC offsets within ±14:00.

Outside these, things break far from where the value came in: Python's `datetime` overflows
when a meeting's end is computed from a start in year 9999, and PostgreSQL refuses offsets
beyond ±15:59 (`+16:00`), both as 500s. Real offsets run from −12:00 to +14:00. API schemas use
`ApiDateTime` / `ApiDate` (a 422 with the reason), forms the `validate_*` validators (a form
error), so the value is refused where it enters.

>>> from datetime import timezone
>>> check_datetime(datetime(2026, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))).year
2026
>>> check_datetime(datetime(2026, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=16))))
Traceback (most recent call last):
...
ValueError: The UTC offset must be within ±14:00.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from pydantic import AfterValidator

__all__ = ["ApiDate", "ApiDateTime", "SupportedDatesMixin", "check_date", "check_datetime", "validate_supported_date",
           "validate_supported_datetime"]

FIRST_YEAR, LAST_YEAR = 1900, 2199
MAX_OFFSET = timedelta(hours=14)
RANGE_MESSAGE = f"Dates must be between {FIRST_YEAR} and {LAST_YEAR}."
OFFSET_MESSAGE = "The UTC offset must be within ±14:00."


def check_date(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(RANGE_MESSAGE)
    return value


def check_datetime(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise ValueError(OFFSET_MESSAGE)
    check_date(value.date())
    return value


ApiDate = Annotated[date, AfterValidator(check_date)]
ApiDateTime = Annotated[datetime, AfterValidator(check_datetime)]


def validate_supported_date(value: date) -> None:
    try:
        check_date(value)
    except ValueError as error:
        raise ValidationError(str(error), code="date_range") from None


def validate_supported_datetime(value: datetime) -> None:
    try:
        check_datetime(value)
    except ValueError as error:
        raise ValidationError(str(error), code="datetime_range") from None


class SupportedDatesMixin:
    """For forms: every date and date-time field refuses values outside the supported range."""

    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateTimeField):
                field.validators.append(validate_supported_datetime)
            elif isinstance(field, forms.DateField):
                field.validators.append(validate_supported_date)
