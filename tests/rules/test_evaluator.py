from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.evaluator import VerdictFacts, evaluate, evaluate_project, evaluate_task
from rules.vocabulary import TaskStatus
from tests.rules.factories import make_calendar, make_project, make_rule, make_task

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")


def saigon(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SAIGON)


# 2026-11-30 is a Monday; the site works 07:00-11:30 and 13:00-17:00, Monday to Saturday:
# 8.5 working hours a day. The task's last news is Tuesday 1 December, 08:00.
TUESDAY_8 = saigon(2026, 12, 1, 8)


def test_it_fires_once_eight_working_hours_pass_without_an_update():
    task = make_task(status=TaskStatus.IN_PROGRESS, last_update_at=TUESDAY_8)
    rule = make_rule(when={"status": ["in_progress"], "no_update_for": "8h"})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 2, 9))

    assert verdict.fires
    assert verdict.since == saigon(2026, 12, 2, 7, 30)  # 7.5 h on Tuesday, 0.5 h on Wednesday
    assert verdict.next_check_at is None  # only an update can clear it
    assert verdict.facts.hours_since_update == 9.5


def test_it_says_when_to_look_again_before_the_quiet_time_is_up():
    task = make_task(status=TaskStatus.IN_PROGRESS, last_update_at=TUESDAY_8)
    rule = make_rule(when={"no_update_for": "8h"})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 1, 20))

    assert not verdict.fires
    assert verdict.next_check_at == saigon(2026, 12, 2, 7, 30)
    assert verdict.facts.hours_since_update == 7.5


def test_it_counts_every_hour_on_the_wall_clock():
    task = make_task(status=TaskStatus.IN_PROGRESS, last_update_at=TUESDAY_8)
    rule = make_rule(clock="wall", when={"no_update_for": "8h"})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 1, 20))

    assert verdict.fires
    assert verdict.since == saigon(2026, 12, 1, 16)


def test_it_counts_quiet_time_from_the_latest_news_of_any_kind():
    task = make_task(
        last_update_at=saigon(2026, 11, 20, 8),
        assigned_at=TUESDAY_8,
        created_at=saigon(2026, 11, 1),
    )
    rule = make_rule(when={"no_update_for": "8h"})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 1, 20))

    assert not verdict.fires
    assert verdict.next_check_at == saigon(2026, 12, 2, 7, 30)


def test_it_ignores_tasks_outside_the_rule_statuses_until_they_change():
    task = make_task(status=TaskStatus.PLANNED, last_update_at=TUESDAY_8)
    rule = make_rule(when={"status": ["in_progress"], "no_update_for": "8h"})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 9))

    assert (verdict.fires, verdict.next_check_at) == (False, None)


def test_it_leaves_done_and_cancelled_tasks_alone_when_no_status_is_given():
    rule = make_rule(when={"no_update_for": "8h"})

    verdicts = [
        evaluate_task(
            make_task(status=status, last_update_at=TUESDAY_8),
            rule,
            make_calendar(),
            saigon(2026, 12, 9),
        )
        for status in (TaskStatus.DONE, TaskStatus.CANCELLED, TaskStatus.BLOCKED)
    ]

    assert [verdict.fires for verdict in verdicts] == [False, False, True]


def test_it_fires_for_an_assignment_nobody_acknowledged():
    task = make_task(status=TaskStatus.ASSIGNED, assigned_at=TUESDAY_8)
    rule = make_rule("unacknowledged", when={"unacknowledged_for": "2h"})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 1, 10, 30))

    assert verdict.fires
    assert verdict.since == saigon(2026, 12, 1, 10)
    assert verdict.facts.hours_unacknowledged == 2.5


def test_it_never_fires_for_an_acknowledged_assignment_unless_reassigned_later():
    acknowledged = make_task(assigned_at=TUESDAY_8, acknowledged_at=saigon(2026, 12, 1, 9))
    reassigned = make_task(
        assigned_at=saigon(2026, 12, 1, 9, 30), acknowledged_at=saigon(2026, 12, 1, 9)
    )
    rule = make_rule("unacknowledged", when={"unacknowledged_for": "2h"})

    verdicts = [
        evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 2, 9))
        for task in (acknowledged, reassigned)
    ]

    assert [verdict.fires for verdict in verdicts] == [False, True]


def test_it_fires_for_work_blocked_too_long():
    task = make_task(status=TaskStatus.BLOCKED, blocked_since=TUESDAY_8)
    rule = make_rule("blocked", when={"blocked_for": "4h"})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 1, 15))

    assert verdict.fires
    assert verdict.since == saigon(2026, 12, 1, 13, 30)
    assert verdict.facts.hours_blocked == 5.5


def test_it_does_not_call_unblocked_work_blocked():
    task = make_task(status=TaskStatus.IN_PROGRESS, blocked_since=TUESDAY_8)
    rule = make_rule("blocked", when={"blocked_for": "4h"})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 3))

    assert (verdict.fires, verdict.next_check_at) == (False, None)


def test_it_calls_a_task_overdue_from_the_end_of_its_planned_finish_day():
    task = make_task(planned_finish=date(2026, 12, 1))
    rule = make_rule("overdue", when={"overdue": True})

    before = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 1, 16))
    after = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 3, 9))

    assert (before.fires, before.next_check_at) == (False, saigon(2026, 12, 2, 0))
    assert (after.fires, after.since) == (True, saigon(2026, 12, 2, 0))
    assert after.facts.days_late == 2
    assert after.facts.hours_overdue == 8.5 + 2


def test_it_waits_for_overdue_by_on_the_working_clock():
    task = make_task(planned_finish=date(2026, 12, 1))
    rule = make_rule("late", when={"overdue_by": "8h"})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 2, 12))

    assert not verdict.fires
    assert verdict.next_check_at == saigon(2026, 12, 2, 16, 30)


