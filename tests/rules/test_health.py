"""A project's health: what is late, blocked and due, progress against plan, earned value."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from rules.health import OpenAlert, RuleAlerts, project_health
from rules.vocabulary import TaskStatus
from tests.rules.factories import SITE_MORNING, make_calendar, make_task

CALENDAR = make_calendar()  # Mon–Sat, 07:00–11:30 and 13:00–17:00: 8.5 working hours a day


def task(number: int, **fields):
    return replace(make_task(**fields), id=number, key=f"TWR-{number}")


def test_it_weighs_progress_by_budget_and_earns_value_against_the_plan_for_today():
    this_week = {"planned_start": date(2026, 11, 30), "planned_finish": date(2026, 12, 4)}
    slab = task(1, percent=50, budget=1000, actual_cost=600, **this_week)
    walls = task(2, percent=0, budget=3000, planned_start=date(2026, 12, 7))

    health = project_health([slab, walls], CALENDAR, SITE_MORNING)  # Tuesday 08:00

    # The slab's plan: 5 days of 8.5 h; by Tuesday 08:00, 9.5 h of it (22.35%).
    assert health.planned_value == Decimal("223.53")
    assert (health.earned_value, health.actual_cost) == (Decimal("500.00"), Decimal("600.00"))
    assert (health.cpi, health.spi) == (Decimal("0.83"), Decimal("2.24"))
    assert health.percent_complete == Decimal("12.5")  # 1000 × 50% over 4000
    assert health.planned_percent == Decimal("22.4")  # only the slab has a plan yet


def test_it_says_what_is_late_blocked_and_due_this_week():
    late = task(1, planned_finish=date(2026, 11, 30))
    finished = task(2, status=TaskStatus.DONE, planned_finish=date(2026, 11, 30))
    today = task(3, planned_finish=date(2026, 12, 1))
    thursday = task(4, planned_finish=date(2026, 12, 3))
    next_week = task(5, planned_finish=date(2026, 12, 7))
    since = SITE_MORNING - timedelta(hours=20)
    blocked = task(6, status=TaskStatus.BLOCKED, blocked_since=since)

    health = project_health(
        [late, finished, today, thursday, next_week, blocked], CALENDAR, SITE_MORNING
    )

    assert [t.key for t in health.late] == ["TWR-1"]  # its finish day is over, and not done
    assert [t.key for t in health.due_this_week] == ["TWR-3", "TWR-4"]  # by Sunday, soonest first
    assert [(b.task.key, b.since) for b in health.blocked] == [("TWR-6", since)]
    assert health.open_tasks == 5
    assert health.tasks_by_status[TaskStatus.DONE] == 1


def test_it_leaves_ratios_undefined_when_nothing_is_spent_or_planned():
    health = project_health([task(1, percent=30)], CALENDAR, SITE_MORNING)

    assert (health.cpi, health.spi, health.planned_percent) == (None, None, None)
    assert health.percent_complete == Decimal("30.0")  # no budgets: every task weighs the same


def test_a_cancelled_task_counts_only_as_cancelled():
    cancelled = task(2, status=TaskStatus.CANCELLED, budget=5000, actual_cost=900, percent=80)

    health = project_health([task(1, percent=10), cancelled], CALENDAR, SITE_MORNING)

    assert health.tasks_by_status[TaskStatus.CANCELLED] == 1
    assert (health.percent_complete, health.actual_cost) == (Decimal("10.0"), Decimal("0"))


def test_it_groups_open_alerts_by_rule_oldest_first_and_finds_the_quietest_reporters():
    yesterday, last_week = SITE_MORNING - timedelta(days=1), SITE_MORNING - timedelta(days=8)
    tasks = [
        replace(task(1), assignee_user_id="U0CAM"),
        replace(task(2), assignee_user_id="U0DEE"),
        replace(task(3, status=TaskStatus.DONE), assignee_user_id="U0EVE"),  # nothing left
    ]
    alerts = [
        OpenAlert("stalled", yesterday),
        OpenAlert("late", last_week),
        OpenAlert("stalled", SITE_MORNING),
    ]
    reports = {"U0CAM": 2, "U0EVE": 5}  # in the last seven days; Dee made none

    health = project_health(
        tasks, CALENDAR, SITE_MORNING, open_alerts=alerts, reports=reports, last_report_at=yesterday
    )

    assert health.open_alerts == (
        RuleAlerts("late", 1, last_week),
        RuleAlerts("stalled", 2, yesterday),
    )
    assert health.quietest == (("U0DEE", 0), ("U0CAM", 2))  # Eve has nothing left to do
    assert health.last_report_at == yesterday
