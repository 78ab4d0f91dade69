"""The alert lifecycle as the tick stores it: open, escalate, acknowledge, snooze, resolve."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from rules.vocabulary import UpdateKind
from storage.db import session_scope
from storage.models import Member
from storage.tick import tick
from tests.decisions.conftest import TUESDAY_8, Site, rulebook, saigon, utc

SATURDAY_13 = saigon(2026, 12, 5, 13)
MONDAY_11 = saigon(2026, 12, 7, 11)  # eight working hours after Saturday 13:00


def test_it_opens_one_alert_and_one_follow_up_for_a_stalled_task(site: Site):
    task = site.add_task(now=SATURDAY_13)

    result = site.tick(MONDAY_11)

    assert (result.opened, result.messages_queued) == (1, 1)
    [alert] = site.alerts()
    assert (alert.rule_id, alert.task_id, alert.level) == ("stalled", task, 0)
    assert alert.opened_at == utc(MONDAY_11)
    assert site.sent() == [
        (
            "C0TOWER",
            "1700000000.000001",
            "<@U0BOB> TWR-1 Pour slab L3 has had no update for 8 working hours. Reply here with "
            "progress (e.g. `60% formwork done`) or `/blocked TWR-1 reason`.",
        )
    ]


def test_it_opens_nothing_before_the_rule_holds(site: Site):
    task = site.add_task(now=SATURDAY_13)

    result = site.tick(MONDAY_11 - timedelta(minutes=1))

    assert (result.tasks_evaluated, result.opened) == (1, 0)
    assert site.alerts() == []
    assert site.task(task).next_check_at == utc(MONDAY_11)


def test_it_escalates_to_the_lead_then_the_managers_on_the_working_clock(site: Site):
    site.add_task(now=SATURDAY_13)
    site.tick(MONDAY_11)

    at_lead = site.tick(saigon(2026, 12, 7, 16, 30))  # +4 working hours, across lunch
    at_managers = site.tick(saigon(2026, 12, 8, 10, 30))  # +8, across the night

    assert (at_lead.escalated, at_managers.escalated) == (1, 1)
    [_follow_up, lead, manager] = site.messages()
    assert (lead.target, lead.thread_ts, lead.kind) == ("U0ANN", None, "escalation")
    assert lead.payload["args"]["text"] == (
        "Escalation: TWR-1 Pour slab L3 (assigned to <@U0BOB>) has had no update for "
        "12 working hours. First raised 4 working hours ago. Please follow up with <@U0BOB>."
    )
    assert (manager.target, manager.kind) == ("U0MAX", "escalation")
    assert "has had no update for 16 working hours" in manager.payload["args"]["text"]
    [alert] = site.alerts()
    assert (alert.level, alert.next_step_at) == (2, None)


def test_it_sends_nothing_between_steps(site: Site):
    site.add_task(now=SATURDAY_13)
    site.tick(MONDAY_11)

    result = site.tick(saigon(2026, 12, 7, 16, 29))

    assert (result.tasks_evaluated, result.messages_queued) == (0, 0)
    assert len(site.messages()) == 1


def test_an_acknowledgement_stops_the_chain(site: Site):
    site.add_task(now=SATURDAY_13)
    site.tick(MONDAY_11)
    [alert] = site.alerts()
    site.change_alert(alert.id, MONDAY_11, acknowledged_at=utc(MONDAY_11))

    site.tick(saigon(2026, 12, 7, 16, 30))
    site.tick(saigon(2026, 12, 8, 10, 30))

    assert len(site.messages()) == 1
    [alert] = site.alerts()
    assert alert.next_step_at is None and alert.resolved_at is None


def test_a_snooze_holds_the_chain_until_it_ends(site: Site):
    site.add_task(now=SATURDAY_13)
    site.tick(MONDAY_11)
    [alert] = site.alerts()
    until = saigon(2026, 12, 8, 9)
    site.change_alert(alert.id, MONDAY_11, snoozed_until=utc(until))

    during = site.tick(saigon(2026, 12, 7, 16, 30))
    after = site.tick(until)

    assert during.messages_queued == 0
    assert after.messages_queued == 1
    assert site.messages()[-1].target == "U0ANN"
    [alert] = site.alerts()
    assert alert.level == 1


def test_fresh_data_resolves_the_alert_and_records_the_update_that_cleared_it(site: Site):
    task = site.add_task(now=SATURDAY_13)
    site.tick(MONDAY_11)
    update = site.report(task, saigon(2026, 12, 7, 14), percent=60)

    result = site.tick(saigon(2026, 12, 7, 14, 1))

    assert result.resolved == 1
    [alert] = site.alerts()
    assert alert.resolved_at == utc(saigon(2026, 12, 7, 14, 1))
    assert alert.resolved_by_update_id == update
    assert alert.open_key is None
    assert site.task(task).next_check_at == utc(saigon(2026, 12, 8, 13, 30))


def test_it_opens_a_new_alert_when_the_rule_holds_again(site: Site):
    task = site.add_task(now=SATURDAY_13)
    site.tick(MONDAY_11)
    site.report(task, saigon(2026, 12, 7, 14), percent=60)
    site.tick(saigon(2026, 12, 7, 14, 1))

    result = site.tick(saigon(2026, 12, 8, 14))

    assert result.opened == 1
    first, second = site.alerts()
    assert first.resolved_at is not None and second.resolved_at is None
    assert second.opened_at == utc(saigon(2026, 12, 8, 14))
    assert [m.kind for m in site.messages()] == ["follow_up", "follow_up"]


def test_a_done_task_resolves_its_alert(site: Site):
    task = site.add_task(now=SATURDAY_13)
    site.tick(MONDAY_11)
    done = site.report(task, saigon(2026, 12, 7, 15), kind=UpdateKind.DONE)

    site.tick(saigon(2026, 12, 7, 15, 1))

    [alert] = site.alerts()
    assert alert.resolved_by_update_id == done
    assert site.task(task).next_check_at is None


def test_it_repeats_the_current_step_while_nobody_acknowledges(session_factory):
    rules = rulebook(
        """
