"""Whether a rule fires for a task or a project at `now`, and when its answer could next change.

Each condition is turned into the window of instants during which it holds if nothing new is
recorded: "no update for 8h" holds from the instant eight working hours after the last news,
for ever; "due within 16h" holds from sixteen working hours before the deadline until the
deadline. A rule holds where all its windows overlap, so the verdict at any instant, the moment
it started holding and the next moment it can flip all come from the same arithmetic — which is
why storage can store `next_check_at` and skip every task until then.

Definitions (thresholds compare as "at least" for durations and plan gaps, "more than" for cost):

- News about a task is its latest update, assignment, acknowledgement or creation.
- A task is overdue from the end of its planned finish day (local midnight in the project's
  time zone) while it is not done; `due_within` holds before that instant only.
- The plan for today is linear in the rule clock's time between the start of the planned start
  day and the end of the planned finish day; 100% from then on.
- Earned value is budget × percent complete; the overrun is actual cost above it.
- A rule with no `status` looks at open tasks only (not done, not cancelled).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction

from rules.calendar import ALWAYS, Calendar
from rules.facts import ProjectFacts, TaskFacts
from rules.plan import plan_of
from rules.rule import Clock, Condition, Rule, Scope
from rules.vocabulary import TaskStatus

_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class VerdictFacts:
    """The numbers behind a verdict, for its message; None where the rule's conditions did not
    look (a rule about updates measures nothing of cost). Hours are on the rule's clock."""

    hours_since_update: float | None = None  # no_update_for
    hours_unacknowledged: float | None = None  # unacknowledged_for
    hours_blocked: float | None = None  # blocked_for
    days_late: float | None = None  # overdue, overdue_by, due_within: calendar days past
    hours_overdue: float | None = None  # … past the end of the planned finish day
    hours_until_due: float | None = None  # … or until it
    percent: float | None = None  # below_percent, behind_plan_by: as reported
    planned_percent: float | None = None  # behind_plan_by: the plan for now
    behind_by: float | None = None  # behind_plan_by: points
    budget: float | None = None  # cost_overrun_pct
    actual_cost: float | None = None
    earned_value: float | None = None
    overrun: float | None = None
    overrun_pct: float | None = None  # None with no value earned yet
    hours_silent: float | None = None  # silent_for


@dataclass(frozen=True)
class Verdict:
    """What a rule says about one task or project at one instant.

    `since` is when the condition started holding (None if it does not fire, or if none of its
    conditions depends on time); `next_check_at` is the earliest instant at which the verdict
    can change without new data (None: only new data can change it); `facts` holds the numbers
    a message needs, such as `hours_since_update` or `planned_percent`.
    """

    fires: bool
    since: datetime | None
    next_check_at: datetime | None
    facts: VerdictFacts = field(default_factory=VerdictFacts)


@dataclass(frozen=True)
class _Window:
    """The instants [start, end) during which a condition holds; None means unbounded."""

    start: datetime | None = None
    end: datetime | None = None


_FOREVER = _Window()


@dataclass
class _Context:
    """What every condition needs: the project's calendar, the rule's clock, now, the facts."""

    calendar: Calendar
    clock: Calendar  # the project calendar on the working clock, ALWAYS on the wall clock
    now: datetime
    facts: dict[str, float]  # the `VerdictFacts` measured so far, by name

    def hours(self, name: str, start: datetime, end: datetime) -> None:
        """Record the clock's time from `start` to `end`, in hours, as fact `name`."""
        self.facts[name] = round(self.clock.working_time_between(start, end) / _HOUR, 2)


def evaluate_task(task: TaskFacts, rule: Rule, calendar: Calendar, now: datetime) -> Verdict:
    """Return what task-level `rule` says about `task` at `now`.

    1. A task outside the rule's statuses never fires and needs no check until it changes.
    2. Turn every other condition into its window on the rule's clock.
    3. Fire where all windows overlap; the next check is where that overlap starts or ends.
    """
    if rule.scope is not Scope.TASK:
        raise ValueError(f'rule "{rule.id}" is about projects, not tasks')
    if task.status not in rule.statuses:
        return Verdict(fires=False, since=None, next_check_at=None)
    context = _context(rule, calendar, now)
    windows = [_TASK_CONDITIONS[name](task, rule, context) for name in rule.conditions]
    return _verdict(windows, context)


