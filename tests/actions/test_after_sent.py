"""A delivery is recorded even when what should follow it fails."""

import sqlalchemy as sa

from bot.delivery import Dispatcher, make_client
from rules.vocabulary import OutboxState
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.outbox import enqueue


def test_it_records_a_delivery_whose_after_sent_step_fails(siteloop, slack):
    def broken(session, job, channel, ts, now):
        session.add(OutboxMessage())  # a write the savepoint must undo
        raise RuntimeError("step bug")

    siteloop.dispatcher.stop()
    dispatcher = Dispatcher(
        sessions=siteloop.runtime.sessions,
        client=make_client(siteloop.settings),
        clock=siteloop.clock,
        after_sent={"test_note": broken},
    )
    with session_scope(siteloop.runtime.sessions) as session:
        enqueue(
            session,
            kind="test_note",
            target="C0TOWER",
            payload={"method": "chat.postMessage", "args": {"text": "hello"}},
            now=siteloop.clock.now(),
        )

    assert dispatcher.deliver_one()

    with siteloop.runtime.sessions() as session:
        assert list(session.scalars(sa.select(OutboxMessage.state))) == [OutboxState.SENT]
    assert [m.rendered for m in slack.messages("C0TOWER")] == ["hello"]