calendar: {timezone: Asia/Ho_Chi_Minh, workdays: mon-sat, hours: "07:00-11:30,13:00-17:00"}
rules:
  - id: stalled
    when: {status: [in_progress], no_update_for: 8h}
    escalate: [{after: 0m, notify: assignee, via: thread}]
    repeat_every: 2h
"""
    )
    site = Site(session_factory, rules)
    site.add_task(now=SATURDAY_13)
    site.tick(MONDAY_11)

    early = site.tick(saigon(2026, 12, 7, 14, 29))
    due = site.tick(saigon(2026, 12, 7, 14, 30))  # two working hours after 11:00, across lunch

    assert (early.repeated, due.repeated) == (0, 1)
    assert [m.kind for m in site.messages()] == ["follow_up", "repeat"]
    assert (
        site.messages()[-1]
        .payload["args"]["text"]
        .startswith(
            "<@U0BOB> Still unresolved: TWR-1 Pour slab L3 has had no update for 10 working hours. "
            "First raised 2 working hours ago."
        )
    )


QUIET_RULES = """
calendar: {timezone: Asia/Ho_Chi_Minh, workdays: mon-sat, hours: "07:00-11:30,13:00-17:00"}
rules:
  - id: stalled
    when: {status: [in_progress], no_update_for: 12h}
    clock: wall
    severity: SEVERITY
    escalate: [{after: 0m, notify: assignee, via: thread}]
"""


def test_a_notification_at_night_waits_for_the_next_working_start(session_factory):
    site = Site(session_factory, rulebook(QUIET_RULES.replace("SEVERITY", "warning")))
    site.add_task(now=TUESDAY_8)

    site.tick(saigon(2026, 12, 1, 20))

    [message] = site.messages()
    assert message.next_attempt_at == utc(saigon(2026, 12, 2, 7))
    assert "has had no update for 12 hours" in message.payload["args"]["text"]


def test_a_critical_notification_goes_out_at_night(session_factory):
    site = Site(session_factory, rulebook(QUIET_RULES.replace("SEVERITY", "critical")))
    site.add_task(now=TUESDAY_8)

    site.tick(saigon(2026, 12, 1, 20))

    [message] = site.messages()
    assert message.next_attempt_at == utc(saigon(2026, 12, 1, 20))


def test_ticking_twice_at_the_same_instant_changes_nothing(site: Site):
    site.add_task(now=SATURDAY_13)
    site.add_task("Formwork L4", now=SATURDAY_13)
    site.tick(MONDAY_11)
    alerts, messages = site.alerts(), site.messages()

    again = site.tick(MONDAY_11)

    assert (again.opened, again.escalated, again.resolved, again.messages_queued) == (0, 0, 0, 0)
    assert [(a.id, a.level, a.next_step_at) for a in site.alerts()] == [
        (a.id, a.level, a.next_step_at) for a in alerts
    ]
    assert [m.id for m in site.messages()] == [m.id for m in messages]


def test_a_failing_task_is_pushed_back_and_does_not_block_the_others(site: Site):
    from bot.notify.compose import compose_messages

    first = site.add_task(now=SATURDAY_13)
    second = site.add_task("Formwork L4", now=SATURDAY_13)

    def compose(notice):
        if notice.subject == "TWR-2":
            raise RuntimeError("cannot word this")
        return compose_messages(notice)

    result = tick(site.sessions, site.rules, MONDAY_11, compose=compose)

    assert result.failed == ["TWR-2"]
    assert [(a.task_id, a.resolved_at) for a in site.alerts()] == [(first, None)]
    assert len(site.messages()) == 1
    assert site.task(second).next_check_at == utc(MONDAY_11 + timedelta(minutes=5))


def test_nobody_to_notify_skips_the_step(site: Site):
    site.add_task(now=SATURDAY_13, assignee_id=None)

    result = site.tick(MONDAY_11)

    assert (result.opened, result.unrouted, result.messages_queued) == (1, 1, 0)
    assert site.messages() == []


DM_RULES = QUIET_RULES.replace("notify: assignee, via: thread", "notify: crew_lead, via: dm")


def lead_in_london(session_factory) -> Site:
    """The site with its crew lead, Ann, working from London (7 hours behind the site)."""
    site = Site(session_factory, rulebook(DM_RULES.replace("SEVERITY", "warning")))
    with session_scope(session_factory) as session:
        session.get(Member, site.ann.id).timezone = "Europe/London"
    return site


def test_a_dm_goes_out_when_its_reader_is_at_work_though_the_site_has_gone_home(
    session_factory,
):
    site = lead_in_london(session_factory)
    site.add_task(now=TUESDAY_8)

    site.tick(saigon(2026, 12, 1, 20))  # 13:00 in London

    [message] = site.messages()
    assert (message.target, message.next_attempt_at) == ("U0ANN", utc(saigon(2026, 12, 1, 20)))


def test_a_dm_waits_for_its_readers_morning_though_the_site_is_at_work(session_factory):
    site = lead_in_london(session_factory)
    site.add_task(now=TUESDAY_8)

    site.tick(saigon(2026, 12, 2, 10))  # 03:00 in London

    [message] = site.messages()
    london_7 = datetime(2026, 12, 2, 7, tzinfo=ZoneInfo("Europe/London"))
    assert (message.target, message.next_attempt_at) == ("U0ANN", london_7.astimezone(UTC))
