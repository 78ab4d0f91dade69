"""`/log`, the site's daily log, as superintendents type it (pure).

    /log weather rain 25mm 27°C stopped 07:00-10:00
    /log delay TWR-42 materials 3h waiting for pump
    /log delay Concrete labour 2h short of fixers
    /log delay all weather 07:00-10:00 heavy rain
    /log manpower Concrete 6 8h
    /log note crane inspection passed
    /log                      (today's log)   /log yesterday   /log 2026-12-01

A section may be followed by the day it is for (`yesterday` or `2026-12-01`); else it is for
today. A delay is for a task (`TWR-42`), a crew (by name) or the whole project (`all`), of one
of the rulebook's delay types, lasting a duration (`3h`, `90min`, `1h30`) or a window of the
day (`07:00-10:00`), for the reason that follows. Weather reads its precipitation (`25mm`),
temperature (`27°C`, `27C`) and a stoppage window (`stopped 07:00-10:00`), which is also a
weather delay for the whole project; the rest is the conditions, as typed.

`parse_log` returns what was asked, or raises `LogError` with what to type instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

DEFAULT_DELAY_TYPES = (
    "weather",
    "materials",
    "labour",
    "equipment",
    "information",
    "permits",
    "predecessor",
    "access",
    "inspection",
    "other",
)
SECTIONS = ("weather", "delay", "manpower", "note")
USAGE = (
    "Type `/log weather rain 25mm 27°C stopped 07:00-10:00`, "
    "`/log delay TWR-42 materials 3h waiting for pump`, `/log manpower Concrete 6 8h`, "
    "`/log note crane inspection passed`, or `/log` for today's log (`/log yesterday`, "
    "`/log 2026-12-01` for another day)."
)
ALL = "all"  # a delay for the whole project
MAX_WORKERS = 10_000
MAX_DELAY = timedelta(hours=24)
_TASK = re.compile(r"^[A-Za-z]{2,6}-[0-9]{1,9}$")
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_CLOCK = r"(?P<{0}h>[0-9]{{1,2}})(?::(?P<{0}m>[0-9]{{2}}))?"
_WINDOW = re.compile(
    rf"(?<![\w:.]){_CLOCK.format('a')}\s*(?:-|–|to)\s*{_CLOCK.format('b')}(?![\w:])",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"^(?:(?P<h>[0-9]+(?:\.[0-9]+)?)\s*(?:h|hrs?|hours?)(?:\s*(?P<hm>[0-9]{1,2})(?:\s*m(?:in)?)?)?"
    r"|(?P<m>[0-9]+)\s*(?:m|mins?|minutes?))$",
    re.IGNORECASE,
)
_PRECIPITATION = re.compile(r"(?<![\w.])(?P<n>[0-9]+(?:\.[0-9]+)?)\s*mm(?![\w])", re.IGNORECASE)
_TEMPERATURE = re.compile(
    r"(?<![\w.])(?P<n>-?[0-9]+(?:\.[0-9]+)?)\s*(?:°\s*C|℃|C)(?![\w])", re.IGNORECASE
)
_STOPPED = re.compile(r"(?<!\w)(?:stopped|stoppage|stop)\s+", re.IGNORECASE)
_HOURS = re.compile(r"^(?P<n>[0-9]+(?:\.[0-9]+)?)\s*(?:h|hrs?|hours?)$", re.IGNORECASE)


class LogError(ValueError):
    """What was wrong with a `/log` line, and what to type instead (nothing is stored)."""


@dataclass(frozen=True)
class Window:
    """A stretch of a day, in site time: 07:00–10:00."""

    start: time
    end: time

    @property
    def length(self) -> timedelta:
        return timedelta(
            hours=self.end.hour - self.start.hour, minutes=self.end.minute - self.start.minute
        )


@dataclass(frozen=True)
class Weather:
    conditions: str
    precipitation_mm: Decimal | None = None
    temperature_c: Decimal | None = None
    stopped: Window | None = None


@dataclass(frozen=True)
class Delay:
    scope: str  # ALL, a task key ("TWR-42", upper case) or a crew's name as typed
    delay_type: str
    reason: str
    duration: timedelta | None = None  # one of the two
    window: Window | None = None

    @property
    def length(self) -> timedelta:
        return self.window.length if self.window is not None else self.duration or timedelta()


@dataclass(frozen=True)
class Manpower:
    crew: str
    workers: int
    hours: Decimal | None = None


@dataclass(frozen=True)
class Note:
    text: str


Entry = Weather | Delay | Manpower | Note


@dataclass(frozen=True)
class LogLine:
    """A `/log` line: an entry to record on `day`, or (entry None) the log of `day` to show."""

    day: date
    entry: Entry | None = None


def parse_log(text: str, today: date, delay_types: Sequence[str] = DEFAULT_DELAY_TYPES) -> LogLine:
    """Return what `/log text` asks for, typed on the site's `today`."""
    words = text.split()
    if not words:
        return LogLine(today)
    section = words[0].lower()
    if section not in SECTIONS:
        day = _day(words[0], today) if len(words) == 1 else None
        if day is None:
            raise LogError(f"`{words[0][:40]}` is not a section of the log, nor a day. {USAGE}")
        return LogLine(day)
    rest = words[1:]
    day = _day(rest[0], today) if rest else None
    if day is not None:
        rest = rest[1:]
    day = day or today
    body = " ".join(rest)
    if section == "weather":
        return LogLine(day, _weather(body))
    if section == "delay":
        return LogLine(day, _delay(rest, delay_types))
    if section == "manpower":
        return LogLine(day, _manpower(rest))
    if not body:
        raise LogError("Say what to note: `/log note crane inspection passed`.")
    return LogLine(day, Note(body))


