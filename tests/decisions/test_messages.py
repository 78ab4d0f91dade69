"""What notifications say and where they go: pure, from the evaluator's own numbers."""

from dataclasses import replace
from datetime import date, timedelta

from bot.notify.compose import compose_messages
from rules.alerts import Notification, NotificationKind
from rules.evaluator import evaluate_project, evaluate_task
from rules.notice import Notice, Outgoing, Routing
from rules.rule import Via
from rules.rulebook import load_default_rulebook
from rules.vocabulary import TaskStatus
from tests.decisions.conftest import TUESDAY_8, saigon
from tests.rules.factories import make_project, make_task

RULES = load_default_rulebook()
CALENDAR, _ = RULES.for_project("TWR")
ROUTING = Routing(
    channel="C0TOWER",
    thread=("C0TOWER", "1700000000.000100"),
    assignee="U0BOB",
    crew_lead="U0ANN",
    managers=("U0MAX", "U0MIA"),
)


def notice(rule_id, task=None, *, now, target=None, via=None, kind=None, routing=ROUTING):
    """Return the notice of `rule_id`'s first step (or another target) at `now`."""
    rule = RULES.rule(rule_id)
    step = rule.escalate[0]
    subject = task or make_project(last_report_at=now - timedelta(days=3))
    if task is None:
        verdict = evaluate_project(subject, rule, CALENDAR, now)
    else:
        verdict = evaluate_task(task, rule, CALENDAR, now)
    assert verdict.fires
    return Notice(
        rule=rule,
        notification=Notification(
            step=0,
            target=target or step.notify,
            via=via or step.via,
            kind=kind or NotificationKind.FOLLOW_UP,
            at=now,
        ),
        alert_id=7,
        opened_at=now,
        now=now,
        project_key="TWR",
        project_name="Tower A",
        currency="USD",
        calendar=CALENDAR,
        task=task,
        task_title=None if task is None else "Pour slab L3",
        facts=verdict.facts,
        routing=routing,
    )


LONG_AGO = saigon(2026, 11, 2, 8)
STALLED = make_task(created_at=LONG_AGO, last_update_at=saigon(2026, 11, 30, 10))
TUESDAY_14 = saigon(2026, 12, 1, 14)  # 11 working hours after Monday 10:00


def test_it_asks_the_assignee_in_the_tasks_thread_with_the_numbers():
    messages = compose_messages(notice("stalled", STALLED, now=TUESDAY_14))

    assert messages == [
        Outgoing(
            "C0TOWER",
            "<@U0BOB> TWR-42 Pour slab L3 has had no update for 11 working hours. Reply here "
            "with progress (e.g. `60% formwork done`) or `/blocked TWR-42 reason`.",
            "1700000000.000100",
            ("U0BOB",),
        )
    ]


def test_without_a_thread_it_mentions_the_assignee_in_the_project_channel():
    routing = replace(ROUTING, thread=None)

    [message] = compose_messages(notice("stalled", STALLED, now=TUESDAY_14, routing=routing))

    assert (message.target, message.thread_ts) == ("C0TOWER", None)
    assert message.text.startswith("<@U0BOB> TWR-42 Pour slab L3 has had no update")


def test_it_tells_the_crew_lead_by_direct_message_who_is_assigned():
    escalation = notice(
        "stalled",
        STALLED,
        now=TUESDAY_14,
        target="crew_lead",
        via=Via.DM,
        kind=NotificationKind.ESCALATION,
    )
    escalation = replace(escalation, opened_at=TUESDAY_14 - timedelta(hours=3))

    assert compose_messages(escalation) == [
        Outgoing(
            "U0ANN",
            "Escalation: TWR-42 Pour slab L3 (assigned to <@U0BOB>) has had no update for 11 "
            "working hours. First raised 1.5 working hours ago. Please follow up with <@U0BOB>.",
            None,
            ("U0ANN",),
        )
    ]


def test_it_sends_each_manager_a_direct_message():
    managers = notice("stalled", STALLED, now=TUESDAY_14, target="managers", via=Via.DM)

    assert [m.target for m in compose_messages(managers)] == ["U0MAX", "U0MIA"]


def test_nobody_to_tell_means_no_message():
    routing = replace(ROUTING, assignee=None)

    assert compose_messages(notice("stalled", STALLED, now=TUESDAY_14, routing=routing)) == []


def test_a_channel_step_without_a_channel_goes_to_the_people_directly():
    routing = replace(ROUTING, channel=None, thread=None)
    thread_step = notice("stalled", STALLED, now=TUESDAY_14, routing=routing)

    assert [(m.target, m.thread_ts) for m in compose_messages(thread_step)] == [("U0BOB", None)]
    assert compose_messages(thread_step)[0].text.endswith(
        "Reply with `/update TWR-42 60% formwork done` or `/blocked TWR-42 reason`."
    )


def test_a_silent_project_is_told_in_its_channel():
    silent = notice("silent_project", now=TUESDAY_8)

    assert compose_messages(silent) == [
        Outgoing(
            "C0TOWER",
            "TWR Tower A has had no report at all for 17 working hours. Post today's progress "
            "in the project channel; if the site is closed, add the day to the calendar's "
            "holidays.",
        )
    ]


def test_behind_plan_says_the_progress_and_the_plan_in_points():
    task = make_task(
        percent=30,
        last_update_at=TUESDAY_8,
        planned_start=date(2026, 11, 23),
        planned_finish=date(2026, 12, 5),
    )

    [message] = compose_messages(notice("behind_plan", task, now=TUESDAY_14))

    assert "TWR-42 Pour slab L3 is 30% done where the plan says 63.7% by now" in message.text
    assert "(33.7 points behind)" in message.text


def test_overdue_says_by_how_many_days():
    task = make_task(last_update_at=TUESDAY_8, planned_finish=date(2026, 11, 27))

    [message] = compose_messages(notice("overdue", task, now=TUESDAY_14))

    assert "is 4 days past its planned finish (Fri 27 Nov). Finish it with `/done TWR-42`" in (
        message.text
    )


def test_due_soon_says_how_long_is_left_and_how_much_is_done():
    task = make_task(percent=20, last_update_at=TUESDAY_8, planned_finish=date(2026, 12, 2))

    [message] = compose_messages(notice("due_soon", task, now=TUESDAY_14))

    assert "is due in 11.5 working hours (planned finish Wed 02 Dec) and is only 20% done" in (
        message.text
    )


def test_over_budget_says_the_money_against_the_work_done():
    task = make_task(percent=40, budget=10_000, actual_cost=5_000, last_update_at=TUESDAY_8)
    lead = notice("over_budget", task, now=TUESDAY_14)

    [message] = compose_messages(lead)

    assert message.target == "U0ANN"
    assert "has cost $5,000 against $4,000 of work done (25% over)" in message.text


def test_unacknowledged_and_blocked_say_how_long():
    assigned = make_task(status=TaskStatus.ASSIGNED, assigned_at=saigon(2026, 12, 1, 9))
    blocked = make_task(status=TaskStatus.BLOCKED, blocked_since=saigon(2026, 11, 30, 15))

    [ack] = compose_messages(notice("unacknowledged", assigned, now=TUESDAY_14))
    [lead] = compose_messages(notice("blocked_too_long", blocked, now=TUESDAY_14))

    assert "was assigned 3.5 working hours ago and nobody has acknowledged it" in ack.text
    assert ack.text.endswith(
        "Reply `on it` here to acknowledge it, or tell your crew lead if it is not yours."
    )
    assert "has been blocked for 7.5 working hours. Please clear the blocker" in lead.text
