"""Dates as typed on site, resolved from an injected `today`; ambiguous forms refused."""

from datetime import date

import pytest

from rules.dates import DateError, parse_date

TUESDAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-04", date(2026, 12, 4)),
        ("2026/12/04", date(2026, 12, 4)),
        ("2027-1-5", date(2027, 1, 5)),
        ("12-04", date(2026, 12, 4)),
        ("12-4", date(2026, 12, 4)),
        ("12-01", date(2026, 12, 1)),
        ("11-30", date(2027, 11, 30)),
        ("02-29", date(2028, 2, 29)),
        ("4 dec", date(2026, 12, 4)),
        ("Dec 4th", date(2026, 12, 4)),
        ("4 December", date(2026, 12, 4)),
        ("today", date(2026, 12, 1)),
        ("TODAY", date(2026, 12, 1)),
        ("tomorrow", date(2026, 12, 2)),
        ("tmrw", date(2026, 12, 2)),
        ("wed", date(2026, 12, 2)),
        ("Friday", date(2026, 12, 4)),
        ("mon", date(2026, 12, 7)),
        ("tue", date(2026, 12, 8)),
        ("+3d", date(2026, 12, 4)),
        ("+2w", date(2026, 12, 15)),
        ("+0d", date(2026, 12, 1)),
        ("+10 days", date(2026, 12, 11)),
        (" +1 week ", date(2026, 12, 8)),
    ],
)
def test_it_reads_the_accepted_forms(text, expected):
    assert parse_date(text, today=TUESDAY) == expected


def test_it_reads_a_weekday_name_as_the_next_one_strictly_after_today():
    assert parse_date("tue", today=TUESDAY) == date(2026, 12, 8)


@pytest.mark.parametrize("text", ["4/12", "12/4", "04.12.", "4.12.2026", "12/04/2026", "4.12"])
def test_it_refuses_day_month_forms_that_read_both_ways_and_lists_the_accepted_ones(text):
    with pytest.raises(DateError) as refused:
        parse_date(text, today=TUESDAY)

    assert "is ambiguous" in str(refused.value)
    assert "2026-12-04, 12-04 (month-day)" in str(refused.value)
    assert "+3d" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no date: use 2026-12-04"),
        ("someday", "`someday` is not a date I can read: use 2026-12-04"),
        ("2026-02-30", "`2026-02-30` is not a day of the calendar"),
        ("13-04", "`13-04`: there is no month 13 — month-day is MM-DD (12-04 is 4 December)"),
        ("02-30", "`02-30`: February has no day 30"),
        ("+9999d", "`+9999d` is more than ten years ahead"),
        ("next tuesday", "`next tuesday` is not a date I can read"),
    ],
)
def test_it_says_what_is_wrong_with_a_date(text, message):
    with pytest.raises(DateError) as refused:
        parse_date(text, today=TUESDAY)

    assert str(refused.value).startswith(message)
