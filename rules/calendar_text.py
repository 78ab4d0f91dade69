"""Calendars as people write them: weekdays, shifts ("07:00-11:30,13:00-17:00"), holidays.

Each parser returns the normalised value or raises ValueError with a message that shows the
offending text and how to write it; the rules file repeats these messages verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_MINUTES = 24 * 60


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)  # indexed by date.weekday()
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


@dataclass(frozen=True, order=True)
class Shift:
    """Working hours within a day, in minutes after local midnight; `end` > 1440 runs overnight."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end % DAY_MINUTES or self.end)}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(text: str, *, is_end: bool) -> int:
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise ValueError(f'"{text.strip()}" is not a time of day (use HH:MM, like 07:30)')
    hours, minutes = int(match[1]), int(match[2])
    total = hours * 60 + minutes
    if minutes > 59 or total > DAY_MINUTES or (total == DAY_MINUTES and not is_end):
        raise ValueError(f'"{text.strip()}" is not a time of day (00:00 to 24:00)')
    return total


def _listed(value: object, what: str, example: str) -> list[object]:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    raise ValueError(f"{what}: {value!r} is not a list (write it like {example})")


def parse_shift(text: object) -> Shift:
    """Return the shift "HH:MM-HH:MM" spells; an end at or before the start runs overnight."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a shift (use a range like 07:00-11:30)")
    start_text, dash, end_text = text.partition("-")
    if not dash:
        raise ValueError(f'"{text.strip()}" is not a shift (use a range like 07:00-11:30)')
    start = _minutes(start_text, is_end=False)
    end = _minutes(end_text, is_end=True)
    if end == start:
        raise ValueError(f'"{text.strip()}" is empty (for the whole day write 00:00-24:00)')
    return Shift(start, end if end > start else end + DAY_MINUTES)


def parse_hours(value: str | Iterable[str | Shift]) -> tuple[Shift, ...]:
    """Return the shifts of "07:00-11:30,13:00-17:00" (or a list of ranges), in order.

    Shifts may touch but not overlap, counting an overnight shift's end against the next day's
    first shift.
    """
    if isinstance(value, str):
        value = value.split(",") if value.strip() else []
    items = _listed(value, "hours", '"07:00-11:30,13:00-17:00"')
    shifts = sorted(item if isinstance(item, Shift) else parse_shift(item) for item in items)
    if not shifts:
        raise ValueError("a calendar needs at least one shift (like 07:00-17:00)")
    for index, shift in enumerate(shifts):
        following = shifts[(index + 1) % len(shifts)]
        wraps = index + 1 == len(shifts)  # the last shift meets the next day's first
        if shift.end > following.start + (DAY_MINUTES if wraps else 0):
            if len(shifts) == 1:
                raise ValueError(f"shift {shift} is longer than a day")
            raise ValueError(f"shifts {shift} and {following} overlap")
    return tuple(shifts)


def parse_workdays(value: str | Iterable[str]) -> frozenset[Weekday]:
    """Return the weekdays of ["mon", "tue"], "mon,tue" or a range like "mon-sat"."""
    if isinstance(value, str):
        value = value.split(",")
    items = _listed(value, "workdays", "[mon, tue, wed] or mon-sat")
    days: set[Weekday] = set()
    for item in items:
        first, dash, last = str(item).strip().lower().partition("-")
        span = [_weekday(first)] if not dash else _weekday_range(_weekday(first), _weekday(last))
        days.update(span)
    if not days:
        raise ValueError("a calendar needs at least one working day")
    return frozenset(days)


_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAMES = {
    name: day for day, full in zip(WEEKDAYS, _FULL_NAMES, strict=True) for name in (day, full)
}


def _weekday(text: str) -> Weekday:
    day = _DAY_NAMES.get(text.strip().lower())
    if day is None:
        raise ValueError(f'"{text}" is not a weekday (use mon, tue, wed, thu, fri, sat, sun)')
    return day


def _weekday_range(first: Weekday, last: Weekday) -> list[Weekday]:
    start, stop = WEEKDAYS.index(first), WEEKDAYS.index(last)
    return [WEEKDAYS[(start + offset) % 7] for offset in range((stop - start) % 7 + 1)]


def parse_timezone(name: str) -> str:
    """Return `name` if it is an IANA time zone known here (like "Asia/Ho_Chi_Minh")."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f'"{name}" is not a time zone (use an IANA name like Asia/Ho_Chi_Minh)'
        ) from None
    return name


def parse_holidays(value: Iterable[date | str]) -> frozenset[date]:
    """Return the dates listed, given as dates or ISO strings ("2026-09-02")."""
    days: set[date] = set()
    for item in _listed(value, "holidays", "[2026-01-01, 2026-09-02]"):
        if isinstance(item, datetime) or not isinstance(item, date | str):
            raise ValueError(f"{item!r} is not a date (use YYYY-MM-DD)")
        try:
            days.add(item if isinstance(item, date) else date.fromisoformat(item.strip()))
        except ValueError:
            raise ValueError(f'"{item}" is not a date (use YYYY-MM-DD)') from None
    return frozenset(days)
