"""Free-slot search across time zones, including daylight-saving changes in Europe and North America."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mentora.meetings.slots import Person, common_free_intervals, free_slots, weekly_to_utc

WEEKDAYS_9_TO_17 = [(day, 9 * 60, 17 * 60) for day in range(5)]
PARIS = Person("Europe/Paris", WEEKDAYS_9_TO_17)
NEW_YORK = Person("America/New_York", WEEKDAYS_9_TO_17)


def _hours_utc(day: datetime) -> list[tuple[str, str]]:
    found = common_free_intervals([PARIS, NEW_YORK], day, day + timedelta(days=1))
    return [(a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in found]


def test_the_overlap_follows_both_spring_daylight_saving_changes():
    """NA moves on 9 March 2025 and the EU on 30 March: the shared window is 2 h, then 3 h, then 2 h again."""
    assert _hours_utc(datetime(2025, 3, 4, tzinfo=UTC)) == [("14:00", "16:00")]  # EST (UTC-5) and CET (UTC+1)
    assert _hours_utc(datetime(2025, 3, 18, tzinfo=UTC)) == [("13:00", "16:00")]  # EDT (UTC-4) and CET
    assert _hours_utc(datetime(2025, 4, 1, tzinfo=UTC)) == [("13:00", "15:00")]  # EDT and CEST (UTC+2)


def test_the_overlap_follows_both_autumn_daylight_saving_changes():
    """The EU moves back on 26 October 2025 and NA on 2 November: 2 h, 3 h, 2 h again."""
    assert _hours_utc(datetime(2025, 10, 21, tzinfo=UTC)) == [("13:00", "15:00")]
    assert _hours_utc(datetime(2025, 10, 28, tzinfo=UTC)) == [("13:00", "16:00")]  # EDT and CET
    assert _hours_utc(datetime(2025, 11, 4, tzinfo=UTC)) == [("14:00", "16:00")]


def test_a_week_that_contains_the_change_uses_each_days_own_offset():
    """Paris 09:00 is 08:00 UTC on Friday 28 March 2025 and 07:00 UTC on Monday 31 March."""
    intervals = weekly_to_utc(PARIS, datetime(2025, 3, 28, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))
    assert [(a.day, a.hour) for a, _ in intervals] == [(28, 8), (31, 7)]


def test_availability_that_crosses_midnight_utc_is_kept_whole():
    """Tokyo mornings are the previous UTC evening."""
    tokyo = Person("Asia/Tokyo", [(1, 7 * 60, 9 * 60)])  # Tuesdays 07:00–09:00 JST
    intervals = weekly_to_utc(tokyo, datetime(2025, 1, 13, tzinfo=UTC), datetime(2025, 1, 15, tzinfo=UTC))
    assert intervals == [(datetime(2025, 1, 13, 22, tzinfo=UTC), datetime(2025, 1, 14, 0, tzinfo=UTC))]


def test_busy_time_is_taken_out_and_slots_fit_the_length():
    start = datetime(2025, 1, 14, tzinfo=UTC)
    busy = [(datetime(2025, 1, 14, 14, 30, tzinfo=UTC), datetime(2025, 1, 14, 15, tzinfo=UTC))]
    slots = free_slots([PARIS, NEW_YORK], start, start + timedelta(days=1), duration=timedelta(minutes=30), busy=busy)
    assert [s.strftime("%H:%M") for s, _ in slots] == ["14:00", "15:00", "15:30"]


def test_nobody_free_means_no_slots_and_an_empty_group_has_none():
    night_owl = Person("UTC", [(0, 0, 60)])
    start = datetime(2025, 1, 13, tzinfo=UTC)
    assert free_slots([PARIS, night_owl], start, start + timedelta(weeks=1), duration=timedelta(hours=1)) == []
    assert common_free_intervals([], start, start + timedelta(days=1)) == []


def test_a_circle_of_eight_over_eight_weeks_is_found_quickly():
    """The bench target is < 50 ms; here a loose bound so slow CI does not flake."""
    import time

    zones = ["Europe/Paris", "America/New_York", "Europe/London", "America/Chicago", "Europe/Berlin",
             "America/Toronto", "Europe/Lisbon", "UTC"]
    circle = [Person(zone, [(d, 7 * 60, 21 * 60) for d in range(5)]) for zone in zones]
    start = datetime(2025, 3, 1, tzinfo=UTC)
    began = time.perf_counter()
    slots = free_slots(circle, start, start + timedelta(weeks=8), duration=timedelta(hours=1))
    assert slots
    assert time.perf_counter() - began < 0.5
