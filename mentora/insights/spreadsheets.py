"""Spreadsheet files from typed rows: CSV streamed row by row, XLSX in constant memory, no formulas.

A spreadsheet reads a text cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one of them, or their full-width forms, which some spreadsheets fold to the ASCII ones) as a
formula: a name like `=HYPERLINK("https://evil.test", "Click")` in an export becomes a live link,
and `=cmd|' /C calc'!A0` used to run a program. Every text cell here goes through `neutralise`,
which prefixes such a value with an apostrophe, so it is shown as the text it is. Numbers and dates
are written as numbers and dates (a negative number is a number, not a formula), never as text.

CSV (UTF-8 with a byte-order mark, so Excel reads accents right) is produced one line at a time;
XLSX is written by xlsxwriter in `constant_memory` mode (each row goes to a temporary file as it
is written) and then read back in blocks. `streaming_body` hands either to Django in a form the
server can stream: a plain iterator under WSGI, an asynchronous one under ASGI (Django would
otherwise read a synchronous iterator to its end, into memory, before sending a byte).
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import IO, Any, Literal

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest

__all__ = ["TRIGGERS", "Column", "csv_lines", "file_blocks", "neutralise", "streaming_body", "write_xlsx"]

#: First characters that make a spreadsheet evaluate a cell (OWASP "CSV injection"), with the
#: full-width forms of = + - @ (U+FF1D, U+FF0B, U+FF0D, U+FF20).
TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# Whitespace some importers trim before they look at the first character.
_TRIMMED = " \n\u00a0\u3000"

Kind = Literal["text", "integer", "decimal", "date"]


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, the type of its cells, and its width in a spreadsheet."""

    header: str
    kind: Kind = "text"
    width: int = 14
    decimals: int = 2  # for "decimal" columns


def neutralise(text: str) -> str:
    """Return `text` as a spreadsheet will show it as text: an apostrophe before a formula trigger.

    >>> neutralise("=1+1"), neutralise("-2+3"), neutralise("@SUM(A1)"), neutralise("\\uff1d1+1")
    ("'=1+1", "'-2+3", "'@SUM(A1)", "'＝1+1")
    >>> neutralise("\\t=1+1"), neutralise("  =1+1"), neutralise("Zoë Martin"), neutralise("Jean-Luc")
    ("'\\t=1+1", "'  =1+1", 'Zoë Martin', 'Jean-Luc')
    """
    if text[:1] in TRIGGERS or text.lstrip(_TRIMMED)[:1] in TRIGGERS:
        return "'" + text
    return text


def _checked_number(column: Column, value: Any) -> int | float:
    # A text (or a bool) in a number column is a programming error, not data to write as it comes.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{column.header}: expected a number, got {type(value).__name__}")
    number: int | float = value
    return number


def _checked_date(column: Column, value: Any) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{column.header}: expected a date, got {type(value).__name__}")
    day: date = value
    return day


def csv_cell(column: Column, value: Any) -> str:
    """The text of one CSV cell: empty for None, ISO dates, plain numbers, neutralised text.

    >>> csv_cell(Column("n", "integer"), -2), csv_cell(Column("s", "decimal"), 0.5)
    ('-2', '0.50')
    >>> csv_cell(Column("on", "date"), date(2026, 12, 3)), csv_cell(Column("who"), "+1+1"), csv_cell(Column("x"), None)
    ('2026-12-03', "'+1+1", '')
    """
    if value is None:
        return ""
    if column.kind == "integer":
        return str(int(_checked_number(column, value)))
    if column.kind == "decimal":
        return f"{_checked_number(column, value):.{column.decimals}f}"
    if column.kind == "date":
        return _checked_date(column, value).isoformat()
    return neutralise(str(value))


