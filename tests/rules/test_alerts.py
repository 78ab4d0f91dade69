from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from rules.alerts import AlertState, Change, NotificationKind, decide, deliver_at
from rules.calendar import Calendar
from rules.rule import Via
from rules.vocabulary import Severity
from tests.rules.factories import make_calendar, make_rule

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")


def saigon(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SAIGON)


TUESDAY_8 = saigon(2026, 12, 1, 8)
CHAIN = [
    {"after": "0m", "notify": "assignee", "via": "thread"},
    {"after": "4h", "notify": "crew_lead", "via": "dm"},
    {"after": "8h", "notify": "managers", "via": "dm"},
]


def make_stalled_rule(**settings):
    settings.setdefault("escalate", CHAIN)
    return make_rule("stalled", **settings)


def make_alert(
    opened_at: datetime = TUESDAY_8,
    level: int = 0,
    last_notified_at: datetime | None = TUESDAY_8,
    acknowledged_at: datetime | None = None,
    snoozed_until: datetime | None = None,
) -> AlertState:
    return AlertState(
        opened_at=opened_at,
        level=level,
        last_notified_at=last_notified_at,
        acknowledged_at=acknowledged_at,
        snoozed_until=snoozed_until,
    )


def sent(decision) -> list[tuple[int, str, Via, NotificationKind]]:
    return [(n.step, n.target, n.via, n.kind) for n in decision.notifications]


def test_it_opens_an_alert_and_follows_up_in_the_thread_at_once():
    rule = make_stalled_rule()

    decision = decide(None, rule, True, make_calendar(), TUESDAY_8)

    assert decision.changes == (Change.OPENED, Change.ESCALATED)
    assert sent(decision) == [(0, "assignee", Via.THREAD, NotificationKind.FOLLOW_UP)]
    assert decision.notifications[0].at == TUESDAY_8
    assert decision.state == AlertState(
        opened_at=TUESDAY_8,
        level=0,
        last_notified_at=TUESDAY_8,
        next_step_at=saigon(2026, 12, 1, 13, 30),  # four working hours later, after lunch
    )


def test_it_opens_nothing_while_the_rule_does_not_hold():
    decision = decide(None, make_stalled_rule(), False, make_calendar(), TUESDAY_8)

    assert decision == type(decision)(None)


def test_it_waits_for_a_first_step_that_comes_later():
    rule = make_stalled_rule(escalate=[{"after": "2h", "notify": "crew_lead"}])

    decision = decide(None, rule, True, make_calendar(), TUESDAY_8)

    assert decision.changes == (Change.OPENED,)
    assert decision.notifications == ()
    assert decision.next_step_at == saigon(2026, 12, 1, 10)
    assert decision.state.last_notified_at is None


def test_it_escalates_to_the_crew_lead_after_four_working_hours():
    rule = make_stalled_rule()

    decision = decide(make_alert(), rule, True, make_calendar(), saigon(2026, 12, 1, 13, 30))

    assert sent(decision) == [(1, "crew_lead", Via.DM, NotificationKind.ESCALATION)]
    assert decision.changes == (Change.ESCALATED,)
    assert decision.state.level == 1
    assert decision.next_step_at == saigon(2026, 12, 2, 7, 30)  # eight working hours in


def test_it_sends_nothing_twice_when_decided_twice_at_the_same_instant():
    rule = make_stalled_rule(repeat_every="2h")
    now = saigon(2026, 12, 1, 13, 30)
    first = decide(make_alert(), rule, True, make_calendar(), now)

    second = decide(first.state, rule, True, make_calendar(), now)

    assert second.notifications == ()
    assert second.changes == ()
    assert second.state == first.state


def test_it_notifies_every_step_that_fell_due_when_a_tick_comes_late():
    rule = make_stalled_rule()

    decision = decide(make_alert(), rule, True, make_calendar(), saigon(2026, 12, 2, 9))

    assert [n.step for n in decision.notifications] == [1, 2]
    assert decision.state.level == 2
    assert decision.next_step_at is None  # no repeat_every, nothing more to say


def test_it_stops_the_chain_once_acknowledged():
    rule = make_stalled_rule(repeat_every="1h")
    alert = make_alert(acknowledged_at=saigon(2026, 12, 1, 9))

    decision = decide(alert, rule, True, make_calendar(), saigon(2026, 12, 2, 9))

    assert decision.notifications == ()
    assert decision.next_step_at is None


def test_it_repeats_the_current_step_while_nobody_acknowledges():
    rule = make_stalled_rule(repeat_every="2h")
    alert = make_alert(level=1, last_notified_at=saigon(2026, 12, 1, 13, 30))

    decision = decide(alert, rule, True, make_calendar(), saigon(2026, 12, 1, 15, 30))

    assert sent(decision) == [(1, "crew_lead", Via.DM, NotificationKind.REPEAT)]
    assert decision.changes == (Change.REPEATED,)
    assert decision.state.last_notified_at == saigon(2026, 12, 1, 15, 30)
    assert decision.next_step_at == saigon(2026, 12, 2, 7, 30)  # step 2 comes before a repeat


