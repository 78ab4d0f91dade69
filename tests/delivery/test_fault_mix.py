"""A Slack that fails, times out, loses answers and rate-limits: every message lands once."""

from collections import Counter

import pytest

from rules.vocabulary import OutboxState
from storage.db import session_scope
from storage.models import OutboxMessage
from tests.delivery.conftest import drain, enqueue

TARGETS = ["C0TOWER", "C0YARD", "C0SITE", "U0ANN", "U0BOB"]


@pytest.mark.parametrize("seed", [11, 2026])
def test_every_message_appears_exactly_once_through_a_mix_of_faults(
    dispatcher, sessions, emulator, clock, seed
):
    card = emulator.driver.post("U0BOB", "C0TOWER", "TWR-42 Pour slab L3")
    expected = {}
    for n in range(50):
        in_thread = n % 7 == 0
        target = "C0TOWER" if in_thread else TARGETS[n % len(TARGETS)]
        thread_ts = card.ts if in_thread else None
        text = f"message {n:02d}"
        expected[text] = (target, thread_ts)
        enqueue(sessions, clock, target, text=text, thread_ts=thread_ts)
    emulator.faults.set(error_rate=0.2, timeout_rate=0.05, seed=seed)
    emulator.faults.accept_then_drop("chat.postMessage", times=3)

    drain(dispatcher, sessions, clock)

    seen = Counter()
    for channel in ("C0TOWER", "C0YARD", "C0SITE"):
        seen.update((channel, None, m.text) for m in emulator.messages(channel))
    for user in ("U0ANN", "U0BOB"):
        seen.update((user, None, m.text) for m in emulator.dms(user))
    seen.update(("C0TOWER", card.ts, m.text) for m in emulator.thread("C0TOWER", card.ts)[1:])
    seen.pop(("C0TOWER", None, "TWR-42 Pour slab L3"))
    assert seen == Counter({(t, ts, text): 1 for text, (t, ts) in expected.items()})
    with session_scope(sessions, read_only=True) as session:
        rows = session.query(OutboxMessage).all()
    assert {r.state for r in rows} == {OutboxState.SENT}
    assert len({(r.slack_channel, r.slack_ts) for r in rows}) == 50
    faults = Counter(c.error or c.status for c in emulator.calls() if not c.ok)
    assert emulator.calls("conversations.history") and emulator.calls("conversations.replies")
    assert faults["timeout"] and (faults["internal_error"] or faults["service_unavailable"])
