"""Hypothesis strategies shared by the rules' property tests: calendars, instants, durations."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from rules.calendar import WEEKDAYS, Calendar

# Zones with and without DST, including a 30-minute DST (Lord Howe) and one that moves its
# clocks at midnight (Santiago).
ZONES = [
    "UTC",
    "Asia/Ho_Chi_Minh",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kathmandu",
]
# Instants stay within 2026, so each generated calendar builds few year tables.
START = datetime(2026, 1, 6, tzinfo=UTC)
SPAN_SECONDS = 355 * 24 * 3600


def _shift_text(start: int, end: int) -> str:
    def clock(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    return f"{clock(start % 1440)}-{'24:00' if end == 1440 else clock(end % 1440)}"


@st.composite
def shift_lists(draw, *, low: int = 0, high: int = 1440) -> list[str]:
    """Draw one to three shifts as "HH:MM-HH:MM", on a 15-minute grid, possibly overnight.

    Every boundary, taken modulo a day, lies in [low, high].
    """
    grid = [m for m in range(0, 2 * 1440 + 1, 15) if low <= m % 1440 <= high or m == high]
    count = draw(st.integers(1, 3))
    first = draw(st.sampled_from([m for m in grid if m < 1440]))
    later = [m for m in grid if first < m < first + 1440 or m == 1440 == first + 1440]
    points = sorted(
        draw(
            st.lists(
                st.sampled_from(later), min_size=2 * count - 1, max_size=2 * count - 1, unique=True
            )
        )
    )
    bounds = [first, *points]
    return [_shift_text(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]


@st.composite
def calendars(draw, *, zones=ZONES, low: int = 0, high: int = 1440, min_days: int = 1) -> Calendar:
    """Draw a calendar: a zone, `min_days` or more workdays, one to three shifts, a few
    holidays."""
    days = draw(st.sets(st.sampled_from(WEEKDAYS), min_size=min_days))
    holidays = draw(st.lists(st.dates(date(2025, 12, 1), date(2027, 1, 31)), max_size=8))
    return Calendar(
        timezone=draw(st.sampled_from(zones)),
        workdays=sorted(days),
        hours=draw(shift_lists(low=low, high=high)),
        holidays=holidays,
    )


def instants(*, resolution_seconds: int = 1) -> st.SearchStrategy[datetime]:
    """Draw an aware instant in 2026 (UTC), on a whole number of `resolution_seconds`."""
    steps = SPAN_SECONDS // resolution_seconds
    return st.integers(0, steps).map(lambda n: START + timedelta(seconds=n * resolution_seconds))


def durations(max_hours: int = 24 * 40) -> st.SearchStrategy[timedelta]:
    """Draw a duration up to `max_hours`, to the second."""
    return st.integers(0, max_hours * 3600).map(lambda s: timedelta(seconds=s))
