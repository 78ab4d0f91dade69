"""The fault suite: siteloop against an emulated Slack that fails, times out and rate-limits.

Everything runs on the test's `ManualClock`: the emulator measures its rate limits on it, and the
outbox is delivered by a `Dispatcher` stepped on it (the service's own background thread is
stopped so that the fault sequence, drawn from seeded generators, repeats run after run). Time
in the emulated Slack passes only when the test moves the clock, so a day of backoff takes
milliseconds.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.delivery import Dispatcher
from bot.emulator import SlackEmulator
from bot.emulator.web_api.faults import Fault, FaultKind
from bot.process.delivery import build_dispatcher
from bot.process.service import Service
from storage import outbox
from storage.db import session_scope
from tests.bot.sites import plan_task, setup_project
from tests.conftest import BOT_TOKEN, SIGNING_SECRET

# An emulated timeout holds the connection this long, then closes it unanswered.
HOLD_SECONDS = 0.05


@pytest.fixture
def slack(clock: ManualClock) -> Iterator[SlackEmulator]:
    """Yield the emulator (as tests/conftest.py's), its rate limits measured on the test's clock."""
    emulator = SlackEmulator(
        signing_secret=SIGNING_SECRET,
        bot_token=BOT_TOKEN,
        clock=clock,
        monotonic=lambda: clock.now().timestamp(),
    )
    emulator.faults.timeout_seconds = HOLD_SECONDS
    emulator.add_user("U0ANN", name="ann", real_name="Ann Tran", tz="Asia/Ho_Chi_Minh")
    emulator.add_user("U0BOB", name="bob", real_name="Bob Nguyen", tz="Asia/Ho_Chi_Minh")
    emulator.add_channel("C0TOWER", name="tower-a", members=["U0ANN", "U0BOB"])
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def site(siteloop: Service, slack: SlackEmulator) -> Service:
    """Return siteloop with project TWR set up by Ann and tasks TWR-1…TWR-10 on its plan.

    The service's background dispatcher is stopped: tests deliver with `dispatcher_for`.
    """
    setup_project(slack)
    for n in range(1, 11):
        plan_task(siteloop, f"Slab L{n}")
    assert siteloop.dispatcher is not None
    siteloop.dispatcher.stop()
    return siteloop


def dispatcher_for(site: Service, seed: int = 7, **options) -> Dispatcher:
    """Return a dispatcher like the service's (same database, same client), seeded."""
    return build_dispatcher(site.runtime, rng=random.Random(seed), **options)


def flaky(
    slack: SlackEmulator,
    seed: int,
    *,
    errors: float = 0.20,
    rate_limited: float = 0.10,
    timeouts: float = 0.05,
) -> None:
    """Make the emulated Web API fail `errors` of all calls with a 5xx (or a transient
    `ok: false`), answer `rate_limited` of them 429 with `Retry-After: 1`, and time out on
    `timeouts` of them (held `HOLD_SECONDS`, then closed unanswered) — drawn from `seed`.

    The emulator's `faults.set` draws errors and timeouts; the 429s are drawn here, from the
    calls it left unharmed, so that each share is a share of all calls.
    """
    slack.faults.set(error_rate=errors, timeout_rate=timeouts, seed=seed)
    draw = slack.faults.draw
    rng = random.Random(seed + 1)
    share = rate_limited / (1 - errors - timeouts)
    lock = threading.Lock()

    def draw_with_429s(method: str) -> tuple[Fault | None, float]:
        fault, latency = draw(method)
        if fault is None:
            with lock:
                if rng.random() < share:
                    fault = Fault(FaultKind.ERROR, 429, "ratelimited", retry_after=1)
        return fault, latency

    slack.faults.draw = draw_with_429s  # type: ignore[method-assign]


def failed_calls(slack: SlackEmulator) -> Counter[str]:
    """Return the emulator's failed calls by kind: 5xx, 429, timeout, or the error code."""
    kinds: Counter[str] = Counter()
    for call in slack.calls():
        if call.error == "timeout":
            kinds["timeout"] += 1
        elif call.status == 429:
            kinds["429"] += 1
        elif call.status is not None and call.status >= 500:
            kinds["5xx"] += 1
        elif not call.ok:
            kinds[call.error or "?"] += 1
    return kinds


def drain(dispatcher: Dispatcher, site: Service, rounds: int = 5000) -> int:
    """Deliver until nothing is pending, moving the clock to each next due moment; return rounds."""
    clock = site.clock
    for done in range(1, rounds + 1):
        dispatcher.deliver_due(clock.now(), limit=1000)
        with session_scope(site.runtime.sessions, read_only=True) as session:
            due = outbox.next_due_at(session)
        if due is None:
            return done
        now = clock.now()
        clock.set(due if due > now else now + timedelta(milliseconds=250))
    raise AssertionError(f"outbox not drained after {rounds} rounds")
