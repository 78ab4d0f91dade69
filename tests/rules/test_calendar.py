from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from rules.calendar import Calendar

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def make_calendar(
    timezone: str = "Asia/Ho_Chi_Minh",
    workdays: str = "mon-sat",
    hours: str = "07:00-11:30,13:00-17:00",
    holidays: tuple[str, ...] = (),
) -> Calendar:
    return Calendar(timezone=timezone, workdays=workdays, hours=hours, holidays=holidays)


def saigon(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SAIGON)


def hours(count: float) -> timedelta:
    return timedelta(hours=count)


# 2026-12-01 is a Tuesday; 2026-12-05 a Saturday, 2026-12-06 a Sunday.


def test_it_counts_only_the_hours_of_the_shifts():
    calendar = make_calendar()

    elapsed = calendar.working_time_between(saigon(2026, 12, 1, 8), saigon(2026, 12, 1, 14))

    assert elapsed == hours(3.5 + 1)


def test_it_counts_nothing_overnight_or_on_sunday():
    calendar = make_calendar()

    elapsed = calendar.working_time_between(saigon(2026, 12, 5, 16), saigon(2026, 12, 7, 8))

    assert elapsed == hours(1 + 1)


def test_it_counts_nothing_on_a_holiday():
    calendar = make_calendar(holidays=("2026-12-02",))

    elapsed = calendar.working_time_between(saigon(2026, 12, 1, 17), saigon(2026, 12, 3, 8))

    assert elapsed == hours(1)


def test_it_counts_nothing_when_the_end_is_not_after_the_start():
    calendar = make_calendar()

    elapsed = calendar.working_time_between(saigon(2026, 12, 1, 10), saigon(2026, 12, 1, 9))

    assert elapsed == timedelta(0)


def test_it_ends_a_working_duration_after_the_lunch_break():
    calendar = make_calendar()

    end = calendar.add_working_time(saigon(2026, 12, 1, 10), hours(2))

    assert end == saigon(2026, 12, 1, 13, 30)


def test_it_ends_a_working_duration_after_the_weekend():
    calendar = make_calendar()

    end = calendar.add_working_time(saigon(2026, 12, 5, 16), hours(2))

    assert end == saigon(2026, 12, 7, 8)


def test_it_ends_a_duration_that_fills_a_shift_exactly_at_the_shift_end():
    calendar = make_calendar()

    end = calendar.add_working_time(saigon(2026, 12, 1, 7), hours(4.5))

    assert end == saigon(2026, 12, 1, 11, 30)


def test_it_finds_where_a_working_duration_before_a_deadline_starts():
    calendar = make_calendar()

    start = calendar.subtract_working_time(saigon(2026, 12, 7, 8), hours(2))

    assert start == saigon(2026, 12, 5, 16)


def test_it_answers_zero_before_a_deadline_with_the_end_of_the_last_shift():
    calendar = make_calendar()

    start = calendar.subtract_working_time(saigon(2026, 12, 6, 12), timedelta(0))

    assert start == saigon(2026, 12, 5, 17)


def test_it_waits_for_the_afternoon_shift_over_lunch():
    calendar = make_calendar()

    start = calendar.next_working_start(saigon(2026, 12, 1, 12))

    assert start == saigon(2026, 12, 1, 13)
    assert not calendar.is_working(saigon(2026, 12, 1, 12))


def test_it_says_now_when_already_working():
    calendar = make_calendar()

    start = calendar.next_working_start(saigon(2026, 12, 1, 9, 15))

    assert start == saigon(2026, 12, 1, 9, 15)
    assert calendar.is_working(saigon(2026, 12, 1, 9, 15))


def test_it_waits_over_a_holiday_and_a_sunday():
    calendar = make_calendar(holidays=("2026-12-07",))

    start = calendar.next_working_start(saigon(2026, 12, 5, 17))

    assert start == saigon(2026, 12, 8, 7)


def test_it_counts_a_night_shift_on_the_day_it_starts():
    calendar = make_calendar(workdays="mon-fri", hours="22:00-06:00")

    friday_night = calendar.working_time_between(saigon(2026, 12, 4, 12), saigon(2026, 12, 5, 12))
    saturday_night = calendar.working_time_between(saigon(2026, 12, 5, 12), saigon(2026, 12, 6, 12))

    assert friday_night == hours(8)
    assert saturday_night == timedelta(0)
    assert calendar.is_working(saigon(2026, 12, 5, 5, 59))


def test_it_counts_a_day_and_night_schedule_across_midnight():
    calendar = make_calendar(workdays="mon-sun", hours="06:00-14:00,22:00-06:00")

    end = calendar.add_working_time(saigon(2026, 12, 1, 13), hours(3))

    assert end == saigon(2026, 12, 2, 0)


def test_it_loses_the_missing_hour_of_a_night_shift_when_berlin_springs_forward():
    calendar = make_calendar(timezone="Europe/Berlin", workdays="mon-sun", hours="22:00-06:00")

    night = calendar.working_time_between(
        datetime(2026, 3, 28, 12, tzinfo=BERLIN), datetime(2026, 3, 29, 12, tzinfo=BERLIN)
    )

    assert night == hours(7)


def test_it_works_the_repeated_hour_of_a_night_shift_when_berlin_falls_back():
    calendar = make_calendar(timezone="Europe/Berlin", workdays="mon-sun", hours="22:00-06:00")

    night = calendar.working_time_between(
        datetime(2026, 10, 24, 12, tzinfo=BERLIN), datetime(2026, 10, 25, 12, tzinfo=BERLIN)
    )

    assert night == hours(9)


