"""API lists paged in the database.

`Pages` is Ninja's limit/offset pagination (`limit` ≤ NINJA_PAGINATION_MAX_LIMIT = 100) with a
bounded `offset`: the database slices in 64 bits, so an offset past that was a 500 (`bigint out of
range`); past `MAX_OFFSET` it is a 422 like any value out of range.

Ninja's paginator counts and slices what a list endpoint returns, so an endpoint returns `Rows` —
its queryset and how to turn one row into its output — and only the page asked for is fetched and
turned into output. A list built in Python first costs the whole table per call, and one cut
short to stay cheap (`[:200]`) miscounts and hides every row past the cut from `offset`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar, overload

from django.conf import settings
from django.db.models import Model, QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

__all__ = ["MAX_OFFSET", "Pages", "Rows"]

MAX_OFFSET = 1_000_000_000  # no list holds that many rows; far below what a database slice can take

M = TypeVar("M", bound=Model)
Out = TypeVar("Out")


class Rows(Sequence[Out], Generic[M, Out]):
    """A queryset seen as a sequence of outputs; `len` and slices run in the database."""

    def __init__(self, queryset: QuerySet[M], out: Callable[[M], Out]) -> None:
        self.queryset = queryset
        self.out = out

    def __len__(self) -> int:
        return self.queryset.count()

    @overload
    def __getitem__(self, index: int) -> Out: ...

    @overload
    def __getitem__(self, index: slice) -> list[Out]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self.out(row) for row in self.queryset[index]]
        return self.out(self.queryset[index])


class Pages(LimitOffsetPagination):
    """Limit/offset pages: at most 100 items, from an offset the database can take."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
