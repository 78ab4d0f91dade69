"""A project's S-curve (pure): cumulative planned value, earned value and actual cost over time.

The curve runs from the start of the project's first planned start day to the end of its last
planned finish day, one point at each local midnight, plus one at `now`:

- *planned* (PV) at an instant is Σ budget × the task's plan at that instant (`rules.plan`, on
  the working calendar), to the plan's end;
- *earned* (EV) is Σ budget × the percent complete reported by then, up to `now`;
- *actual* (AC) is Σ the costs reported by then, up to `now`.

So the curve at `now` is the project's health (`rules.health`): the same PV, EV and AC. A
project with no budget at all is drawn in percent instead (each task weighing the same, as
the health's progress does), and has no actual-cost line.

Percent complete is folded as `rules.task_state` folds it: a percent replaces the last one,
"done" is 100%; cancelled tasks do not count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np

from rules.calendar import Calendar


@dataclass(frozen=True)
class CurveTask:
    """What the curve needs of a task."""

    id: int
    budget: Decimal | None
    planned_start: date | None
    planned_finish: date | None
    cancelled: bool = False


@dataclass(frozen=True)
class Progress:
    """What one report says that moves the curve: a percent (done is 100) or a cost."""

    task_id: int
    at: datetime
    percent: Decimal | None = None
    cost: Decimal | None = None


@dataclass(frozen=True)
class Reports:
    """The reports that move the curve, as columns (a large project has 100,000 of them, and
    the sweep is numpy's): the task, the instant in Unix seconds, the percent and the cost, NaN
    where a report has none."""

    task_id: np.ndarray
    at: np.ndarray
    percent: np.ndarray
    cost: np.ndarray

    @classmethod
    def of(cls, progress: Iterable[Progress]) -> Reports:
        """Return `progress` as columns."""
        rows = list(progress)
        return cls(
            task_id=np.array([p.task_id for p in rows], dtype=np.int64),
            at=np.array([p.at.timestamp() for p in rows], dtype=np.float64),
            percent=np.array([_float(p.percent) for p in rows], dtype=np.float64),
            cost=np.array([_float(p.cost) for p in rows], dtype=np.float64),
        )


def _float(value: Decimal | None) -> float:
    return np.nan if value is None else float(value)


@dataclass(frozen=True)
class SCurve:
    """The three lines, on shared instants: `planned` has a value at every one of `at`,
    `earned` and `actual` at the first `len(earned)` (up to now)."""

    at: tuple[datetime, ...]
    planned: tuple[float, ...]
    earned: tuple[float, ...]
    actual: tuple[float, ...]  # empty when drawn in percent
    budget: float  # BAC: the whole plan's value (100 in percent)
    in_percent: bool
    now: datetime

    @property
    def is_empty(self) -> bool:
        """Return whether there is nothing to draw (no task has both planned dates)."""
        return not self.at


def s_curve(
    tasks: Sequence[CurveTask],
    progress: Reports | Iterable[Progress],
    calendar: Calendar,
    now: datetime,
) -> SCurve:
    """Return the S-curve of a project of `tasks` with the reports `progress`, at `now`."""
    reports = progress if isinstance(progress, Reports) else Reports.of(progress)
    counted = {t.id: t for t in tasks if not t.cancelled}
    plans = [
        _Planned(t, t.planned_start, t.planned_finish)
        for t in counted.values()
        if t.planned_start is not None
        and t.planned_finish is not None
        and t.planned_finish >= t.planned_start
    ]
    if not plans:
        return SCurve((), (), (), (), 0.0, False, now)
    budgets = {i: float(t.budget) for i, t in counted.items() if t.budget and t.budget > 0}
    in_percent = not budgets
    if in_percent:  # each task weighs the same, as in the health's progress
        earned_weights = {i: 100 / len(counted) for i in counted}
        planned_weights = {p.task.id: 100 / len(plans) for p in plans}
    else:  # a task without a budget earns nothing, but its costs count
        earned_weights = {i: budgets.get(i, 0.0) for i in counted}
        planned_weights = budgets
    first = min(p.start for p in plans)
    end = max(max(p.finish for p in plans) + _DAY, calendar.local_date(now))
    days = [first + timedelta(days=n) for n in range((end - first).days + 1)]
    midnights = {d: calendar.start_of_day(d) for d in days}
    instants = sorted({*midnights.values(), now})
    past = [t for t in instants if t <= now]
    earned, actual = _earned_and_actual(earned_weights, reports, past)
    return SCurve(
        at=tuple(instants),
        planned=tuple(_planned(plans, planned_weights, calendar, midnights, instants)),
        earned=tuple(earned),
        actual=() if in_percent else tuple(actual),
        budget=100.0 if in_percent else sum(budgets.values()),
        in_percent=in_percent,
        now=now,
    )


_DAY = timedelta(days=1)


@dataclass(frozen=True)
class _Planned:
    task: CurveTask
    start: date
    finish: date


def _planned(
    plans: Sequence[_Planned],
    weights: dict[int, float],
    calendar: Calendar,
    midnights: dict[date, datetime],
    instants: Sequence[datetime],
) -> list[float]:
    """Return PV at each of `instants`: working time is measured once from the first
    midnight, and each task's plan is a ramp over it, clamped to 0..1 (one numpy row per task).
    """
    origin = min(midnights.values())

    def worked(instant: datetime) -> float:
        return calendar.working_time_between(origin, instant).total_seconds()

    at_midnight = {d: worked(m) for d, m in midnights.items()}
    elapsed = np.array([worked(t) for t in instants])[None, :]
    begin = np.array([at_midnight[p.start] for p in plans])[:, None]
    span = np.array([at_midnight[p.finish + _DAY] for p in plans])[:, None] - begin
    # A plan with no working time in it is 0% until its end, then 100% (`rules.plan`).
    ends = np.array([midnights[p.finish + _DAY].timestamp() for p in plans])[:, None]
    stamps = np.array([t.timestamp() for t in instants])[None, :]
    ramp = np.where(
        span > 0, (elapsed - begin) / np.where(span > 0, span, 1), (stamps >= ends) * 1.0
    )
    weight = np.array([weights.get(p.task.id, 0.0) for p in plans])[:, None]
    return [float(v) for v in (weight * np.clip(ramp, 0.0, 1.0)).sum(axis=0)]


def _earned_and_actual(
    weights: dict[int, float], reports: Reports, instants: Sequence[datetime]
) -> tuple[list[float], list[float]]:
    """Return EV and AC at each of `instants` (sorted).

    A percent replaces the task's last one, so each report earns its task's weight × (its
    percent − the one before, per task); EV at an instant is the running sum of those up to it.
    `weights` names every task that counts; reports of others (cancelled, unknown) are left
    out, their costs too, as in the health.
    """
    order = np.argsort(reports.at, kind="stable")
    task, at = reports.task_id[order], reports.at[order]
    percent, cost = reports.percent[order], reports.cost[order]
    ids = np.array(sorted(weights), dtype=np.int64)
    weight = np.array([weights[i] for i in ids.tolist()], dtype=np.float64)
    slot = np.searchsorted(ids, task)
    known = np.zeros(len(task), dtype=bool)
    if len(ids):
        known = (slot < len(ids)) & (ids[np.minimum(slot, len(ids) - 1)] == task)
    moves = np.flatnonzero(~np.isnan(percent) & known)
    gain = np.zeros(len(task))
    if len(moves):
        by_task = moves[np.argsort(task[moves], kind="stable")]  # per task, in time order
        values = percent[by_task]
        first = np.r_[True, task[by_task][1:] != task[by_task][:-1]]
        before = np.where(first, 0.0, np.r_[0.0, values[:-1]])
        gain[by_task] = weight[slot[by_task]] * (values - before) / 100
    spent = np.where(np.isnan(cost) | ~known, 0.0, cost)
    earned_sum = np.r_[0.0, np.cumsum(gain)]
    actual_sum = np.r_[0.0, np.cumsum(spent)]
    upto = np.searchsorted(at, [t.timestamp() for t in instants], side="right")
    return [float(v) for v in earned_sum[upto]], [float(v) for v in actual_sum[upto]]
