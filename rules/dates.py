"""Dates as people type them on site, resolved against `today` (in the project's timezone).

| written                                   | means                                             |
|-------------------------------------------|---------------------------------------------------|
| `2026-12-04`, `2026/12/04`                | that date (year first: never ambiguous)           |
| `12-04`, `12-4`                           | month-day: the next 4 December on or after today  |
| `4 dec`, `dec 4`, `4 December`            | the same, with the month by name                  |
| `today`                                   | today                                             |
| `tomorrow`, `tmr`, `tmrw`                 | the day after today                               |
| `mon` … `sun`, `monday` …, `tues`, `thurs`| the next such day strictly after today: on a      |
|                                           | Monday, `mon` is next week's Monday               |
| `+3d`, `+2w`, `+3 days`, `+1 week`        | today plus that many days or weeks                |

Refused, with these forms listed: `4/12`, `12/4`, `04.12.`, `4.12.2026`, `12/04/2026` — the day
and the month could be either way round, and a wrong guess moves a deadline by months.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

ACCEPTED_FORMS = (
    "2026-12-04, 12-04 (month-day), 4 dec, today, tomorrow, mon…sun (the next one), +3d, +2w"
)
MAX_OFFSET_DAYS = 3660  # `+Nd` reaches at most ten years ahead

_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}
# English names, spelled out rather than taken from `calendar`, which follows the locale.
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS = {
    name: number
    for number, full in enumerate(_MONTH_NAMES, start=1)
    for name in (full.lower(), full[:3].lower())
} | {"sept": 9}

_ISO = re.compile(r"(?P<y>[0-9]{4})[-/](?P<m>[0-9]{1,2})[-/](?P<d>[0-9]{1,2})")
_MONTH_DAY = re.compile(r"(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")
_DAY_NAMED = re.compile(r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?\s*(?P<name>[a-z]+)\.?")
_NAMED_DAY = re.compile(r"(?P<name>[a-z]+)\.?\s*(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?")
_OFFSET = re.compile(r"\+\s*(?P<n>[0-9]{1,5})\s*(?P<unit>d|days?|w|wks?|weeks?)")
_AMBIGUOUS = re.compile(r"[0-9]{1,4}\s*[/.]\s*[0-9]{1,2}(?:\s*[/.]\s*[0-9]{0,4})?\.?")


class DateError(ValueError):
    """A date that cannot be read; the message lists the accepted forms."""


def parse_date(text: str, *, today: date) -> date:
    """Return the date `text` means, counted from `today`.

    Args:
        text: what the person typed (`2026-12-04`, `12-04`, `fri`, `+3d` …), any case.
        today: the current date in the project's timezone.

    Raises DateError saying what is wrong and listing the accepted forms.
    """
    written = " ".join(text.strip().lower().split())
    for read in (_relative, _iso, _month_day, _named_month):
        found = read(written, today)
        if found is not None:
            return found
    if _AMBIGUOUS.fullmatch(written):
        raise DateError(
            f"`{text.strip()}` is ambiguous (which is the day, which the month?): "
            f"use {ACCEPTED_FORMS}"
        )
    if not written:
        raise DateError(f"no date: use {ACCEPTED_FORMS}")
    raise DateError(f"`{text.strip()}` is not a date I can read: use {ACCEPTED_FORMS}")


def _relative(written: str, today: date) -> date | None:
    """Return the date of `today`, `tomorrow`, a weekday name, or `+3d`/`+2w`."""
    if written == "today":
        return today
    if written in ("tomorrow", "tmr", "tmrw"):
        return today + timedelta(days=1)
    if written in _WEEKDAYS:
        return today + timedelta(days=(_WEEKDAYS[written] - today.weekday() - 1) % 7 + 1)
    match = _OFFSET.fullmatch(written)
    if match is None:
        return None
    days = int(match.group("n")) * (7 if match.group("unit").startswith("w") else 1)
    if days > MAX_OFFSET_DAYS:
        raise DateError(f"`{written}` is more than ten years ahead: give a date like 2026-12-04")
    return today + timedelta(days=days)


def _iso(written: str, today: date) -> date | None:
    """Return the date of `2026-12-04` (or `2026/12/04`)."""
    match = _ISO.fullmatch(written)
    if match is None:
        return None
    return _checked(int(match.group("y")), int(match.group("m")), int(match.group("d")), written)


def _month_day(written: str, today: date) -> date | None:
    """Return the next `MM-DD` on or after `today`."""
    match = _MONTH_DAY.fullmatch(written)
    if match is None:
        return None
    month, day = int(match.group("m")), int(match.group("d"))
    if not 1 <= month <= 12:
        raise DateError(
            f"`{written}`: there is no month {month} — month-day is MM-DD (12-04 is 4 December)"
        )
    return _next(month, day, today, written)


def _named_month(written: str, today: date) -> date | None:
    """Return the next `4 dec` / `dec 4` on or after `today`."""
    match = _DAY_NAMED.fullmatch(written) or _NAMED_DAY.fullmatch(written)
    if match is None or match.group("name") not in _MONTHS:
        return None
    return _next(_MONTHS[match.group("name")], int(match.group("d")), today, written)


def _next(month: int, day: int, today: date, written: str) -> date:
    """Return the first `month`-`day` on or after `today` (29 February: the next leap year)."""
    if not 1 <= day <= calendar.monthrange(2000, month)[1]:  # 2000: a leap year
        raise DateError(f"`{written}`: {_MONTH_NAMES[month - 1]} has no day {day}")
    for year in range(today.year, today.year + 9):
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day)
    raise DateError(f"`{written}` is not a date I can read: use {ACCEPTED_FORMS}")


def _checked(year: int, month: int, day: int, written: str) -> date:
    """Return the date, or raise DateError naming what does not exist."""
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"`{written}` is not a day of the calendar: use {ACCEPTED_FORMS}") from None
