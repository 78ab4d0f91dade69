"""A task's state is the fold of what was reported about it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from rules.task_state import Fact, apply, base_state, replay
from rules.vocabulary import TaskStatus, UpdateKind

MONDAY = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def fact(kind=UpdateKind.PROGRESS, hours=0, **values) -> Fact:
    return Fact(kind=kind, occurred_at=MONDAY + timedelta(hours=hours), **values)


def test_it_starts_work_on_the_first_progress_report():
    state = apply(base_state(assigned=True), fact(percent=Decimal(35)))

    assert state.status == TaskStatus.IN_PROGRESS
    assert state.percent == 35
    assert state.last_update_at == MONDAY


def test_it_adds_up_quantities_and_costs():
    state = replay(
        base_state(assigned=True),
        [
            fact(UpdateKind.QUANTITY, 0, quantity=Decimal(12), unit="m³"),
            fact(UpdateKind.QUANTITY, 2, quantity=Decimal("8.5"), unit="m³"),
            fact(UpdateKind.COST, 3, cost=Decimal(1500)),
            fact(UpdateKind.COST, 4, cost=Decimal(250)),
        ],
    )

    assert (state.installed_qty, state.unit, state.actual_cost) == (
        Decimal("20.5"),
        "m³",
        Decimal(1750),
    )


def test_a_hundred_percent_is_done():
    state = apply(base_state(assigned=True), fact(percent=Decimal(100)))

    assert (state.status, state.done_at) == (TaskStatus.DONE, MONDAY)


def test_blocked_then_unblocked_resumes_work():
    blocked = apply(base_state(assigned=True), fact(UpdateKind.BLOCKED, 1))
    resumed = apply(blocked, fact(UpdateKind.UNBLOCKED, 5))

    assert (blocked.status, blocked.blocked_since) == (
        TaskStatus.BLOCKED,
        MONDAY + timedelta(hours=1),
    )
    assert (resumed.status, resumed.blocked_since) == (TaskStatus.IN_PROGRESS, None)


def test_progress_on_a_blocked_task_keeps_it_blocked():
    blocked = apply(base_state(assigned=True), fact(UpdateKind.BLOCKED, 1))

    state = apply(blocked, fact(UpdateKind.PROGRESS, 2, percent=Decimal(40)))

    assert (state.status, state.percent) == (TaskStatus.BLOCKED, 40)


def test_an_acknowledgement_is_recorded_once():
    first = apply(base_state(assigned=True), fact(UpdateKind.ACK, 1))
    again = apply(first, fact(UpdateKind.ACK, 3))

    assert (again.status, again.acknowledged_at) == (
        TaskStatus.ACKNOWLEDGED,
        MONDAY + timedelta(hours=1),
    )
    assert again.last_update_at == MONDAY + timedelta(hours=3)


def test_a_lower_percent_reopens_a_done_task():
    done = apply(base_state(assigned=True), fact(UpdateKind.DONE, 1))

    reopened = apply(done, fact(UpdateKind.PROGRESS, 2, percent=Decimal(90)))

    assert (reopened.status, reopened.done_at, reopened.percent) == (
        TaskStatus.IN_PROGRESS,
        None,
        90,
    )


def test_without_the_done_report_the_task_is_not_done():
    facts = [fact(percent=Decimal(60)), fact(UpdateKind.DONE, 4)]

    after_deletion = replay(base_state(assigned=True), facts[:1])

    assert replay(base_state(assigned=True), facts).status == TaskStatus.DONE
    assert (after_deletion.status, after_deletion.percent) == (TaskStatus.IN_PROGRESS, 60)


def test_a_cancelled_task_stays_cancelled():
    state = apply(base_state(assigned=True, cancelled=True), fact(percent=Decimal(100)))

    assert state.status == TaskStatus.CANCELLED


facts = st.builds(
    Fact,
    kind=st.sampled_from(UpdateKind),
    occurred_at=st.integers(0, 500).map(lambda h: MONDAY + timedelta(hours=h)),
    percent=st.none() | st.integers(0, 100).map(Decimal),
    quantity=st.none() | st.integers(1, 50).map(Decimal),
    unit=st.just("m³"),
    cost=st.none() | st.integers(1, 5000).map(Decimal),
)


@given(st.lists(facts, max_size=12))
def test_applying_facts_in_time_order_equals_replaying_them(reported):
    ordered = sorted(reported, key=lambda f: f.occurred_at)
    state = base_state(assigned=True)

    for each in ordered:
        state = apply(state, each)

    assert state == replay(base_state(assigned=True), reported)
    assert 0 <= state.percent <= 100
    assert (state.status == TaskStatus.DONE) == (state.done_at is not None)
    assert (state.status == TaskStatus.BLOCKED) == (state.blocked_since is not None)