def evaluate_project(
    project: ProjectFacts, rule: Rule, calendar: Calendar, now: datetime
) -> Verdict:
    """Return what project-level `rule` (`silent_for`) says about `project` at `now`."""
    if rule.scope is not Scope.PROJECT or rule.when.silent_for is None:
        raise ValueError(f'rule "{rule.id}" is about tasks, not projects')
    context = _context(rule, calendar, now)
    heard = project.last_report_at or project.created_at
    context.hours("hours_silent", heard, now)
    start = context.clock.add_working_time(heard, rule.when.silent_for)
    return _verdict([_Window(start)], context)


def evaluate(
    subject: TaskFacts | ProjectFacts, rule: Rule, calendar: Calendar, now: datetime
) -> Verdict:
    """Return what `rule` says about a task or a project at `now`."""
    if isinstance(subject, TaskFacts):
        return evaluate_task(subject, rule, calendar, now)
    return evaluate_project(subject, rule, calendar, now)


def _context(rule: Rule, calendar: Calendar, now: datetime) -> _Context:
    clock = calendar if rule.clock is Clock.WORKING else ALWAYS
    return _Context(calendar=calendar, clock=clock, now=now, facts={})


def _verdict(windows: list[_Window | None], context: _Context) -> Verdict:
    """Return the verdict where all `windows` overlap (None is a condition that never holds)."""
    facts = VerdictFacts(**context.facts)  # a name misspelt above fails here, at once
    if any(window is None for window in windows):
        return Verdict(False, None, None, facts)
    starts = [w.start for w in windows if w is not None and w.start is not None]
    ends = [w.end for w in windows if w is not None and w.end is not None]
    start, end = max(starts, default=None), min(ends, default=None)
    now = context.now
    if start is not None and end is not None and start >= end:
        return Verdict(False, None, None, facts)  # the windows never meet
    if end is not None and now >= end:
        return Verdict(False, None, None, facts)  # over, and stays over
    if start is not None and now < start:
        return Verdict(False, None, start, facts)  # starts holding at `start`
    return Verdict(True, start, end, facts)


# --- the task conditions: each returns its window, or None if it cannot hold without new data


def _no_update(task: TaskFacts, rule: Rule, context: _Context) -> _Window:
    news = [task.last_update_at, task.assigned_at, task.acknowledged_at, task.created_at]
    heard = max(instant for instant in news if instant is not None)
    context.hours("hours_since_update", heard, context.now)
    assert rule.when.no_update_for is not None
    return _Window(context.clock.add_working_time(heard, rule.when.no_update_for))


def _unacknowledged(task: TaskFacts, rule: Rule, context: _Context) -> _Window | None:
    assigned, acknowledged = task.assigned_at, task.acknowledged_at
    if assigned is None or (acknowledged is not None and acknowledged >= assigned):
        return None
    context.hours("hours_unacknowledged", assigned, context.now)
    assert rule.when.unacknowledged_for is not None
    return _Window(context.clock.add_working_time(assigned, rule.when.unacknowledged_for))


def _blocked(task: TaskFacts, rule: Rule, context: _Context) -> _Window | None:
    if task.status is not TaskStatus.BLOCKED:
        return None
    since = task.blocked_since or task.last_update_at or task.created_at
    context.hours("hours_blocked", since, context.now)
    assert rule.when.blocked_for is not None
    return _Window(context.clock.add_working_time(since, rule.when.blocked_for))


def _deadline(task: TaskFacts, context: _Context) -> datetime | None:
    """Return the end of the planned finish day, and record how late the task is."""
    if task.planned_finish is None:
        return None
    deadline = context.calendar.start_of_day(task.planned_finish + timedelta(days=1))
    late_days = (context.calendar.local_date(context.now) - task.planned_finish).days
    context.facts["days_late"] = float(max(late_days, 0))
    if context.now >= deadline:
        context.hours("hours_overdue", deadline, context.now)
    else:
        context.hours("hours_until_due", context.now, deadline)
    return deadline


