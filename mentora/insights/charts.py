"""Accessible charts, drawn on the server as SVG: geometry here, markup in `templates/insights/charts/`.

Every chart carries a title, a one-sentence text summary (what a sighted reader would take from it)
and its data as rows for a table alternative, so a screen reader, a printout and a phone all get the
same facts. No JavaScript and no chart library: the shapes are simple enough to compute.

>>> chart = column_chart(chart_id="held", title="Meetings held", points=[("W1", 2), ("W2", 4)], unit="meetings")
>>> [round(column.height) for column in chart.columns], chart.max_label  # the plot is 112 units high
([56, 112], '4')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

__all__ = ["Column", "ColumnChart", "LineChart", "column_chart", "line_chart", "trend_summary"]

WIDTH = 360.0
HEIGHT = 140.0
LEFT = 28.0  # room for the y-axis labels
BOTTOM = 20.0  # room for the x-axis labels
TOP = 8.0


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float | None
    text: str  # the value in words, for the tooltip and the table

    @property
    def center(self) -> float:
        return self.x + self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width


@dataclass(frozen=True)
class ColumnChart:
    chart_id: str
    title: str
    summary: str
    columns: list[Column]
    max_label: str
    unit: str
    width: float = WIDTH
    height: float = HEIGHT
    left: float = LEFT
    baseline: float = HEIGHT - BOTTOM
    top: float = TOP

    @property
    def x_labels(self) -> list[Column]:
        """First, middle and last columns carry a label under the axis (the table has them all)."""
        if not self.columns:
            return []
        picks = {0, len(self.columns) // 2, len(self.columns) - 1}
        return [column for index, column in enumerate(self.columns) if index in picks]


@dataclass(frozen=True)
class LineChart(ColumnChart):
    low: float = 1
    high: float = 5

    @property
    def segments(self) -> list[str]:
        """SVG polyline point lists, broken where a point has no value (hidden or no answers)."""
        runs: list[list[str]] = [[]]
        for column in self.columns:
            if column.value is None:
                runs.append([])
            else:
                runs[-1].append(f"{column.center:.1f},{column.y:.1f}")
        return [" ".join(run) for run in runs if run]

    @property
    def dots(self) -> list[Column]:
        return [column for column in self.columns if column.value is not None]


def _format(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def column_chart(*, chart_id: str, title: str, points: Sequence[tuple[str, float]], unit: str,
                 summary: str = "") -> ColumnChart:
    """Columns for `points` (label, value), scaled to the largest value."""
    top = max((value for _label, value in points), default=0) or 1
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(1, len(points))
    columns = []
    for index, (label, value) in enumerate(points):
        height = plot_height * value / top
        columns.append(Column(x=LEFT + index * slot + slot * 0.15, y=HEIGHT - BOTTOM - height, width=slot * 0.7,
                              height=height, label=label, value=value, text=f"{_format(value)} {unit}"))
    return ColumnChart(chart_id=chart_id, title=title, columns=columns, max_label=_format(top), unit=unit,
                       summary=summary or trend_summary(title, points, unit=unit))


def line_chart(*, chart_id: str, title: str, points: Sequence[tuple[str, float | None]], unit: str,
               low: float = 1, high: float = 5, summary: str = "") -> LineChart:
    """A line over `points` on a fixed scale (a 1–5 rating); points without a value break the line."""
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(1, len(points))
    columns = []
    for index, (label, value) in enumerate(points):
        y = HEIGHT - BOTTOM - plot_height * ((value - low) / (high - low)) if value is not None else HEIGHT - BOTTOM
        columns.append(Column(x=LEFT + index * slot, y=y, width=slot, height=0, label=label, value=value,
                              text=f"{_format(value)} {unit}" if value is not None else _("not shown (fewer than 5 answers)")))
    known = [(label, value) for label, value in points if value is not None]
    return LineChart(chart_id=chart_id, title=title, columns=columns, max_label=_format(high), unit=unit,
                     low=low, high=high, summary=summary or trend_summary(title, known, unit=unit))


def trend_summary(title: str, points: Sequence[tuple[str, float]], *, unit: str) -> str:
    """One sentence a reader would take from the chart: the direction, the latest and the peak.

    >>> trend_summary("Meetings held", [("1 Sep", 2), ("8 Sep", 5), ("15 Sep", 4)], unit="meetings")
    'Meetings held rose from 2 to 4 meetings a week; the most was 5 in the week of 8 Sep.'
    >>> trend_summary("Meetings held", [], unit="meetings")
    'Meetings held: nothing to show yet.'
    """
    if not points or not any(value for _label, value in points):
        return _("%(title)s: nothing to show yet.") % {"title": title}
    first, last = points[0][1], points[-1][1]
    peak_label, peak = max(points, key=lambda point: point[1])
    if last > first:
        direction = _("rose from %(a)s to %(b)s") % {"a": _format(first), "b": _format(last)}
    elif last < first:
        direction = _("fell from %(a)s to %(b)s") % {"a": _format(first), "b": _format(last)}
    else:
        direction = _("stayed at %(a)s") % {"a": _format(first)}
    return _("%(title)s %(direction)s %(unit)s a week; the most was %(peak)s in the week of %(when)s.") % {
        "title": title, "direction": direction, "unit": unit, "peak": _format(peak), "when": peak_label}