class _Echo:
    """A file-like object whose `write` returns what it is given (csv.writer then returns each line)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """Yield a CSV file line by line (a BOM first, Excel's CRLF line ends), never holding more than a line.

    >>> b"".join(csv_lines([Column("Who"), Column("Score", "decimal")], [("=1+1", 0.5)])).decode("utf-8-sig")
    "Who,Score\\r\\n'=1+1,0.50\\r\\n"
    """
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    header: str = writer.writerow([neutralise(column.header) for column in columns])
    yield ("\ufeff" + header).encode("utf-8")
    for row in rows:
        line: str = writer.writerow([csv_cell(column, value) for column, value in zip(columns, row, strict=True)])
        yield line.encode("utf-8")


def _sheet_name(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip("' ")
    return (cleaned or "Data")[:31]


def write_xlsx(
    file: IO[bytes], *, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
    about: Sequence[tuple[str, str]] = (), about_title: str = "About",
) -> int:
    """Write an XLSX workbook to `file` and return how many data rows it holds.

    The first sheet is the table: a bold, frozen header row with a filter, each column typed
    (dates as dates, numbers as numbers, text with `write_string`, so nothing is ever a formula).
    The second sheet (`about`) is a list of label/text pairs saying what the table holds.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(file, {
        "constant_memory": True,
        # Never guess: a text stays a text, whatever it looks like.
        "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
    })
    header_format = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    integer_format = workbook.add_format({"num_format": "0"})
    decimal_formats = {column.decimals: workbook.add_format({"num_format": "0." + "0" * column.decimals})
                       for column in columns if column.kind == "decimal" and column.decimals > 0}
    cell_formats = [date_format if column.kind == "date" else integer_format if column.kind == "integer"
                    else decimal_formats.get(column.decimals, integer_format) if column.kind == "decimal" else None
                    for column in columns]

    sheet = workbook.add_worksheet(_sheet_name(title))
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(columns):
        sheet.write_string(0, index, neutralise(column.header), header_format)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, (column, value) in enumerate(zip(columns, row, strict=True)):
            if value is None:
                continue
            if column.kind == "text":
                sheet.write_string(count, index, neutralise(str(value)))
            elif column.kind == "date":
                sheet.write_datetime(count, index, _checked_date(column, value), cell_formats[index])
            else:
                sheet.write_number(count, index, _checked_number(column, value), cell_formats[index])
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)

    if about:
        notes = workbook.add_worksheet(_sheet_name(about_title))
        notes.set_column(0, 0, 22)
        notes.set_column(1, 1, 100)
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        bold = workbook.add_format({"bold": True, "valign": "top"})
        for index, (label, text) in enumerate(about):
            notes.write_string(index, 0, neutralise(label), bold)
            notes.write_string(index, 1, neutralise(text), wrap)
    workbook.close()
    return count


def file_blocks(file: IO[bytes], *, size: int = 64 * 1024) -> Iterator[bytes]:
    """Yield an open file from its start in blocks, and close it at the end (or when abandoned)."""
    try:
        file.seek(0)
        while block := file.read(size):
            yield block
    finally:
        file.close()


def _take(parts: Iterator[bytes], count: int) -> bytes:
    return b"".join(islice(parts, count))


def _close(parts: Iterator[bytes]) -> None:
    close = getattr(parts, "close", None)
    if close is not None:
        close()


async def _in_batches(parts: Iterator[bytes], *, lines: int) -> AsyncIterator[bytes]:
    # Each batch is read in the request's own thread (thread-sensitive), where its database
    # connection and open cursor live; the generator is closed there too, even if the client leaves.
    try:
        while batch := await sync_to_async(_take)(parts, lines):
            yield batch
    finally:
        await sync_to_async(_close)(parts)


def streaming_body(request: HttpRequest, parts: Iterator[bytes], *, lines: int = 500) -> Iterator[bytes] | AsyncIterator[bytes]:
    """`parts` as the server can stream them: unchanged under WSGI; in batches of `lines` parts,
    asynchronously, under ASGI."""
    if isinstance(request, ASGIRequest):
        return _in_batches(parts, lines=lines)
    return parts
