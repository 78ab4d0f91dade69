"""Stepped delivery (the demo's day, the tests' site): everything due goes out, the clock moving
only as far as Slack's pacing needs."""

from datetime import timedelta

from bot.delivery.stepped import deliver_due_now
from rules.vocabulary import OutboxState
from storage import outbox
from storage.db import session_scope
from tests.delivery.conftest import enqueue, row, texts


def test_it_delivers_all_that_is_due_moving_the_clock_a_second_a_paced_post(
    dispatcher, sessions, emulator, clock
):
    start = clock.now()
    for n in range(3):
        enqueue(sessions, clock, "C0TOWER", text=f"Update {n}")
    enqueue(sessions, clock, "C0YARD", text="Crane at 7")

    deliver_due_now(dispatcher, sessions, clock)

    assert texts(emulator.messages("C0TOWER")) == ["Update 0", "Update 1", "Update 2"]
    assert texts(emulator.messages("C0YARD")) == ["Crane at 7"]
    assert clock.now() - start == timedelta(seconds=2)  # three posts to one channel, 1 s apart


def test_it_leaves_a_message_due_later_where_it_is_and_the_clock_too(
    dispatcher, sessions, emulator, clock
):
    start = clock.now()
    later = enqueue(sessions, clock, "C0TOWER", text="Tomorrow's plan")
    with session_scope(sessions) as session:
        outbox.postpone(session, later, start + timedelta(hours=1))

    deliver_due_now(dispatcher, sessions, clock)

    assert clock.now() == start
    assert emulator.messages("C0TOWER") == []
    assert row(sessions, later).state == OutboxState.PENDING
