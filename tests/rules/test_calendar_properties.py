"""Properties every working calendar keeps, over random zones, shifts, holidays and instants."""

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.calendar import WEEKDAYS, Calendar
from tests.rules.strategies import ZONES, calendars, durations, instants

MODEST = settings(max_examples=150, deadline=None)
ONE_US = timedelta(microseconds=1)


@MODEST
@given(calendars(), instants(), instants())
def test_it_never_counts_negative_time_nor_more_than_wall_time(calendar, a, b):
    elapsed = calendar.working_time_between(a, b)

    assert timedelta(0) <= elapsed <= max(b - a, timedelta(0))


@MODEST
@given(calendars(), st.lists(instants(), min_size=3, max_size=3))
def test_it_adds_up_over_consecutive_intervals(calendar, marks):
    a, b, c = sorted(marks)

    parts = calendar.working_time_between(a, b) + calendar.working_time_between(b, c)

    assert parts == calendar.working_time_between(a, c)


@MODEST
@given(st.sampled_from(ZONES), instants(), instants())
def test_it_is_wall_time_on_a_24_7_calendar(zone, a, b):
    calendar = Calendar.always(zone)

    elapsed = calendar.working_time_between(a, b)

    assert elapsed == max(b - a, timedelta(0))


@MODEST
@given(st.sampled_from(ZONES), instants(), instants())
def test_it_is_wall_time_on_a_24_7_calendar_written_as_shifts(zone, a, b):
    calendar = Calendar(timezone=zone, hours="00:00-12:00,12:00-24:00")

    elapsed = calendar.working_time_between(a, b)

    assert elapsed == max(b - a, timedelta(0))


@MODEST
@given(calendars(), instants(), durations())
def test_it_ends_a_working_duration_exactly_and_no_earlier(calendar, start, duration):
    end = calendar.add_working_time(start, duration)

    assert calendar.working_time_between(start, end) == duration
    if duration:
        assert calendar.working_time_between(start, end - ONE_US) < duration


@MODEST
@given(calendars(), instants(), durations())
def test_it_starts_a_duration_before_a_deadline_exactly_and_as_early_as_possible(
    calendar, end, duration
):
    start = calendar.subtract_working_time(end, duration)

    assert calendar.working_time_between(start, end) == duration
    assert calendar.working_time_between(start - ONE_US, end) > duration


@MODEST
@given(calendars(), instants())
def test_it_says_working_exactly_when_working_time_passes(calendar, instant):
    working = calendar.is_working(instant)

    assert working == (calendar.working_time_between(instant, instant + ONE_US) == ONE_US)


@MODEST
@given(calendars(), instants())
def test_it_finds_the_next_working_start_with_no_working_time_before_it(calendar, instant):
    start = calendar.next_working_start(instant)

    assert start >= instant
    assert calendar.is_working(start)
    assert calendar.working_time_between(instant, start) == timedelta(0)


def _works_by_the_wall_clock(calendar: Calendar, instant: datetime) -> bool:
    """Return whether the site's wall clock at `instant` reads a time within a shift: an
    oracle independent of the calendar's arithmetic, exact when no shift boundary falls in a
    DST change."""
    local = instant.astimezone(calendar.zone)
    minute = local.hour * 60 + local.minute
    return any(
        WEEKDAYS[day.weekday()] in calendar.workdays
        and day not in calendar.holidays
        and any(s.start <= minute + offset < s.end for s in calendar.hours)
        for day, offset in ((local.date(), 0), (local.date() - timedelta(days=1), 1440))
    )


@settings(max_examples=60, deadline=None)
@given(
    calendars(low=4 * 60, high=22 * 60),  # boundaries away from the hours clocks change
    instants(resolution_seconds=60),
    st.integers(0, 3 * 24 * 60),
)
def test_it_agrees_with_reading_the_wall_clock_minute_by_minute(calendar, start, minutes):
    end = start + timedelta(minutes=minutes)

    elapsed = calendar.working_time_between(start, end)

    sampled = sum(
        _works_by_the_wall_clock(calendar, start + timedelta(minutes=m)) for m in range(minutes)
    )
    assert elapsed == timedelta(minutes=sampled)


def test_the_wall_clock_oracle_itself_sees_a_lunch_break():
    calendar = Calendar(timezone="UTC", hours="07:00-11:30,13:00-17:00")
    noon = datetime.combine(datetime(2026, 12, 1).date(), time(12), tzinfo=UTC)

    working = _works_by_the_wall_clock(calendar, noon)

    assert not working
