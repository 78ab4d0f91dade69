"""A project's health at an instant, computed once (pure): every surface that shows a project
(`/siteloop status`, and the office's views to come) shows these numbers.

Definitions:

- A task is *late* once its planned finish day has ended (the project's local midnight) and it
  is not done; *due this week* when it is open, not late, and planned to finish by the end of
  this week (Sunday, local).
- *Progress* is percent complete weighted by budget, against the plan for today weighted
  alike (`rules.plan`, on the project's working calendar). A task without a budget weighs as
  much as the average of those with one; when no task has a budget, all weigh the same.
- *Planned value* PV = Σ budget × plan for today; *earned value* EV = Σ budget × percent
  complete; *actual cost* AC = Σ cost recorded. CPI = EV / AC and SPI = EV / PV, None when
  undefined (nothing spent, nothing planned yet). The budget at completion BAC = Σ budget;
  `value` derives CV, SV, EAC, ETC, VAC and TCPI from the four (`rules.earned_value`).
- Cancelled tasks count only in the tasks by status.
- *Quietest reporters*: the people with open tasks here, fewest reports in the last seven
  days first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from rules.calendar import Calendar
from rules.earned_value import EarnedValue
from rules.facts import TaskFacts
from rules.plan import planned_fractions
from rules.vocabulary import TaskStatus

REPORTING_WINDOW = timedelta(days=7)
_WEEK_DAYS = 7


@dataclass(frozen=True)
class OpenAlert:
    """An alert still open on the project: its rule and when it opened."""

    rule_id: str
    opened_at: datetime


@dataclass(frozen=True)
class RuleAlerts:
    """The open alerts of one rule: how many, and since when the oldest is open."""

    rule_id: str
    count: int
    oldest_opened_at: datetime


@dataclass(frozen=True)
class Blocked:
    """A blocked task, and since when."""

    task: TaskFacts
    since: datetime | None


@dataclass(frozen=True)
class ProjectHealth:
    """What is true of a project at `now` (see the module's definitions)."""

    now: datetime
    tasks_by_status: dict[TaskStatus, int]
    late: tuple[TaskFacts, ...]  # latest planned finish first
    blocked: tuple[Blocked, ...]  # longest blocked first
    due_this_week: tuple[TaskFacts, ...]  # soonest first
    percent_complete: Decimal | None  # 0..100; None with no task to weigh
    planned_percent: Decimal | None  # 0..100; None when no task has a plan
    planned_value: Decimal
    earned_value: Decimal
    actual_cost: Decimal
    cpi: Decimal | None
    spi: Decimal | None
    open_alerts: tuple[RuleAlerts, ...]  # oldest first
    last_report_at: datetime | None
    quietest: tuple[tuple[str, int], ...]  # (Slack user id, reports in the window)
    budget_at_completion: Decimal = Decimal(0)  # BAC: Σ budget of the tasks that count

    @property
    def value(self) -> EarnedValue:
        """Return the earned value figures (CV, SV, EAC, ETC, VAC, TCPI…) of these amounts."""
        return EarnedValue(
            self.budget_at_completion, self.planned_value, self.earned_value, self.actual_cost
        )

    @property
    def open_tasks(self) -> int:
        """Return how many tasks are still to be done (not done, not cancelled)."""
        return sum(n for status, n in self.tasks_by_status.items() if status.is_open)


def project_health(
    tasks: Sequence[TaskFacts],
    calendar: Calendar,
    now: datetime,
    *,
    open_alerts: Iterable[OpenAlert] = (),
    reports: Mapping[str, int] | None = None,
    last_report_at: datetime | None = None,
) -> ProjectHealth:
    """Return the health of a project of `tasks` at `now`, on its `calendar`.

    `reports` are how many reports each person (by Slack user id) made in the last
    `REPORTING_WINDOW`.
    """
    counted = [task for task in tasks if task.status is not TaskStatus.CANCELLED]
    today = calendar.local_date(now)
    week_end = today + timedelta(days=_WEEK_DAYS - 1 - today.weekday())
    late = [t for t in counted if _is_late(t, calendar, now)]
    late_ids = {t.id for t in late}
    due = [
        t
        for t in counted
        if t.status.is_open
        and t.planned_finish is not None
        and t.id not in late_ids
        and t.planned_finish <= week_end
    ]
    planned = planned_fractions(
        {t.id: (t.planned_start, t.planned_finish) for t in counted}, calendar, now
    )
    weights = _weights(counted)
    percent = _weighted(weights, {t.id: Fraction(t.percent) / 100 for t in counted})
    plan_percent = _weighted(weights, planned)
    budgets = {t.id: t.budget for t in counted if t.budget is not None}
    pv = sum(
        (budget * _decimal(planned.get(i, Fraction(0))) for i, budget in budgets.items()),
        Decimal(0),
    )
    ev = sum((budgets[t.id] * t.percent / 100 for t in counted if t.id in budgets), Decimal(0))
    ac = sum((t.actual_cost for t in counted if t.actual_cost is not None), Decimal(0))
    return ProjectHealth(
        now=now,
        tasks_by_status=dict(Counter(task.status for task in tasks)),
        late=tuple(sorted(late, key=lambda t: (t.planned_finish, t.id), reverse=True)),
        blocked=_blocked(counted),
        due_this_week=tuple(sorted(due, key=lambda t: (t.planned_finish, t.id))),
        percent_complete=None if percent is None else _percent(percent),
        planned_percent=None if plan_percent is None else _percent(plan_percent),
        planned_value=_money(pv),
        earned_value=_money(ev),
        actual_cost=_money(ac),
        cpi=_ratio(ev, ac),
        spi=_ratio(ev, pv),
        open_alerts=_by_rule(open_alerts),
        last_report_at=last_report_at,
        quietest=_quietest(counted, reports or {}),
        budget_at_completion=_money(sum(budgets.values(), Decimal(0))),
    )


def health_by_group(
    tasks: Sequence[TaskFacts], group_of: Mapping[int, str], calendar: Calendar, now: datetime
) -> dict[str, ProjectHealth]:
    """Return the health of each group of `tasks` (a crew, by task id in `group_of`; tasks in
    none are left out), in the groups' alphabetical order.

    Each group's progress is weighted within the group; its PV, EV and AC add up to the
    project's, since each task's budget counts once.
    """
    groups: dict[str, list[TaskFacts]] = {}
    for task in tasks:
        if task.id in group_of:
            groups.setdefault(group_of[task.id], []).append(task)
    return {name: project_health(groups[name], calendar, now) for name in sorted(groups)}


def _is_late(task: TaskFacts, calendar: Calendar, now: datetime) -> bool:
    if task.status is TaskStatus.DONE or task.planned_finish is None:
        return False
    return now >= calendar.start_of_day(task.planned_finish + timedelta(days=1))


def _blocked(tasks: Sequence[TaskFacts]) -> tuple[Blocked, ...]:
    blocked = [
        Blocked(t, t.blocked_since or t.last_update_at)
        for t in tasks
        if t.status is TaskStatus.BLOCKED
    ]
    return tuple(sorted(blocked, key=lambda b: (b.since is None, b.since or b.task.created_at)))


def _weights(tasks: Sequence[TaskFacts]) -> dict[int, Fraction]:
    """Return each task's weight: its budget, the average budget when it has none, or 1 each
    when no task has one."""
    budgets = [Fraction(t.budget) for t in tasks if t.budget is not None and t.budget > 0]
    if not budgets:
        return {t.id: Fraction(1) for t in tasks}
    average = sum(budgets, Fraction(0)) / len(budgets)
    return {
        t.id: Fraction(t.budget) if t.budget is not None and t.budget > 0 else average
        for t in tasks
    }


def _weighted(weights: dict[int, Fraction], values: dict[int, Fraction]) -> Fraction | None:
    total = sum(weights[i] for i in values)
    if not values or total == 0:
        return None
    return sum(weights[i] * value for i, value in values.items()) / total


def _by_rule(alerts: Iterable[OpenAlert]) -> tuple[RuleAlerts, ...]:
    grouped: dict[str, list[datetime]] = {}
    for alert in alerts:
        grouped.setdefault(alert.rule_id, []).append(alert.opened_at)
    summaries = [RuleAlerts(rule, len(opened), min(opened)) for rule, opened in grouped.items()]
    return tuple(sorted(summaries, key=lambda s: (s.oldest_opened_at, s.rule_id)))


def _quietest(
    tasks: Sequence[TaskFacts], reports: Mapping[str, int]
) -> tuple[tuple[str, int], ...]:
    people = {t.assignee_user_id for t in tasks if t.status.is_open and t.assignee_user_id}
    counts = [(person, reports.get(person, 0)) for person in people]
    return tuple(sorted(counts, key=lambda item: (item[1], item[0])))


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _percent(fraction: Fraction) -> Decimal:
    return round(_decimal(fraction * 100), 1)


def _money(value: Decimal) -> Decimal:
    return round(value, 2)


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if denominator <= 0 else round(numerator / denominator, 2)
