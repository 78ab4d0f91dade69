"""The S-curve: planned value to the plan's end, earned value and actual cost to now, agreeing
with the health at now."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from rules.health import project_health
from rules.plan import plan_of, planned_fractions
from rules.scurve import CurveTask, Progress, s_curve
from tests.rules.factories import SITE_MORNING, make_calendar, make_task
from tests.rules.strategies import calendars, instants

CALENDAR = make_calendar()  # Mon–Sat, 07:00–11:30 and 13:00–17:00
MONDAY = date(2026, 11, 30)


def test_the_curve_ends_where_the_health_stands_today():
    slab = CurveTask(1, Decimal(1000), MONDAY, date(2026, 12, 4))
    walls = CurveTask(2, Decimal(3000), date(2026, 12, 7), date(2026, 12, 12))
    reports = [
        Progress(1, SITE_MORNING - timedelta(days=1), percent=Decimal(20), cost=Decimal(150)),
        Progress(1, SITE_MORNING - timedelta(minutes=5), percent=Decimal(50), cost=Decimal(450)),
        Progress(2, SITE_MORNING + timedelta(hours=1), percent=Decimal(90)),  # after now
    ]

    curve = s_curve([slab, walls], reports, CALENDAR, SITE_MORNING)

    facts = [
        replace(
            make_task(percent=50, budget=1000, actual_cost=600),
            id=1,
            planned_start=MONDAY,
            planned_finish=date(2026, 12, 4),
        ),
        replace(
            make_task(budget=3000),
            id=2,
            planned_start=date(2026, 12, 7),
            planned_finish=date(2026, 12, 12),
        ),
    ]
    health = project_health(facts, CALENDAR, SITE_MORNING)
    now = curve.at.index(SITE_MORNING)
    assert len(curve.earned) == now + 1  # earned and spent stop at now
    assert round(curve.planned[now], 2) == float(health.planned_value)  # 223.53
    assert curve.earned[now] == float(health.earned_value) == 500.0
    assert curve.actual[now] == float(health.actual_cost) == 600.0
    assert curve.at[0] == CALENDAR.start_of_day(MONDAY)
    assert curve.planned[-1] == curve.budget == 4000.0  # the planned line runs to the end
    assert curve.planned == tuple(sorted(curve.planned))  # cumulative


def test_without_budgets_it_is_drawn_in_percent_with_no_cost_line():
    tasks = [CurveTask(1, None, MONDAY, MONDAY), CurveTask(2, None, None, None)]
    done = [Progress(1, SITE_MORNING - timedelta(hours=1), percent=Decimal(100))]

    curve = s_curve(tasks, done, CALENDAR, SITE_MORNING)

    assert curve.in_percent and curve.actual == ()
    assert curve.earned[-1] == 50.0  # one of two tasks done
    assert curve.planned[-1] == 100.0  # the one planned task carries the whole plan


def test_cancelled_tasks_and_a_project_without_dates_draw_nothing():
    cancelled = CurveTask(1, Decimal(500), MONDAY, MONDAY, cancelled=True)
    assert s_curve([cancelled], [], CALENDAR, SITE_MORNING).is_empty
    assert s_curve([CurveTask(2, Decimal(500), None, None)], [], CALENDAR, SITE_MORNING).is_empty


def test_a_later_percent_replaces_an_earlier_one():
    slab = CurveTask(1, Decimal(1000), MONDAY, date(2026, 12, 4))
    reports = [
        Progress(1, SITE_MORNING - timedelta(hours=3), percent=Decimal(80)),
        Progress(1, SITE_MORNING - timedelta(hours=2), percent=Decimal(30)),  # corrected down
    ]
    assert s_curve([slab], reports, CALENDAR, SITE_MORNING).earned[-1] == 300.0


days = st.dates(date(2026, 11, 1), date(2027, 2, 1))


@given(
    calendars(),
    st.lists(st.tuples(days, st.integers(-2, 40)), min_size=1, max_size=12),
    instants(),
)
def test_the_plans_measured_together_agree_with_each_plan_alone(calendar, spans, now):
    plans = {i: (start, start + timedelta(days=length)) for i, (start, length) in enumerate(spans)}

    together = planned_fractions(plans, calendar, now)

    alone = {
        i: p.fraction_at(calendar, now)
        for i, (start, finish) in plans.items()
        if (p := plan_of(start, finish, calendar, calendar))
    }
    assert together == alone


def test_reports_before_the_first_plan_count_from_the_start():
    slab = CurveTask(1, Decimal(1000), MONDAY, date(2026, 12, 4))
    early = [Progress(1, datetime(2026, 11, 1, tzinfo=SITE_MORNING.tzinfo), percent=Decimal(10))]
    assert s_curve([slab], early, CALENDAR, SITE_MORNING).earned[0] == 100.0
