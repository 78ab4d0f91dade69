"""The shipped rules do what their descriptions promise a site manager."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rules.alerts import decide
from rules.evaluator import evaluate_project, evaluate_task
from rules.rulebook import load_default_rulebook
from rules.vocabulary import TaskStatus
from tests.rules.factories import make_project, make_task

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
RULEBOOK = load_default_rulebook()
CALENDAR = RULEBOOK.calendar


def saigon(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SAIGON)


TUESDAY_8 = saigon(2026, 12, 1, 8)


def test_it_calls_work_stalled_after_a_site_day_without_news():
    task = make_task(status=TaskStatus.IN_PROGRESS, last_update_at=TUESDAY_8)

    verdict = evaluate_task(task, RULEBOOK.rule("stalled"), CALENDAR, saigon(2026, 12, 1, 17))

    assert not verdict.fires
    assert verdict.next_check_at == saigon(2026, 12, 2, 7, 30)


def test_it_chases_a_stalled_task_up_to_the_managers_within_two_site_days():
    rule = RULEBOOK.rule("stalled")
    opened = decide(None, rule, True, CALENDAR, saigon(2026, 12, 2, 7, 30))

    lead = decide(opened.state, rule, True, CALENDAR, opened.next_step_at)
    managers = decide(lead.state, rule, True, CALENDAR, lead.next_step_at)

    assert [n.target for n in opened.notifications] == ["assignee"]
    assert [n.target for n in lead.notifications] == ["crew_lead"]
    assert lead.notifications[0].at == saigon(2026, 12, 2, 13, 0)
    assert [n.target for n in managers.notifications] == ["managers"]
    assert managers.notifications[0].at == saigon(2026, 12, 3, 7, 0)


def test_it_skips_sundays_and_new_year_in_the_site_calendar():
    assert not CALENDAR.is_working(saigon(2026, 12, 6, 9))
    assert not CALENDAR.is_working(saigon(2026, 1, 1, 9))
    assert CALENDAR.is_working(saigon(2026, 12, 5, 9))


def test_it_warns_two_site_days_before_the_finish_of_work_less_than_half_done():
    task = make_task(percent=30, planned_finish=date(2026, 12, 4))

    verdict = evaluate_task(task, RULEBOOK.rule("due_soon"), CALENDAR, saigon(2026, 12, 3, 7))

    assert verdict.fires


def test_it_calls_a_project_silent_after_a_whole_site_day_without_reports():
    project = make_project(last_report_at=saigon(2026, 12, 1, 17))

    verdict = evaluate_project(
        project, RULEBOOK.rule("silent_project"), CALENDAR, saigon(2026, 12, 2, 16, 59)
    )

    assert not verdict.fires
    assert verdict.next_check_at == saigon(2026, 12, 2, 17)


@pytest.mark.parametrize("rule_id", ["over_budget", "due_soon"])
def test_it_does_not_repeat_alerts_that_only_new_data_can_change(rule_id):
    rule = RULEBOOK.rule(rule_id)

    assert rule.repeat_every is None


def test_it_keeps_every_shipped_rule_below_critical_so_nobody_is_woken_at_night():
    severities = {rule.severity for rule in RULEBOOK.rules}

    assert severities <= {"info", "warning"}
