"""Durations as people write them in rules files: `45s`, `30m`, `10h`, `2d`, `1w`, `1h30m`.

A day is 24 hours and a week 7 days, whatever clock a rule measures on: on the working clock
`1d` is 24 *working* hours (about three site days), so working-clock rules are written in hours.
"""

from __future__ import annotations

import re
from datetime import timedelta

UNITS: dict[str, timedelta] = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
    "s": timedelta(seconds=1),
}
HINT = "use 45s, 30m, 10h, 2d, 1w or 1h30m"

# One or more <number><unit> parts, largest unit first, each unit at most once.
_PART = re.compile(r"(\d+)([wdhms])")
_WHOLE = re.compile(r"(?:\d+[wdhms])+")


def parse_duration(text: object) -> timedelta:
    """Return the duration `text` spells, e.g. "1h30m"; raise ValueError saying why not.

    `0` alone is accepted as zero (YAML turns `0m` into a string but `0` into a number).
    """
    if isinstance(text, timedelta):
        return text
    if isinstance(text, int) and not isinstance(text, bool) and text == 0:
        return timedelta(0)
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a duration ({HINT}, with a unit)")
    compact = text.strip().lower()
    if not _WHOLE.fullmatch(compact):
        raise ValueError(f'"{text}" is not a duration ({HINT})')
    parts = _PART.findall(compact)
    units = [unit for _, unit in parts]
    order = list(UNITS)
    if len(set(units)) != len(units) or units != sorted(units, key=order.index):
        raise ValueError(f'"{text}" is not a duration (write each unit once, largest first: 1h30m)')
    return sum((int(number) * UNITS[unit] for number, unit in parts), timedelta(0))


def format_duration(delta: timedelta) -> str:
    """Return `delta` the way a rules file writes it, e.g. "1h30m"; zero is "0m"."""
    if delta < timedelta(0):
        return "-" + format_duration(-delta)
    seconds = int(delta.total_seconds())
    parts = []
    for unit in ("d", "h", "m", "s"):  # weeks read better as days in messages ("9d")
        size = int(UNITS[unit].total_seconds())
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0m"