def test_it_warns_when_due_soon_and_far_from_done_until_the_deadline():
    task = make_task(percent=30, planned_finish=date(2026, 12, 2))
    rule = make_rule("due_soon", when={"due_within": "16h", "below_percent": 50})

    early = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 1, 7, 30))
    soon = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 2, 9))
    late = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 3, 9))

    assert (early.fires, early.next_check_at) == (False, TUESDAY_8)
    assert (soon.fires, soon.since, soon.next_check_at) == (True, TUESDAY_8, saigon(2026, 12, 3))
    assert soon.facts.hours_until_due == 6.5
    assert (late.fires, late.next_check_at) == (False, None)


def test_it_does_not_warn_about_a_task_due_soon_that_is_nearly_done():
    task = make_task(percent=80, planned_finish=date(2026, 12, 2))
    rule = make_rule("due_soon", when={"due_within": "16h", "below_percent": 50})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 2, 9))

    assert (verdict.fires, verdict.next_check_at) == (False, None)


def test_it_compares_progress_with_a_plan_linear_in_working_time():
    task = make_task(percent=20, planned_start=date(2026, 11, 30), planned_finish=date(2026, 12, 5))
    rule = make_rule("behind", when={"behind_plan_by": 20})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 2, 17))

    assert verdict.fires
    assert verdict.facts == VerdictFacts(planned_percent=50.0, percent=20.0, behind_by=30.0)
    assert verdict.since == saigon(2026, 12, 2, 10, 24)  # 40% of 51 h = 20.4 h into the plan


def test_it_says_when_a_task_ahead_of_plan_would_fall_behind():
    task = make_task(percent=60, planned_start=date(2026, 11, 30), planned_finish=date(2026, 12, 5))
    rule = make_rule("behind", when={"behind_plan_by": 20})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 2, 17))

    assert not verdict.fires
    assert verdict.next_check_at == saigon(2026, 12, 4, 15, 18)  # the plan reaches 80%


def test_it_never_calls_a_task_behind_plan_by_more_than_the_plan_can_reach():
    task = make_task(percent=90, planned_start=date(2026, 11, 30), planned_finish=date(2026, 12, 5))
    rule = make_rule("behind", when={"behind_plan_by": 20})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 9))

    assert (verdict.fires, verdict.next_check_at) == (False, None)
    assert verdict.facts.planned_percent == 100


def test_it_fires_when_cost_exceeds_earned_value_by_more_than_the_margin():
    over = make_task(percent=50, budget=1000, actual_cost=560)
    at_margin = make_task(percent=50, budget=1000, actual_cost=550)
    rule = make_rule("over_budget", when={"cost_overrun_pct": 10})

    verdicts = [evaluate_task(task, rule, make_calendar(), TUESDAY_8) for task in (over, at_margin)]

    assert [verdict.fires for verdict in verdicts] == [True, False]
    assert verdicts[0].facts == VerdictFacts(
        budget=1000.0, actual_cost=560.0, earned_value=500.0, overrun=60.0, overrun_pct=12.0
    )
    assert verdicts[0].next_check_at is None


def test_it_needs_every_condition_and_waits_for_none_that_cannot_come_true_by_itself():
    task = make_task(last_update_at=TUESDAY_8, percent=50, budget=1000, actual_cost=100)
    rule = make_rule(when={"no_update_for": "8h", "cost_overrun_pct": 10})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 1, 9))

    assert (verdict.fires, verdict.next_check_at) == (False, None)


def test_it_stops_holding_when_one_condition_runs_out():
    task = make_task(percent=10, last_update_at=TUESDAY_8, planned_finish=date(2026, 12, 2))
    rule = make_rule(when={"no_update_for": "4h", "due_within": "16h", "below_percent": 50})

    verdict = evaluate_task(task, rule, make_calendar(), saigon(2026, 12, 1, 15))

    assert (verdict.fires, verdict.since) == (True, saigon(2026, 12, 1, 13, 30))
    assert verdict.next_check_at == saigon(2026, 12, 3, 0)


def test_it_fires_for_a_project_silent_for_a_working_day():
    project = make_project(last_report_at=TUESDAY_8)
    rule = make_rule("silent", when={"silent_for": "8h"})

    verdict = evaluate_project(project, rule, make_calendar(), saigon(2026, 12, 2, 8))

    assert (verdict.fires, verdict.since) == (True, saigon(2026, 12, 2, 7, 30))
    assert verdict.facts.hours_silent == 8.5
    assert evaluate(project, rule, make_calendar(), saigon(2026, 12, 2, 8)) == verdict


def test_it_refuses_to_judge_a_task_by_a_project_rule_and_the_other_way_round():
    task_rule, project_rule = make_rule(), make_rule("silent", when={"silent_for": "8h"})

    with pytest.raises(ValueError, match="about projects"):
        evaluate_task(make_task(), project_rule, make_calendar(), TUESDAY_8)
    with pytest.raises(ValueError, match="about tasks"):
        evaluate_project(make_project(), task_rule, make_calendar(), TUESDAY_8)


def test_it_measures_a_project_calendar_in_its_own_time_zone():
    calendar = make_calendar(timezone="Europe/Berlin", workdays="mon-fri", hours="08:00-16:00")
    task = make_task(planned_finish=date(2026, 12, 4))
    rule = make_rule("overdue", when={"overdue": True})

    verdict = evaluate_task(task, rule, calendar, saigon(2026, 12, 4, 12))

    assert verdict.next_check_at == datetime(2026, 12, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    assert verdict.next_check_at - saigon(2026, 12, 5) == timedelta(hours=6)
