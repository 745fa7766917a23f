"""Weekly availability: the clickable grid's cells ⇄ merged slots in local time."""

from __future__ import annotations

from collections.abc import Iterable

GRID_START_HOUR = 6
GRID_END_HOUR = 22  # exclusive: the last cell is 21:00–22:00
GRID_HOURS = list(range(GRID_START_HOUR, GRID_END_HOUR))


def cell_key(weekday: int, hour: int) -> str:
    return f"{weekday}-{hour}"


def cells_to_slots(cells: Iterable[str]) -> list[tuple[int, int, int]]:
    """Merge hour cells like "0-9" (Monday 09:00) into (weekday, start_minute, end_minute).

    >>> cells_to_slots(["0-9", "0-10", "0-13", "2-7"])
    [(0, 540, 660), (0, 780, 840), (2, 420, 480)]
    """
    hours_by_day: dict[int, set[int]] = {}
    for cell in cells:
        day_text, _, hour_text = cell.partition("-")
        day, hour = int(day_text), int(hour_text)
        if not (0 <= day <= 6 and 0 <= hour <= 23):
            raise ValueError(f"cell out of range: {cell}")
        hours_by_day.setdefault(day, set()).add(hour)
    slots: list[tuple[int, int, int]] = []
    for day in sorted(hours_by_day):
        start: int | None = None
        previous = -2
        for hour in sorted(hours_by_day[day]):
            if hour != previous + 1:
                if start is not None:
                    slots.append((day, start * 60, (previous + 1) * 60))
                start = hour
            previous = hour
        if start is not None:
            slots.append((day, start * 60, (previous + 1) * 60))
    return slots


def slots_to_cells(slots: Iterable[tuple[int, int, int]]) -> set[str]:
    """The grid cells an hour-aligned slot list covers (partial hours count as covered).

    >>> sorted(slots_to_cells([(0, 540, 660)]))
    ['0-10', '0-9']
    """
    cells: set[str] = set()
    for weekday, start_minute, end_minute in slots:
        for hour in range(start_minute // 60, (end_minute + 59) // 60):
            cells.add(cell_key(weekday, hour))
    return cells


def weekly_hours(slots: Iterable[tuple[int, int, int]]) -> float:
    """Total hours per week.

    >>> weekly_hours([(0, 540, 660), (3, 600, 630)])
    2.5
    """
    return sum(end - start for _, start, end in slots) / 60