def _overdue(task: TaskFacts, rule: Rule, context: _Context) -> _Window | None:
    deadline = _deadline(task, context)
    if deadline is None:
        return None if rule.when.overdue else _FOREVER
    return _Window(start=deadline) if rule.when.overdue else _Window(end=deadline)


def _overdue_by(task: TaskFacts, rule: Rule, context: _Context) -> _Window | None:
    deadline = _deadline(task, context)
    if deadline is None:
        return None
    assert rule.when.overdue_by is not None
    return _Window(context.clock.add_working_time(deadline, rule.when.overdue_by))


def _due_within(task: TaskFacts, rule: Rule, context: _Context) -> _Window | None:
    deadline = _deadline(task, context)
    if deadline is None:
        return None
    assert rule.when.due_within is not None
    return _Window(context.clock.subtract_working_time(deadline, rule.when.due_within), deadline)


def _below_percent(task: TaskFacts, rule: Rule, context: _Context) -> _Window | None:
    context.facts["percent"] = float(task.percent)
    assert rule.when.below_percent is not None
    return _FOREVER if task.percent < rule.when.below_percent else None


def _behind_plan(task: TaskFacts, rule: Rule, context: _Context) -> _Window | None:
    """Hold once the plan for today is at least `behind_plan_by` points above the progress.

    The plan reaches p% once p% of the plan's clock time has passed, so the instant the gap
    opens is found exactly, in whole microseconds of that time.
    """
    plan = plan_of(task.planned_start, task.planned_finish, context.calendar, context.clock)
    if plan is None:
        return None
    percent = Fraction(task.percent)
    assert rule.when.behind_plan_by is not None
    needed = percent + Fraction(rule.when.behind_plan_by)  # the plan percent that fires
    planned = 100 * plan.fraction_at(context.clock, context.now)
    context.facts["planned_percent"] = round(float(planned), 2)
    context.facts["percent"] = float(task.percent)
    context.facts["behind_by"] = round(float(planned - percent), 2)
    if needed > 100:
        return None
    if plan.total == 0:  # no working time in the plan: 0% until its end, then 100%
        return _Window(plan.end)
    required = math.ceil(needed * plan.total / 100)
    return _Window(context.clock.add_working_time(plan.begin, timedelta(microseconds=required)))


def _cost_overrun(task: TaskFacts, rule: Rule, context: _Context) -> _Window | None:
    if task.budget is None or task.actual_cost is None:
        return None
    earned = task.budget * task.percent / 100
    overrun = task.actual_cost - earned
    context.facts.update(
        budget=float(task.budget),
        actual_cost=float(task.actual_cost),
        earned_value=round(float(earned), 2),
        overrun=round(float(overrun), 2),
    )
    if earned > 0:
        context.facts["overrun_pct"] = round(float(overrun / earned * 100), 2)
    assert rule.when.cost_overrun_pct is not None
    allowed = earned * (1 + rule.when.cost_overrun_pct / 100)
    return _FOREVER if task.actual_cost > allowed else None


def _status(task: TaskFacts, rule: Rule, context: _Context) -> _Window:
    return _FOREVER  # checked before any other condition, in evaluate_task


_TASK_CONDITIONS: dict[Condition, Callable[[TaskFacts, Rule, _Context], _Window | None]] = {
    Condition.STATUS: _status,
    Condition.NO_UPDATE_FOR: _no_update,
    Condition.UNACKNOWLEDGED_FOR: _unacknowledged,
    Condition.BLOCKED_FOR: _blocked,
    Condition.OVERDUE: _overdue,
    Condition.OVERDUE_BY: _overdue_by,
    Condition.DUE_WITHIN: _due_within,
    Condition.BELOW_PERCENT: _below_percent,
    Condition.BEHIND_PLAN_BY: _behind_plan,
    Condition.COST_OVERRUN_PCT: _cost_overrun,
}
