"""The evaluator against the definitions: random tasks, rules, calendars and clocks.

The oracle below reads each condition straight from its definition, at one instant, with
nothing but `working_time_between`; the evaluator instead computes windows with
`add_working_time` and `subtract_working_time`. They must agree, and the verdict must stay the
same from `now` until `next_check_at`, and change there.
"""

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import event, given, settings
from hypothesis import strategies as st

from rules.calendar import ALWAYS, Calendar
from rules.evaluator import evaluate_project, evaluate_task
from rules.facts import ProjectFacts, TaskFacts
from rules.rule import Clock, Rule
from rules.vocabulary import TaskStatus
from tests.rules.strategies import calendars, instants

ONE_US = timedelta(microseconds=1)


def _holds(task: TaskFacts, rule: Rule, calendar: Calendar, t: datetime) -> bool:
    """Return whether every condition of `rule` holds for `task` at `t`, by definition."""
    when, clock = rule.when, calendar if rule.clock is Clock.WORKING else ALWAYS
    if task.status not in rule.statuses:
        return False
    checks = []
    if when.no_update_for is not None:
        news = [task.last_update_at, task.assigned_at, task.acknowledged_at, task.created_at]
        heard = max(i for i in news if i is not None)
        checks.append(clock.working_time_between(heard, t) >= when.no_update_for)
    if when.unacknowledged_for is not None:
        waiting = task.assigned_at is not None and (
            task.acknowledged_at is None or task.acknowledged_at < task.assigned_at
        )
        checks.append(
            waiting and clock.working_time_between(task.assigned_at, t) >= when.unacknowledged_for
        )
    if when.blocked_for is not None:
        since = task.blocked_since or task.last_update_at or task.created_at
        checks.append(
            task.status is TaskStatus.BLOCKED
            and clock.working_time_between(since, t) >= when.blocked_for
        )
    checks += _deadline_checks(task, rule, calendar, clock, t)
    if when.below_percent is not None:
        checks.append(task.percent < when.below_percent)
    if when.behind_plan_by is not None:
        checks.append(_behind_plan(task, rule, calendar, clock, t))
    if when.cost_overrun_pct is not None:
        checks.append(
            task.budget is not None
            and task.actual_cost is not None
            and task.actual_cost
            > task.budget * task.percent / 100 * (1 + when.cost_overrun_pct / 100)
        )
    return all(checks)


def _deadline_checks(task, rule, calendar, clock, t) -> list[bool]:
    when, finish = rule.when, task.planned_finish
    deadline = None if finish is None else calendar.start_of_day(finish + timedelta(days=1))
    late = deadline is not None and t >= deadline
    checks = []
    if when.overdue is not None:
        checks.append(late if when.overdue else not late)
    if when.overdue_by is not None:
        checks.append(late and clock.working_time_between(deadline, t) >= when.overdue_by)
    if when.due_within is not None:
        checks.append(
            deadline is not None
            and t < deadline
            and clock.working_time_between(t, deadline) <= when.due_within
        )
    return checks


def _behind_plan(task, rule, calendar, clock, t) -> bool:
    first, last = task.planned_start, task.planned_finish
    if first is None or last is None or last < first:
        return False
    begin = calendar.start_of_day(first)
    end = calendar.start_of_day(last + timedelta(days=1))
    total = clock.working_time_between(begin, end) // ONE_US
    if total:
        done = clock.working_time_between(begin, t) // ONE_US
        planned = Fraction(100 * min(done, total), total)
    else:
        planned = Fraction(100 if t >= end else 0)
    return planned - Fraction(task.percent) >= Fraction(rule.when.behind_plan_by)


# --- random tasks and rules -------------------------------------------------------------------

maybe_instant = st.none() | instants()
percents = st.integers(0, 120).map(lambda n: Decimal(n) / 2)  # mostly behind
money = st.integers(0, 5000).map(Decimal)
OPEN = [status for status in TaskStatus if status.is_open]


def near(now: datetime) -> st.SearchStrategy[datetime]:
    """Draw an instant from three weeks before `now` to two days after, to the second."""
    return st.integers(-21 * 86400, 2 * 86400).map(lambda s: now + timedelta(seconds=s))


@st.composite
def plan(draw, now: datetime) -> tuple[date | None, date | None]:
    today = now.date()
    start = draw(st.none() | st.integers(-15, 5).map(lambda d: today + timedelta(days=d)))
    finish = draw(st.none() | st.integers(-5, 15).map(lambda d: today + timedelta(days=d)))
    return start, finish


