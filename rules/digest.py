"""A project's day, summed up for its end-of-day digest (pure).

Given the day's live reports, each task's percent complete when the day began, the project's
alerts and its health at the digest's instant, `day_digest` says:

- who reported, and how often (most first);
- how far each task moved: its percent at the day's start → at its end (tasks that moved);
- quantities installed, by unit; crew-hours (workers × hours, or hours alone when no crew
  size was given) and the cost recorded;
- the alerts opened, answered and resolved that day, and the median time from an alert's
  first message to its answer, over the alerts answered that day;
- what starts and what is due on the next working day.

Late and blocked work, and every project figure, are the health's (`rules.health`), so the
digest shows the numbers every other surface shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from rules.facts import TaskFacts
from rules.health import ProjectHealth


@dataclass(frozen=True)
class DayReport:
    """One live report of the day, as the digest counts it."""

    task_id: int | None
    user: str | None  # Slack user id; None for imports and the API
    at: datetime
    percent: Decimal | None = None  # what the task's percent became (done: 100)
    quantity: Decimal | None = None
    unit: str | None = None
    cost: Decimal | None = None
    manpower: int | None = None
    hours: Decimal | None = None


@dataclass(frozen=True)
class AlertDay:
    """An alert's moments (None: not reached), for counting what happened on a day."""

    rule_id: str
    opened_at: datetime
    first_sent_at: datetime | None
    answered_at: datetime | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class Move:
    """A task's progress over the day."""

    task: TaskFacts
    before: Decimal
    after: Decimal


@dataclass(frozen=True)
class Digest:
    """A project's day (see the module's definitions)."""

    day: date
    health: ProjectHealth
    reporters: tuple[tuple[str, int], ...]  # (Slack user id, reports), most first
    reports: int
    moves: tuple[Move, ...]  # by task key
    quantities: tuple[tuple[str, Decimal], ...]  # (unit, total), by unit
    crew_hours: Decimal
    cost: Decimal
    alerts_opened: int
    alerts_answered: int
    alerts_resolved: int
    median_answer: timedelta | None
    next_day: date | None
    starting: tuple[TaskFacts, ...]  # planned to start on `next_day`
    due: tuple[TaskFacts, ...]  # open, planned to finish on `next_day`

    @property
    def is_quiet(self) -> bool:
        """Return whether nobody reported anything all day."""
        return self.reports == 0


def day_digest(
    day: date,
    span: tuple[datetime, datetime],
    health: ProjectHealth,
    tasks: Sequence[TaskFacts],
    reports: Iterable[DayReport],
    percent_at_start: Mapping[int, Decimal],
    alerts: Iterable[AlertDay],
    next_day: date | None,
) -> Digest:
    """Return the digest of `day`, whose reports fall within `span` (its start and the
    digest's instant); `percent_at_start` is each task's percent when the day began."""
    start, end = span
    todays = sorted((r for r in reports if start <= r.at < end), key=lambda r: r.at)
    by_id = {t.id: t for t in tasks}
    people = Counter(r.user for r in todays if r.user)
    quantities: dict[str, Decimal] = {}
    for report in todays:
        if report.quantity is not None:
            unit = report.unit or "units"
            quantities[unit] = quantities.get(unit, Decimal(0)) + report.quantity
    alerts = list(alerts)

    def within(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    answered = [a for a in alerts if within(a.answered_at)]
    waits = [a.answered_at - a.first_sent_at for a in answered if a.first_sent_at and a.answered_at]
    return Digest(
        day=day,
        health=health,
        reporters=tuple(sorted(people.items(), key=lambda item: (-item[1], item[0]))),
        reports=len(todays),
        moves=_moves(todays, by_id, percent_at_start),
        quantities=tuple(sorted(quantities.items())),
        crew_hours=sum((_crew_hours(r) for r in todays), Decimal(0)),
        cost=sum((r.cost for r in todays if r.cost is not None), Decimal(0)),
        alerts_opened=sum(within(a.opened_at) for a in alerts),
        alerts_answered=len(answered),
        alerts_resolved=sum(within(a.resolved_at) for a in alerts),
        median_answer=_median(waits),
        next_day=next_day,
        starting=_on([t for t in tasks if t.status.is_open], next_day, lambda t: t.planned_start),
        due=_on([t for t in tasks if t.status.is_open], next_day, lambda t: t.planned_finish),
    )


def _moves(
    reports: Sequence[DayReport],
    tasks: Mapping[int, TaskFacts],
    percent_at_start: Mapping[int, Decimal],
) -> tuple[Move, ...]:
    last: dict[int, Decimal] = {}
    for report in reports:  # in time order: the day's last percent wins
        if report.task_id is not None and report.task_id in tasks and report.percent is not None:
            last[report.task_id] = report.percent
    moves = [
        Move(tasks[i], percent_at_start.get(i, Decimal(0)), after)
        for i, after in last.items()
        if after != percent_at_start.get(i, Decimal(0))
    ]
    return tuple(sorted(moves, key=lambda m: m.task.id))


def _median(waits: Sequence[timedelta]) -> timedelta | None:
    if not waits:
        return None
    ordered = sorted(waits)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _crew_hours(report: DayReport) -> Decimal:
    if report.hours is None:
        return Decimal(0)
    return report.hours * (report.manpower if report.manpower else 1)


def _on(
    tasks: Iterable[TaskFacts], day: date | None, date_of: Callable[[TaskFacts], date | None]
) -> tuple[TaskFacts, ...]:
    if day is None:
        return ()
    return tuple(sorted((t for t in tasks if date_of(t) == day), key=lambda t: t.id))
