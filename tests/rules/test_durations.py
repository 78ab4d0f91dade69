from datetime import timedelta

import pytest

from rules.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45s", timedelta(seconds=45)),
        ("30m", timedelta(minutes=30)),
        ("10h", timedelta(hours=10)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        (" 8H ", timedelta(hours=8)),
        ("0m", timedelta(0)),
        (0, timedelta(0)),
    ],
)
def test_it_reads_durations_as_rules_files_write_them(text, expected):
    duration = parse_duration(text)

    assert duration == expected


@pytest.mark.parametrize("text", ["10x", "", "h", "1.5h", "-2h", "10 h", "1h 30m", "ten hours"])
def test_it_refuses_what_is_not_a_duration_and_says_how_to_write_one(text):
    with pytest.raises(ValueError) as refused:
        parse_duration(text)

    assert str(refused.value) == f'"{text}" is not a duration (use 45s, 30m, 10h, 2d, 1w or 1h30m)'


@pytest.mark.parametrize("text", ["30m1h", "1h1h"])
def test_it_wants_each_unit_once_and_largest_first(text):
    with pytest.raises(ValueError) as refused:
        parse_duration(text)

    assert "largest first" in str(refused.value)


@pytest.mark.parametrize("value", [10, 1.5, True, None, ["1h"]])
def test_it_refuses_numbers_without_a_unit(value):
    with pytest.raises(ValueError) as refused:
        parse_duration(value)

    assert "is not a duration" in str(refused.value)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(days=9), "9d"),
        (timedelta(0), "0m"),
        (timedelta(seconds=45), "45s"),
        (-timedelta(hours=2), "-2h"),
    ],
)
def test_it_writes_durations_back_the_same_way(delta, text):
    written = format_duration(delta)

    assert written == text
    assert parse_duration(written.lstrip("-")) == abs(delta)
