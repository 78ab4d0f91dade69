"""Delivery tests: a migrated database, the Slack emulator on the test's clock, a dispatcher.

The emulator measures its rate limits on the same `ManualClock` as the dispatcher decides on,
so pacing and `Retry-After` are tested by moving the clock, not by sleeping.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import ManualClock
from bot.delivery import Dispatcher
from bot.delivery.policy import Backoff
from bot.emulator import SlackEmulator
from rules.vocabulary import OutboxState
from storage import migrate, outbox
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import OutboxMessage
from tests.conftest import BOT_TOKEN, SIGNING_SECRET

# How long an emulated timeout holds the connection, and how long the client waits for it.
HOLD_SECONDS = 0.4
CLIENT_TIMEOUT_SECONDS = 0.2


@pytest.fixture
def sessions(app_database_url) -> Iterator[sessionmaker[Session]]:
    """Yield a session factory on a migrated database (SQLite, or PostgreSQL when configured)."""
    engine = make_engine(app_database_url)
    migrate.upgrade(engine)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


@pytest.fixture
def emulator(clock: ManualClock) -> Iterator[SlackEmulator]:
    """Yield a running emulator whose rate limits run on the test's clock."""
    emu = SlackEmulator(
        signing_secret=SIGNING_SECRET,
        bot_token=BOT_TOKEN,
        clock=clock,
        monotonic=lambda: clock.now().timestamp(),
    )
    emu.faults.timeout_seconds = HOLD_SECONDS
    emu.add_user("U0ANN", name="ann", real_name="Ann Tran")
    emu.add_user("U0BOB", name="bob", real_name="Bob Nguyen")
    emu.add_channel("C0TOWER", name="tower-a", members=["U0ANN", "U0BOB"])
    emu.add_channel("C0YARD", name="yard", members=["U0ANN"])
    emu.add_channel("C0SITE", name="site", members=["U0BOB"])
    emu.add_channel("C0OFFICE", name="office", members=["U0ANN"], bot_is_member=False)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def client_for(emu: SlackEmulator, timeout: float = CLIENT_TIMEOUT_SECONDS) -> WebClient:
    return WebClient(
        token=emu.bot_token,
        base_url=emu.api_url,
        timeout=timeout,  # type: ignore[arg-type]  (urllib takes fractions of a second)
        retry_handlers=[],
    )


def make_dispatcher(sessions, emu, clock, **options) -> Dispatcher:
    options.setdefault("rng", random.Random(7))
    options.setdefault("backoff", Backoff())
    options.setdefault("client", client_for(emu))
    return Dispatcher(sessions=sessions, clock=clock, **options)


@pytest.fixture
def dispatcher(sessions, emulator, clock) -> Dispatcher:
    return make_dispatcher(sessions, emulator, clock)


def post(text: str, **args) -> dict:
    return {"method": "chat.postMessage", "args": {"text": text, **args}}


def enqueue(sessions, clock, target="C0TOWER", payload=None, *, text="Pour slab L3", **row) -> int:
    """Commit one outbox message due now; return its id."""
    with session_scope(sessions) as session:
        message = outbox.enqueue(
            session,
            kind=row.pop("kind", "follow_up"),
            target=target,
            payload=payload or post(text),
            now=clock.now(),
            **row,
        )
        session.flush()
        return message.id


def row(sessions, message_id: int) -> OutboxMessage:
    with session_scope(sessions, read_only=True) as session:
        return session.get(OutboxMessage, message_id)


def pending_count(sessions) -> int:
    with session_scope(sessions, read_only=True) as session:
        return session.query(OutboxMessage).filter_by(state=OutboxState.PENDING).count()


def drain(dispatcher: Dispatcher, sessions, clock: ManualClock, rounds: int = 500) -> int:
    """Deliver until nothing is pending, moving the clock to each next due moment; return rounds.

    When messages are due but held back (pacing), the clock moves a quarter of a second.
    """
    for done in range(1, rounds + 1):
        dispatcher.deliver_due(clock.now(), limit=1000)
        if pending_count(sessions) == 0:
            return done
        with session_scope(sessions, read_only=True) as session:
            due = outbox.next_due_at(session)
        now = clock.now()
        clock.set(due if due is not None and due > now else now + timedelta(milliseconds=250))
    raise AssertionError(f"outbox not drained after {rounds} rounds")


def texts(messages) -> list[str]:
    return [m.text for m in messages]


def at(instant: datetime) -> float:
    return instant.timestamp()
