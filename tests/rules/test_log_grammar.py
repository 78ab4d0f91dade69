"""The `/log` grammar (`rules.grammar.log`): what each line reads as; junk is refused, never
a crash."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.grammar.log import Delay, LogError, LogLine, Manpower, Weather, Window, parse_log

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("written", "length"),
    [
        ("3h", timedelta(hours=3)),
        ("90min", timedelta(minutes=90)),
        ("1h30", timedelta(minutes=90)),
        ("1.5h", timedelta(minutes=90)),
        ("45m", timedelta(minutes=45)),
        ("2 hours", None),
    ],
)
def test_a_delay_lasts_a_duration_as_people_write_it(written, length):
    if length is None:  # two words: the duration is one word, the reason follows
        with pytest.raises(LogError):
            parse_log(f"delay all weather {written}", TODAY)
        return
    line = parse_log(f"delay all weather {written} rain", TODAY)
    assert line.entry == Delay("all", "weather", "rain", duration=length)


def test_the_weather_reads_its_numbers_and_keeps_the_rest_as_typed():
    line = parse_log("weather light rain, 12.5 mm, 24 C stopped 13:00-14:30 wind", TODAY)

    assert line == LogLine(
        TODAY,
        Weather("light rain, wind", Decimal("12.5"), Decimal(24), Window(time(13), time(14, 30))),
    )


def test_manpower_and_a_day_before_today():
    line = parse_log("manpower yesterday Rebar 4 7.5h", TODAY)
    assert line == LogLine(date(2026, 11, 30), Manpower("Rebar", 4, Decimal("7.5")))


@given(st.text(max_size=120))
def test_any_line_is_read_or_refused_with_a_reason(text):
    try:
        line = parse_log(text, TODAY)
    except LogError as refusal:
        assert str(refusal)
        return
    assert line.day <= TODAY
    if isinstance(line.entry, Delay):
        assert timedelta() < line.entry.length <= timedelta(hours=24)