@st.composite
def tasks(draw, now: datetime) -> TaskFacts:
    """Draw a task whose history lies around `now`, mostly open, with optional facts."""
    maybe_near = st.none() | near(now)
    planned_start, planned_finish = draw(plan(now))
    return TaskFacts(
        id=1,
        key="TWR-1",
        project_key="TWR",
        status=draw(st.sampled_from(OPEN)),
        created_at=draw(near(now)),
        percent=draw(percents),
        planned_start=planned_start,
        planned_finish=planned_finish,
        budget=draw(money | st.none()),
        actual_cost=draw(money),
        last_update_at=draw(maybe_near),
        assigned_at=draw(near(now) | st.none()),
        acknowledged_at=draw(maybe_near),
        blocked_since=draw(maybe_near),
        assignee_user_id="U0BOB",
    )


spans = st.integers(1, 60 * 60).map(lambda minutes: f"{minutes}m")  # up to 60 hours
_VALUES = {
    "status": st.lists(st.sampled_from([s.value for s in OPEN]), min_size=3, unique=True),
    "no_update_for": spans,
    "unacknowledged_for": spans,
    "blocked_for": spans,
    "overdue": st.booleans(),
    "overdue_by": spans,
    "due_within": spans,
    "below_percent": st.integers(1, 100),
    "behind_plan_by": st.integers(1, 100),
    "cost_overrun_pct": st.integers(0, 50),
}


ANY = tuple(sorted(_VALUES))
DEADLINES = ("overdue", "overdue_by", "due_within", "below_percent", "behind_plan_by")
QUIET = ("status", "no_update_for", "unacknowledged_for", "blocked_for")


@st.composite
def rules(draw, among: tuple[str, ...] = ANY) -> Rule:
    """Draw a rule of one to three conditions `among` these, on either clock."""
    names = draw(st.lists(st.sampled_from(among), min_size=1, max_size=3, unique=True))
    when = {name: draw(_VALUES[name]) for name in names}
    if when.get("overdue") is False and "overdue_by" in when:
        when["overdue"] = True
    clock = draw(st.sampled_from(["working", "wall"]))
    return Rule.model_validate({"id": "random", "clock": clock, "when": when})


def _between(start: datetime, end: datetime, fraction: float) -> datetime:
    return start + math.floor((end - start) / ONE_US * fraction) * ONE_US


# --- the properties -------------------------------------------------------------------------


@st.composite
def scenarios(draw) -> tuple[TaskFacts, Rule, Calendar, datetime]:
    now = draw(instants())
    rule = draw(rules() | rules(DEADLINES) | rules(QUIET))
    return draw(tasks(now)), rule, draw(calendars()), now


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.floats(0, 1, exclude_max=True))
def test_it_keeps_its_verdict_until_next_check_and_changes_it_there(scenario, fraction):
    task, rule, calendar, now = scenario
    verdict = evaluate_task(task, rule, calendar, now)

    event(f"fires={verdict.fires} next_check={'set' if verdict.next_check_at else 'none'}")
    assert verdict.fires == _holds(task, rule, calendar, now)
    if verdict.next_check_at is None:
        later = now + timedelta(days=400 * fraction)
        assert _holds(task, rule, calendar, later) == verdict.fires
        return
    assert verdict.next_check_at > now
    between = _between(now, verdict.next_check_at, fraction)
    assert evaluate_task(task, rule, calendar, between).fires == verdict.fires
    assert _holds(task, rule, calendar, between) == verdict.fires
    assert _holds(task, rule, calendar, verdict.next_check_at - ONE_US) == verdict.fires
    assert _holds(task, rule, calendar, verdict.next_check_at) != verdict.fires


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_it_dates_a_firing_from_the_instant_the_last_condition_came_true(scenario):
    task, rule, calendar, now = scenario

    verdict = evaluate_task(task, rule, calendar, now)

    event(f"fires={verdict.fires} since={'set' if verdict.since else 'none'}")
    if verdict.fires and verdict.since is not None:
        assert verdict.since <= now
        assert _holds(task, rule, calendar, verdict.since)
        assert not _holds(task, rule, calendar, verdict.since - ONE_US)


@settings(max_examples=100, deadline=None)
@given(
    maybe_instant,
    instants(),
    spans,
    st.sampled_from(["working", "wall"]),
    calendars(),
    instants(),
    st.floats(0, 1, exclude_max=True),
)
def test_it_keeps_a_project_verdict_until_next_check(
    last_report, created, span, clock, calendar, now, fraction
):
    project = ProjectFacts(key="TWR", created_at=created, last_report_at=last_report)
    rule = Rule.model_validate({"id": "silent", "clock": clock, "when": {"silent_for": span}})
    measure = calendar if rule.clock is Clock.WORKING else ALWAYS
    heard = last_report or created

    verdict = evaluate_project(project, rule, calendar, now)

    assert verdict.fires == (measure.working_time_between(heard, now) >= rule.when.silent_for)
    if verdict.next_check_at is not None:
        between = _between(now, verdict.next_check_at, fraction)
        assert evaluate_project(project, rule, calendar, between).fires == verdict.fires
        assert evaluate_project(project, rule, calendar, verdict.next_check_at).fires