def _day(word: str, today: date) -> date | None:
    """Return the day a word names (`today`, `yesterday`, `2026-12-01`), or None."""
    lowered = word.lower()
    if lowered == "today":
        return today
    if lowered == "yesterday":
        return today - timedelta(days=1)
    if not _DAY.match(word):
        return None
    try:
        day = date.fromisoformat(word)
    except ValueError:
        raise LogError(
            f"`{word}` is not a day: write it as YYYY-MM-DD, e.g. {today.isoformat()}."
        ) from None
    if day > today:
        raise LogError(f"{word} is still to come: the log is kept for today and the days before.")
    return day


def _window(match: re.Match[str]) -> Window:
    try:
        start = time(int(match.group("ah")), int(match.group("am") or 0))
        end = time(int(match.group("bh")), int(match.group("bm") or 0))
    except ValueError:
        raise LogError(
            f"`{match.group()}` is not a stretch of a day: write it as 07:00-10:00."
        ) from None
    if end <= start:
        raise LogError(f"`{match.group()}` ends before it starts: write it as 07:00-10:00.")
    return Window(start, end)


def _weather(body: str) -> Weather:
    if not body:
        raise LogError(
            "Say what the weather is: `/log weather rain 25mm 27°C stopped 07:00-10:00`."
        )
    stopped = None
    found = _STOPPED.search(body)
    if found is not None:
        window = _WINDOW.match(body, found.end())
        if window is None:
            raise LogError("Say when work stopped: `stopped 07:00-10:00`.")
        stopped = _window(window)
        body = body[: found.start()] + body[window.end() :]
    precipitation, body = _take(_PRECIPITATION, body)
    temperature, body = _take(_TEMPERATURE, body)
    # What the numbers leave behind ("rain, , wind") reads as the person wrote the rest.
    conditions = re.sub(r"(?:\s*[,;]\s*)+", ", ", " ".join(body.split())).strip(" ,;")
    if not conditions and stopped is None and precipitation is None and temperature is None:
        raise LogError("Say what the weather is: `/log weather rain 25mm 27°C`.")
    return Weather(conditions, precipitation, temperature, stopped)


def _take(pattern: re.Pattern[str], body: str) -> tuple[Decimal | None, str]:
    """Return the number `pattern` finds in `body` (its digits only), and the body without it."""
    match = pattern.search(body)
    if match is None:
        return None, body
    return Decimal(match.group("n")), body[: match.start()] + body[match.end() :]


def _delay(words: list[str], delay_types: Sequence[str]) -> Delay:
    example = "`/log delay TWR-42 materials 3h waiting for pump`"
    if len(words) < 2:
        raise LogError(f"Say what was delayed, by what, how long and why: {example}.")
    scope, kind = words[0], words[1].lower()
    if _TASK.match(scope):
        scope = scope.upper()
    elif scope.lower() in (ALL, "project"):
        scope = ALL
    if kind not in delay_types:
        raise LogError(
            f"`{words[1][:40]}` is not a delay type. Use one of: {', '.join(delay_types)} "
            f"— {example}."
        )
    rest = " ".join(words[2:])
    window_match = _WINDOW.match(rest)
    duration = window = None
    if window_match is not None:
        window = _window(window_match)
        reason = rest[window_match.end() :].strip()
    else:
        first, _, reason = rest.partition(" ")
        duration = _duration(first)
        if duration is None:
            raise LogError(
                f"Say how long: a duration (`3h`, `90min`) or a window (`07:00-10:00`) — {example}."
            )
    if not reason:
        raise LogError(f"Say why: {example}.")
    return Delay(scope, kind, reason, duration, window)


def _duration(word: str) -> timedelta | None:
    match = _DURATION.match(word)
    if match is None:
        return None
    if match.group("m") is not None:
        length = timedelta(minutes=int(match.group("m")))
    else:
        length = timedelta(hours=float(match.group("h")), minutes=int(match.group("hm") or 0))
    if not timedelta() < length <= MAX_DELAY:
        raise LogError(f"`{word}` is not a delay within a day: give up to 24h.")
    return length


def _manpower(words: list[str]) -> Manpower:
    example = "`/log manpower Concrete 6 8h`"
    if len(words) < 2:
        raise LogError(f"Say which crew and how many worked: {example}.")
    crew, count = words[0], words[1]
    if not count.isascii() or not count.isdigit() or not 0 < int(count) <= MAX_WORKERS:
        raise LogError(
            f"`{count[:20]}` is not a number of workers (1 to {MAX_WORKERS:,}): {example}."
        )
    hours = None
    if len(words) > 2:
        match = _HOURS.match(words[2])
        if match is None or len(words) > 3:
            raise LogError(f"After the workers, give the hours each worked: {example}.")
        hours = Decimal(match.group("n"))
        if not Decimal(0) < hours <= 24:
            raise LogError(f"`{words[2]}` is not a day's hours (up to 24h): {example}.")
    return Manpower(crew, int(count), hours)
