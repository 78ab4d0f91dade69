"""An unknown outcome is settled through the conversation's history: never posted twice."""

from datetime import timedelta

import pytest

from bot.delivery.render import Job, prepare
from rules.vocabulary import OutboxState
from storage import outbox
from storage.db import session_scope
from storage.models import OutboxMessage
from tests.delivery.conftest import client_for, enqueue, make_dispatcher, row, texts

LEASE = timedelta(minutes=2)


def conversation(emulator, target, thread_ts=None):
    """Return what a person sees where the message was meant to land."""
    if thread_ts:
        return emulator.thread(target, thread_ts)[1:]
    if target.startswith("U"):
        return emulator.dms(target)
    return emulator.messages(target)


@pytest.mark.parametrize(
    ("target", "in_thread", "reads"),
    [
        ("C0TOWER", False, ["conversations.history"]),
        ("C0TOWER", True, ["conversations.replies"]),
        ("U0ANN", False, ["conversations.open", "conversations.history"]),
    ],
)
def test_a_post_whose_answer_was_lost_is_found_and_not_posted_again(
    dispatcher, sessions, emulator, clock, target, in_thread, reads
):
    thread_ts = emulator.driver.post("U0ANN", "C0TOWER", "TWR-42 card").ts if in_thread else None
    emulator.faults.accept_then_drop("chat.postMessage")
    message_id = enqueue(sessions, clock, target, text="TWR-42 is late", thread_ts=thread_ts)

    dispatcher.deliver_one(clock.now())
    unknown = row(sessions, message_id)
    clock.set(unknown.next_attempt_at)
    dispatcher.deliver_one(clock.now())

    [shown] = conversation(emulator, target, thread_ts)
    assert shown.text == "TWR-42 is late"
    assert unknown.state == OutboxState.PENDING and outbox.may_have_been_sent(unknown)
    sent = row(sessions, message_id)
    assert (sent.state, sent.slack_ts) == (OutboxState.SENT, shown.ts)
    assert [c.method for c in emulator.calls()] == ["chat.postMessage", *reads]


def test_a_crashed_senders_message_is_picked_up_after_its_lease_expires(
    dispatcher, sessions, emulator, clock
):
    message_id = enqueue(sessions, clock, "C0YARD", text="Scaffold inspection at 9")
    with session_scope(sessions) as session:
        assert outbox.claim(session, message_id, clock.now(), LEASE)  # then the sender dies

    before_expiry = dispatcher.deliver_due(clock.now() + LEASE - timedelta(seconds=1))
    clock.advance(LEASE + timedelta(seconds=1))
    after_expiry = dispatcher.deliver_due(clock.now())

    assert (before_expiry, after_expiry) == (0, 1)
    assert texts(emulator.messages("C0YARD")) == ["Scaffold inspection at 9"]
    assert [c.method for c in emulator.calls()] == ["conversations.history", "chat.postMessage"]


def test_a_sender_that_died_after_slack_took_the_post_is_not_repeated(
    dispatcher, sessions, emulator, clock
):
    message_id = enqueue(sessions, clock, "C0YARD", text="Scaffold inspection at 9")
    with session_scope(sessions) as session:
        outbox.claim(session, message_id, clock.now(), LEASE)
        call = prepare(Job.of(session.get(OutboxMessage, message_id)))
    posted = client_for(emulator).chat_postMessage(**call.kwargs)  # … and then the sender dies

    clock.advance(LEASE + timedelta(seconds=1))
    dispatcher.deliver_due(clock.now())

    assert texts(emulator.messages("C0YARD")) == ["Scaffold inspection at 9"]
    sent = row(sessions, message_id)
    assert (sent.state, sent.slack_ts) == (OutboxState.SENT, posted["ts"])


def test_a_rate_limited_history_read_keeps_the_message_unsettled_until_it_can_look(
    dispatcher, sessions, emulator, clock
):
    emulator.faults.accept_then_drop("chat.postMessage")
    emulator.faults.fail_next("conversations.history", error="ratelimited", retry_after=20)
    message_id = enqueue(sessions, clock, "C0TOWER", text="Formwork stripped")
    dispatcher.deliver_one(clock.now())
    clock.set(row(sessions, message_id).next_attempt_at)
    looked_at = clock.now()

    dispatcher.deliver_one(looked_at)
    limited = row(sessions, message_id)
    clock.set(limited.next_attempt_at)
    dispatcher.deliver_one(clock.now())

    assert outbox.may_have_been_sent(limited)
    assert limited.next_attempt_at >= looked_at + timedelta(seconds=20)
    assert texts(emulator.messages("C0TOWER")) == ["Formwork stripped"]
    assert row(sessions, message_id).state == OutboxState.SENT
    assert [c.method for c in emulator.calls("chat.postMessage")] == ["chat.postMessage"]


def test_a_second_dispatcher_never_sends_a_claimed_message(sessions, emulator, clock):
    first = make_dispatcher(sessions, emulator, clock)
    second = make_dispatcher(sessions, emulator, clock)
    message_id = enqueue(sessions, clock, "C0SITE", text="Site closed Sunday")
    with session_scope(sessions) as session:
        outbox.claim(session, message_id, clock.now(), LEASE)

    assert not second.deliver_one(clock.now())
    assert not first.deliver_one(clock.now())
    assert emulator.calls() == []
