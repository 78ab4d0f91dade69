"""The alert lifecycle over random rules, calendars and histories of ticks, acks and snoozes."""

import math
from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from rules.alerts import AlertState, NotificationKind, decide
from rules.rule import Rule
from rules.vocabulary import Severity
from tests.rules.strategies import calendars, instants

FIRST_TIME = {NotificationKind.FOLLOW_UP, NotificationKind.ESCALATION}


@st.composite
def rules(draw) -> Rule:
    first = draw(st.sampled_from([0, 0, 30, 120]))
    gaps = draw(st.lists(st.integers(0, 6 * 60), min_size=1, max_size=3))
    afters = [first + sum(gaps[:i]) for i in range(len(gaps) + 1)]
    targets = st.sampled_from(["assignee", "crew_lead", "managers", "channel", "U0ANN"])
    steps = [{"after": f"{after}m", "notify": draw(targets)} for after in afters]
    repeat = draw(st.none() | st.integers(1, 8 * 60).map(lambda m: f"{m}m"))
    return Rule.model_validate(
        {
            "id": "random",
            "when": {"no_update_for": "1h"},
            "clock": draw(st.sampled_from(["working", "wall"])),
            "severity": draw(st.sampled_from(["info", "warning", "critical"])),
            "escalate": steps,
            "repeat_every": repeat,
        }
    )


# One event in an alert's history: time passes, then maybe someone acks or snoozes, then the
# tick decides with the rule holding or not.
events = st.tuples(
    st.integers(0, 20 * 3600),  # seconds since the previous tick
    st.booleans() | st.just(True),  # does the rule hold (mostly)
    st.sampled_from(["nothing", "nothing", "nothing", "ack", "snooze"]),
    st.integers(1, 30 * 3600),  # snooze length in seconds
)


def _acted_on(state: AlertState | None, action: str, now: datetime, length: int):
    """Return the state after a person's action at `now`, as storage would record it."""
    if state is None or not state.is_open or action == "nothing":
        return state
    if action == "ack":
        return replace(state, acknowledged_at=now)
    return replace(state, snoozed_until=now + timedelta(seconds=length))


def _between(start: datetime, end: datetime, fraction: float) -> datetime:
    span = (end - start) // timedelta(microseconds=1)
    return start + timedelta(microseconds=max(1, math.floor(span * fraction)))


@settings(max_examples=150, deadline=None)
@given(
    rules(),
    calendars(min_days=4),
    instants(),
    st.lists(events, min_size=3, max_size=12),
    st.floats(0, 1),
)
def test_it_keeps_its_promises_over_any_history(rule, calendar, start, history, fraction):
    state, now, episode_steps = None, start, []

    for gap, holds, action, length in history:
        now += timedelta(seconds=gap)
        state = _acted_on(state, action, now, length)
        if state is not None and not state.is_open:
            state, episode_steps = None, []

        decision = decide(state, rule, holds, calendar, now)

        _check_decision(decision, state, rule, calendar, holds, now, episode_steps)
        _check_idempotent(decision, rule, calendar, holds, now)
        _check_quiet_until_next_step(decision, rule, calendar, now, fraction)
        state = decision.state


def _check_decision(decision, before, rule, calendar, holds, now, episode_steps):
    new = decision.state
    if not holds:
        assert decision.notifications == ()
        assert new is None or new.resolved_at == now
        return
    assert new is not None and new.is_open
    if before is not None and before.is_open:
        assert new.level >= before.level
        assert new.opened_at == before.opened_at
    if new.acknowledged_at is not None:
        assert decision.notifications == ()
    for notification in decision.notifications:
        event(f"notified: {notification.kind}")
        assert notification.at >= now
        if rule.severity is not Severity.CRITICAL:
            assert calendar.is_working(notification.at)
        if notification.kind in FIRST_TIME:
            assert notification.step not in episode_steps
            episode_steps.append(notification.step)
    assert new.next_step_at is None or new.next_step_at > now


def _check_idempotent(decision, rule, calendar, holds, now):
    again = decide(decision.state, rule, holds, calendar, now)

    assert again.notifications == ()
    assert again.changes == ()
    assert again.state == decision.state


def _check_quiet_until_next_step(decision, rule, calendar, now, fraction):
    state = decision.state
    if state is None or not state.is_open:
        return
    if state.next_step_at is None:
        later = now + timedelta(days=60 * fraction + 1)
        assert decide(state, rule, True, calendar, later).notifications == ()
        return
    between = _between(now, state.next_step_at, fraction)
    if between < state.next_step_at:
        assert decide(state, rule, True, calendar, between).notifications == ()
    assert decide(state, rule, True, calendar, state.next_step_at).notifications != ()
