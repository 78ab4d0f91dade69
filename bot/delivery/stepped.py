"""Delivering the outbox in steps on a clock that moves only when told: the demo's site day
and the tests' harness (`tests.harness`), so what they show never depends on thread timing.

`deliver_due_now` sends everything due at the clock's time. Messages to one conversation go
out a second apart, as Slack wants (the dispatcher paces them): when only paced messages are
left, the clock moves on a second and delivery goes on. Messages due later (a retry, quiet
hours) stay where they are.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import ManualClock
from bot.delivery.dispatcher import Dispatcher
from storage import outbox
from storage.db import session_scope

# Seconds a step may move the clock on for pacing: 5 minutes of posts to one conversation.
MAX_PACED_SECONDS = 300


def deliver_due_now(
    dispatcher: Dispatcher,
    sessions: sessionmaker[Session],
    clock: ManualClock,
    *,
    settle: Callable[[], None] = lambda: None,
) -> None:
    """Deliver every message due now, moving `clock` a second at a time while only Slack's
    pacing holds messages back. `settle` waits for what deliveries set off (Slack's events
    about them) before the next look."""
    for _ in range(MAX_PACED_SECONDS):
        settle()
        if not _due(sessions, clock):
            return
        if not dispatcher.deliver_due(clock.now()):
            clock.advance(seconds=1)
    raise RuntimeError(f"messages still due after {MAX_PACED_SECONDS} paced seconds")


def _due(sessions: sessionmaker[Session], clock: ManualClock) -> bool:
    with session_scope(sessions, read_only=True) as session:
        return bool(outbox.due_ids(session, clock.now(), 1))