def test_it_holds_everything_while_snoozed():
    rule = make_stalled_rule(repeat_every="1h")
    alert = make_alert(snoozed_until=saigon(2026, 12, 2, 9))

    decision = decide(alert, rule, True, make_calendar(), saigon(2026, 12, 1, 16))

    assert decision.notifications == ()
    assert decision.next_step_at == saigon(2026, 12, 2, 9)


def test_it_sends_what_fell_due_during_a_snooze_when_it_ends():
    rule = make_stalled_rule()
    alert = make_alert(snoozed_until=saigon(2026, 12, 2, 9))

    decision = decide(alert, rule, True, make_calendar(), saigon(2026, 12, 2, 9))

    assert [n.step for n in decision.notifications] == [1, 2]


def test_it_reminds_the_current_step_when_a_snooze_ends_with_nothing_else_due():
    rule = make_stalled_rule()
    alert = make_alert(snoozed_until=saigon(2026, 12, 1, 10))

    decision = decide(alert, rule, True, make_calendar(), saigon(2026, 12, 1, 10))

    assert sent(decision) == [(0, "assignee", Via.THREAD, NotificationKind.REMINDER)]
    assert decision.changes == (Change.REMINDED,)
    assert decision.next_step_at == saigon(2026, 12, 1, 13, 30)


def test_it_resolves_when_the_condition_clears_and_records_the_update():
    alert = make_alert(level=1)

    decision = decide(alert, make_stalled_rule(), False, make_calendar(), TUESDAY_8, cleared_by=7)

    assert decision.changes == (Change.RESOLVED,)
    assert decision.notifications == ()
    assert decision.state.resolved_at == TUESDAY_8
    assert decision.state.resolved_by_update_id == 7
    assert decision.next_step_at is None


def test_it_opens_a_new_alert_when_a_resolved_one_holds_again():
    resolved = replace(make_alert(level=2), resolved_at=TUESDAY_8)
    later = saigon(2026, 12, 3, 9)

    decision = decide(resolved, make_stalled_rule(), True, make_calendar(), later)

    assert decision.changes[0] is Change.OPENED
    assert decision.state.opened_at == later
    assert decision.state.level == 0


def test_it_keeps_a_message_for_the_next_working_start_outside_working_hours():
    rule = make_stalled_rule()
    evening = saigon(2026, 12, 5, 18)  # Saturday evening; Sunday is off

    decision = decide(None, rule, True, make_calendar(), evening)

    assert decision.notifications[0].at == saigon(2026, 12, 7, 7)


def test_it_sends_critical_messages_at_once_at_night():
    rule = make_stalled_rule(severity="critical")
    night = saigon(2026, 12, 1, 23)

    decision = decide(None, rule, True, make_calendar(), night)

    assert decision.notifications[0].at == night


def test_it_counts_escalation_time_in_working_hours_from_a_night_opening():
    rule = make_stalled_rule()

    decision = decide(None, rule, True, make_calendar(), saigon(2026, 12, 1, 23))

    assert decision.next_step_at == saigon(2026, 12, 2, 11)  # 07:00 + 4 working hours


def test_it_counts_escalation_time_in_wall_hours_on_the_wall_clock():
    rule = make_stalled_rule(clock="wall")

    decision = decide(None, rule, True, make_calendar(), saigon(2026, 12, 1, 23))

    assert decision.next_step_at == saigon(2026, 12, 2, 3)


def test_it_respects_each_recipient_working_hours():
    rule = make_stalled_rule()
    berlin = Calendar(timezone="Europe/Berlin", workdays="mon-fri", hours="08:00-17:00")
    alert = make_alert(level=1, last_notified_at=saigon(2026, 12, 1, 13, 30))

    decision = decide(
        alert,
        rule,
        True,
        make_calendar(),
        saigon(2026, 12, 2, 7, 30),  # 01:30 in Berlin
        recipient_calendars={"managers": berlin},
    )

    assert decision.notifications[0].target == "managers"
    assert decision.notifications[0].at == datetime(
        2026, 12, 2, 8, tzinfo=ZoneInfo("Europe/Berlin")
    )


def test_it_delivers_at_once_inside_working_hours():
    at = deliver_at(TUESDAY_8, Severity.WARNING, make_calendar())

    assert at == TUESDAY_8
    assert at.astimezone(UTC) == datetime(2026, 12, 1, 1, tzinfo=UTC)
    assert deliver_at(TUESDAY_8 + timedelta(hours=4), Severity.INFO, make_calendar()) == saigon(
        2026, 12, 1, 13
    )
