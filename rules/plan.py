"""A task's plan for today: how much of it should be done at an instant (pure).

The plan runs from the start of its planned start day to the end of its planned finish day
(the project's local midnights), linear in a calendar's time: the project's working hours, or
all the time. It is 0% before, 100% after; a plan with no time in it is 0% until its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from rules.calendar import Calendar

_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Plan:
    """A task's planned span on a calendar, and its clock's time in it, in microseconds."""

    begin: datetime
    end: datetime
    total: int

    def fraction_at(self, clock: Calendar, now: datetime) -> Fraction:
        """Return how much of the plan should be done at `now`, 0 to 1."""
        if self.total == 0:
            return Fraction(1 if now >= self.end else 0)
        done = clock.working_time_between(self.begin, now) // _MICROSECOND
        return Fraction(min(max(done, 0), self.total), self.total)


def plan_of(
    start: date | None, finish: date | None, calendar: Calendar, clock: Calendar
) -> Plan | None:
    """Return the plan of a task planned `start` to `finish` (local days of `calendar`),
    timed on `clock`; None without both dates, or with the finish before the start."""
    if start is None or finish is None or finish < start:
        return None
    begin = calendar.start_of_day(start)
    end = calendar.start_of_day(finish + timedelta(days=1))
    return Plan(begin, end, clock.working_time_between(begin, end) // _MICROSECOND)


def planned_fractions(
    spans: dict[int, tuple[date | None, date | None]], calendar: Calendar, now: datetime
) -> dict[int, Fraction]:
    """Return, for each task id of `spans` (planned start, finish) that has a plan, how much of
    it should be done at `now`, on `calendar`: `plan_of(...).fraction_at(calendar, now)` for
    every one, with each day's working time measured once (a project has a thousand plans
    over a hundred days, and working time adds up)."""
    plans = {
        i: (start, finish)
        for i, (start, finish) in spans.items()
        if start is not None and finish is not None and finish >= start
    }
    if not plans:
        return {}
    origin = calendar.start_of_day(min(start for start, _ in plans.values()))
    worked: dict[date, int] = {}

    def until(day: date) -> int:
        if day not in worked:
            span = calendar.working_time_between(origin, calendar.start_of_day(day))
            worked[day] = span // _MICROSECOND
        return worked[day]

    elapsed = calendar.working_time_between(origin, max(now, origin)) // _MICROSECOND
    fractions = {}
    for i, (start, finish) in plans.items():
        begin, end = until(start), until(finish + timedelta(days=1))
        if end == begin:  # no working time in it: 0% until its end, then 100%
            fractions[i] = Fraction(
                1 if now >= calendar.start_of_day(finish + timedelta(days=1)) else 0
            )
        else:
            fractions[i] = Fraction(min(max(elapsed - begin, 0), end - begin), end - begin)
    return fractions
