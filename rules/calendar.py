"""Working calendars: when a site works, and how much working time lies between two instants.

A calendar is a time zone, the working weekdays, one or more shifts a day in local wall-clock
time, and holidays. Each working day contributes its shifts as intervals of real time; a shift
belongs to the day it starts on, and may run past midnight ("22:00-06:00").

How wall-clock times become instants, deliberately:

- A time that does not exist (the clocks jump forward over it) is read as the instant the clocks
  jump: a shift "02:00-04:00" on the night Berlin springs forward runs 03:00-04:00 CEST, one hour.
  Nothing is ever worked in the missing hour.
- A time that happens twice (the clocks fall back) is read as its first occurrence: on the
  night Berlin falls back, a shift "02:30-05:00" starts at the first 02:30 and works through the
  repeated hour (3.5 real hours), and "00:00-04:00" lasts five real hours, as the crew works them.

Both rules map wall time to real time monotonically, so the intervals of successive shifts and
days never overlap, and working time can be summed day by day without double counting.

How it stays fast: every day's intervals are computed once (cached) and, per year, a table of
cumulative working time at each day's start. Working time between two instants is then a
difference of two cumulative values, and the instant a working duration ends is a binary search
in the year's table, whatever the span.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rules.calendar_text import (
    DAY_MINUTES,
    WEEKDAYS,
    Shift,
    Weekday,
    parse_holidays,
    parse_hours,
    parse_shift,
    parse_timezone,
    parse_workdays,
)

__all__ = [
    "ALWAYS",
    "WEEKDAYS",
    "Calendar",
    "Shift",
    "Weekday",
    "parse_holidays",
    "parse_hours",
    "parse_shift",
    "parse_timezone",
    "parse_workdays",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_ONE_US = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)
_MAX_SCAN_DAYS = 10 * 366  # next_working_start gives up after ten years without work


@dataclass
class _Cache:
    """What a calendar computes once: its zone, each day's intervals, each year's table."""

    zone: ZoneInfo
    always: bool
    days: dict[date, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    years: dict[int, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Calendar:
    """A site's working time. The defaults make a 24/7 calendar in UTC.

    Arguments are normalised: `workdays` may be ["mon", …] or "mon-sat", `hours` a string like
    "07:00-11:30,13:00-17:00", `holidays` dates or ISO strings. Invalid values raise ValueError.
    Instants passed in must be timezone-aware; instants returned are in UTC.
    """

    timezone: str = "UTC"
    workdays: frozenset[Weekday] = frozenset(Weekday)
    hours: tuple[Shift, ...] = (Shift(0, DAY_MINUTES),)
    holidays: frozenset[date] = frozenset()
    _cache: _Cache = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # normalising a frozen dataclass once, at construction
        set_(self, "timezone", parse_timezone(self.timezone))
        set_(self, "workdays", parse_workdays(self.workdays))
        set_(self, "hours", parse_hours(self.hours))
        set_(self, "holidays", parse_holidays(self.holidays))
        always = (
            len(self.workdays) == 7 and self.hours == (Shift(0, DAY_MINUTES),) and not self.holidays
        )
        set_(self, "_cache", _Cache(ZoneInfo(self.timezone), always))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.describe().items())
        return f"Calendar({fields})"

    @classmethod
    def always(cls, timezone: str = "UTC") -> Calendar:
        """Return the calendar that is always working: working time is wall time."""
        return cls(timezone=timezone)

    @property
    def zone(self) -> ZoneInfo:
        return self._cache.zone

    @property
    def is_always(self) -> bool:
        """Return whether every instant is working time (24/7, no holidays)."""
        return self._cache.always

    def describe(self) -> dict[str, object]:
        """Return the calendar in the rules-file shape (for JSON columns and messages)."""
        return {
            "timezone": self.timezone,
            "workdays": [day.value for day in WEEKDAYS if day in self.workdays],
            "hours": ",".join(str(shift) for shift in self.hours),
            "holidays": sorted(day.isoformat() for day in self.holidays),
        }

    # --- questions about instants ------------------------------------------------------------

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Return the working time elapsed from `start` to `end`; zero if `end` <= `start`."""
        start_us, end_us = _us(start), _us(end)
        if end_us <= start_us:
            return timedelta(0)
        if self.is_always:
            return (end_us - start_us) * _ONE_US
        base = self._base_year(start_us)
        return (self._cumulative(end_us, base) - self._cumulative(start_us, base)) * _ONE_US

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """Return the earliest instant by which `duration` of working time has passed since
        `start` (`start` itself for zero)."""
        amount = _duration_us(duration)
        start_us = _us(start)
        if amount == 0 or self.is_always:
            return _instant(start_us + amount)
        base = self._base_year(start_us)
        return _instant(self._instant_at(self._cumulative(start_us, base) + amount, base))

    def subtract_working_time(self, end: datetime, duration: timedelta) -> datetime:
        """Return the earliest instant from which at most `duration` of working time remains
        until `end` (for zero: the end of the last working period before `end`, or `end`)."""
        amount = _duration_us(duration)
        end_us = _us(end)
        if self.is_always:
            return _instant(end_us - amount)
        base = self._base_year(end_us)
        while True:
            target = self._cumulative(end_us, base) - amount
            if target > self._year_table(base)[7]:  # lands a week or more after the base
                return _instant(self._instant_at(target, base))
            base -= 1

    def is_working(self, instant: datetime) -> bool:
        """Return whether `instant` falls within a shift on a working day."""
        point = _us(instant)
        if self.is_always:
            return True
        day = self._local_date(point)
        spans = (span for offset in (-1, 0, 1) for span in self._intervals(day + offset * _ONE_DAY))
        return any(begin <= point < stop for begin, stop in spans)

    def next_working_start(self, instant: datetime) -> datetime:
        """Return `instant` if it is working time, else the start of the next shift."""
        point = _us(instant)
        if self.is_working(instant):
            return _instant(point)
        day = self._local_date(point) - _ONE_DAY
        for _ in range(_MAX_SCAN_DAYS):
            for begin, _stop in self._intervals(day):
                if begin > point:
                    return _instant(begin)
            day += _ONE_DAY
        raise ValueError("this calendar has no working time in the next ten years")

    def is_working_day(self, day: date) -> bool:
        """Return whether local `day` has a shift (a working weekday, not a holiday)."""
        return bool(self._intervals(day))

    def end_of_working_day(self, day: date) -> datetime | None:
        """Return when local `day`'s last shift ends, or None if `day` is not worked."""
        spans = self._intervals(day)
        return _instant(spans[-1][1]) if spans else None

    def next_working_day(self, day: date) -> date | None:
        """Return the first working day after local `day` (within ten years), or None."""
        for offset in range(1, _MAX_SCAN_DAYS):
            if self._intervals(day + offset * _ONE_DAY):
                return day + offset * _ONE_DAY
        return None

    def previous_working_day(self, day: date) -> date | None:
        """Return the last working day before local `day` (within ten years), or None."""
        for offset in range(1, _MAX_SCAN_DAYS):
            if self._intervals(day - offset * _ONE_DAY):
                return day - offset * _ONE_DAY
        return None

    def start_of_day(self, day: date) -> datetime:
        """Return the instant local `day` begins (after the jump if midnight does not exist)."""
        return _instant(self._local_to_us(datetime.combine(day, time())))

    def local_date(self, instant: datetime) -> date:
        """Return the date on the site's wall calendar at `instant`."""
        return self._local_date(_us(instant))

    # --- the machinery -----------------------------------------------------------------------

    def _local_date(self, point: int) -> date:
        return _instant(point).astimezone(self.zone).date()

    def _base_year(self, point: int) -> int:
        """Return a year whose start lies at least two local days before `point`: from there,
        no earlier day's shift reaches `point`, so cumulative differences are exact."""
        return (self._local_date(point) - 3 * _ONE_DAY).year

    def _cumulative(self, point: int, base: int) -> int:
        """Return the working time (µs) of all shifts of days from 1 January `base` up to `point`.

        Days up to two before `point`'s local date end before it, whole; the shifts of the three
        days around it are cut at `point`; later days start after it.
        """
        day = self._local_date(point)
        total = self._prefix(base, day - _ONE_DAY)
        for offset in (-1, 0, 1):
            for begin, stop in self._intervals(day + offset * _ONE_DAY):
                if begin >= point:
                    break
                total += min(stop, point) - begin
        return total

    def _instant_at(self, target: int, base: int) -> int:
        """Return the earliest instant (µs) at which `_cumulative(·, base)` reaches `target` > 0.

        1. Skip whole years whose working time stays below the target.
        2. Binary-search the year's table for the day on which the target is reached.
        3. Walk that day's shifts to the exact instant.
        """
        year, reached = base, 0
        while reached + self._year_table(year)[-1] < target:
            reached += self._year_table(year)[-1]
            year += 1
        table = self._year_table(year)
        index = bisect_left(table, target - reached)  # table[index - 1] < target <= table[index]
        reached += table[index - 1]
        for begin, stop in self._intervals(date(year, 1, 1) + (index - 1) * _ONE_DAY):
            if reached + (stop - begin) >= target:
                return begin + (target - reached)
            reached += stop - begin
        raise AssertionError("year table and day intervals disagree")  # pragma: no cover

    def _prefix(self, base: int, day: date) -> int:
        """Return the working time (µs) of the days from 1 January `base` up to `day` (excl.)."""
        assert day.year >= base, "the base year must not be after the day"
        years = sum(self._year_table(year)[-1] for year in range(base, day.year))
        return (
            years + self._year_table(day.year)[day.toordinal() - date(day.year, 1, 1).toordinal()]
        )

    def _year_table(self, year: int) -> list[int]:
        """Return [0, work of 1 Jan, work of 1–2 Jan, …]: cumulative µs at each day's end."""
        table = self._cache.years.get(year)
        if table is None:
            table, total, day = [0], 0, date(year, 1, 1)
            while day.year == year:
                total += sum(stop - begin for begin, stop in self._intervals(day))
                table.append(total)
                day += _ONE_DAY
            self._cache.years[year] = table
        return table

    def _intervals(self, day: date) -> tuple[tuple[int, int], ...]:
        """Return the real-time intervals (µs) of the shifts starting on local `day`."""
        spans = self._cache.days.get(day)
        if spans is None:
            spans = ()
            if WEEKDAYS[day.weekday()] in self.workdays and day not in self.holidays:
                midnight = datetime.combine(day, time())
                bounds = [
                    (
                        self._local_to_us(midnight + shift.start * _ONE_MINUTE),
                        self._local_to_us(midnight + shift.end * _ONE_MINUTE),
                    )
                    for shift in self.hours
                ]
                spans = tuple((begin, stop) for begin, stop in bounds if stop > begin)
            self._cache.days[day] = spans
        return spans

    def _local_to_us(self, wall: datetime) -> int:
        """Return the instant (µs) of naive local `wall` time, by the rules in the module doc."""
        zone = self._cache.zone
        before = zone.utcoffset(wall)  # fold 0
        after = zone.utcoffset(wall.replace(fold=1))
        assert before is not None and after is not None
        naive = (wall - _NAIVE_EPOCH) // _ONE_US
        if before >= after:  # exists once (equal), or twice (fold 0 is the first occurrence)
            return naive - before // _ONE_US
        # In a gap: the jump happens after naive - after, and at or before naive - before.
        low, high = naive - after // _ONE_US, naive - before // _ONE_US
        while high - low > 1:
            middle = (low + high) // 2
            if _instant(middle).astimezone(self.zone).utcoffset() == after:
                high = middle
            else:
                low = middle
        return high


def _us(instant: datetime) -> int:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{instant!r} has no time zone; calendars need aware datetimes")
    return (instant - _EPOCH) // _ONE_US


def _instant(point: int) -> datetime:
    return _EPOCH + point * _ONE_US


def _duration_us(duration: timedelta) -> int:
    if duration < timedelta(0):
        raise ValueError(f"a working duration cannot be negative ({duration})")
    return duration // _ONE_US


ALWAYS = Calendar()