def test_it_starts_a_shift_that_begins_in_the_missing_hour_when_the_clocks_jump():
    calendar = make_calendar(timezone="Europe/Berlin", workdays="mon-sun", hours="02:30-05:00")

    start = calendar.next_working_start(datetime(2026, 3, 29, 0, 0, tzinfo=UTC))

    assert start == datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN)
    assert calendar.working_time_between(start, start + hours(6)) == hours(2)


def test_it_starts_a_shift_at_a_repeated_time_on_its_first_occurrence():
    calendar = make_calendar(timezone="Europe/Berlin", workdays="mon-sun", hours="02:30-05:00")

    start = calendar.next_working_start(datetime(2026, 10, 24, 22, 0, tzinfo=UTC))

    assert start == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, not 02:30 CET
    assert calendar.working_time_between(start, start + hours(6)) == hours(3.5)


def test_it_keeps_day_shifts_whole_across_new_york_dst_changes():
    calendar = make_calendar(timezone="America/New_York", workdays="mon-fri", hours="08:00-16:00")

    week = calendar.working_time_between(
        datetime(2026, 3, 6, 12, tzinfo=NEW_YORK), datetime(2026, 3, 13, 12, tzinfo=NEW_YORK)
    )

    assert week == hours(5 * 8)
    assert calendar.next_working_start(datetime(2026, 3, 9, 11, tzinfo=UTC)) == datetime(
        2026, 3, 9, 8, tzinfo=NEW_YORK
    )


def test_it_gives_wall_time_on_a_24_7_calendar_even_over_a_short_dst_day():
    calendar = Calendar.always("America/New_York")

    day = calendar.working_time_between(
        datetime(2026, 3, 8, 0, tzinfo=NEW_YORK), datetime(2026, 3, 9, 0, tzinfo=NEW_YORK)
    )

    assert day == hours(23)


def test_it_starts_a_day_whose_midnight_does_not_exist_when_the_clocks_jump():
    calendar = Calendar.always("America/Santiago")

    start = calendar.start_of_day(date(2026, 9, 6))

    assert start == datetime(2026, 9, 6, 4, tzinfo=UTC)  # 01:00 -03, the first minute of the day


def test_it_counts_a_year_in_saigon_day_by_day_without_iterating():
    calendar = make_calendar(holidays=("2026-01-01", "2026-04-30", "2026-05-01", "2026-09-02"))
    working_days = (
        sum(1 for n in range(365) if (date(2026, 1, 1) + timedelta(days=n)).weekday() != 6) - 4
    )

    year = calendar.working_time_between(saigon(2026, 1, 1), saigon(2027, 1, 1))

    assert year == hours(8.5) * working_days


def test_it_measures_several_years_as_the_sum_of_its_years():
    calendar = make_calendar(timezone="Europe/Berlin", hours="07:00-11:30,13:00-17:00")
    marks = [datetime(year, 1, 1, tzinfo=BERLIN) for year in range(2024, 2030)]

    whole = calendar.working_time_between(marks[0], marks[-1])

    assert whole == sum(
        (calendar.working_time_between(a, b) for a, b in pairwise(marks)),
        timedelta(0),
    )
    last_shift_end = datetime(2028, 12, 30, 17, tzinfo=BERLIN)  # a Saturday
    assert calendar.add_working_time(marks[0], whole) == last_shift_end


def test_it_returns_instants_in_utc():
    calendar = make_calendar()

    end = calendar.add_working_time(saigon(2026, 12, 1, 8), hours(1))

    assert end.tzinfo is UTC
    assert end == saigon(2026, 12, 1, 9)


def test_it_refuses_naive_datetimes():
    calendar = make_calendar()

    with pytest.raises(ValueError, match="no time zone"):
        calendar.is_working(datetime(2026, 12, 1, 9))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timezone": "Mars/Olympus"}, '"Mars/Olympus" is not a time zone'),
        ({"workdays": "mon-funday"}, '"funday" is not a weekday'),
        ({"workdays": []}, "at least one working day"),
        ({"hours": "07:00-11:30,11:00-17:00"}, "shifts 07:00-11:30 and 11:00-17:00 overlap"),
        ({"hours": "22:00-08:00,07:00-12:00"}, "shifts 22:00-08:00 and 07:00-12:00 overlap"),
        ({"hours": "7h-17h"}, '"7h" is not a time of day'),
        ({"hours": "07:00-25:00"}, '"25:00" is not a time of day'),
        ({"hours": "08:00-08:00"}, "for the whole day write 00:00-24:00"),
        ({"hours": "0800-1700"}, '"0800" is not a time of day'),
        ({"hours": "07:00"}, '"07:00" is not a shift'),
        ({"hours": ""}, "at least one shift"),
        ({"holidays": ["2026-02-30"]}, '"2026-02-30" is not a date'),
    ],
)
def test_it_refuses_a_calendar_it_cannot_read_and_says_why(arguments, message):
    with pytest.raises(ValueError) as refused:
        Calendar(**arguments)

    assert message in str(refused.value)


def test_it_describes_itself_in_the_rules_file_shape():
    calendar = make_calendar(workdays="sat,mon-wed", holidays=("2026-09-02",))

    described = calendar.describe()

    assert described == {
        "timezone": "Asia/Ho_Chi_Minh",
        "workdays": ["mon", "tue", "wed", "sat"],
        "hours": "07:00-11:30,13:00-17:00",
        "holidays": ["2026-09-02"],
    }
    assert Calendar(**described) == calendar
