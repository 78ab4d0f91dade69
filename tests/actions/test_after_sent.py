"""A delivery is recorded even when what should follow it fails."""

import sqlalchemy as sa

from bot.delivery import after_sent
from rules.vocabulary import OutboxState
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.outbox import enqueue


def test_it_records_a_delivery_whose_after_sent_hook_fails(siteloop, slack, monkeypatch):
    def broken(session, job, channel, ts, now):
        session.add(OutboxMessage())  # a write the savepoint must undo
        raise RuntimeError("hook bug")

    monkeypatch.setitem(after_sent._HOOKS, "test_note", broken)
    with session_scope(siteloop.runtime.sessions) as session:
        enqueue(
            session,
            kind="test_note",
            target="C0TOWER",
            payload={"method": "chat.postMessage", "args": {"text": "hello"}},
            now=siteloop.clock.now(),
        )

    slack.wait_for(lambda: slack.messages("C0TOWER"))

    def states():
        with siteloop.runtime.sessions() as session:
            return list(session.scalars(sa.select(OutboxMessage.state)))

    assert slack.wait_for(lambda: states() == [OutboxState.SENT])
    assert [m.rendered for m in slack.messages("C0TOWER")] == ["hello"]
