"""Delivering outbox messages to the emulated Slack: where they land, and what happens on errors."""

from datetime import timedelta

import pytest

from bot.delivery.policy import Backoff
from rules.vocabulary import OutboxState
from storage import outbox
from storage.db import session_scope
from tests.delivery.conftest import (
    drain,
    enqueue,
    make_dispatcher,
    pending_count,
    post,
    row,
    texts,
)

OUTBOX_EVENT = "siteloop_outbox"


def test_it_posts_in_the_channel_tagged_with_its_outbox_id(dispatcher, sessions, emulator, clock):
    message_id = enqueue(sessions, clock, "C0TOWER", text="TWR-42 is yours, <@U0BOB>")

    delivered = dispatcher.deliver_one(clock.now())

    [shown] = emulator.messages("C0TOWER")
    assert delivered and shown.text == "TWR-42 is yours, <@U0BOB>"
    assert shown.metadata == {
        "event_type": OUTBOX_EVENT,
        "event_payload": {"outbox_id": message_id},
    }
    sent = row(sessions, message_id)
    assert (sent.state, sent.slack_channel, sent.slack_ts, sent.sent_at) == (
        OutboxState.SENT,
        "C0TOWER",
        shown.ts,
        clock.now(),
    )


def test_it_says_when_nothing_is_due(dispatcher, sessions, clock):
    enqueue(sessions, clock, "C0TOWER")
    clock_before = clock.now() - timedelta(seconds=1)

    assert not dispatcher.deliver_one(clock_before)
    assert dispatcher.deliver_due(clock.now()) == 1
    assert not dispatcher.deliver_one(clock.now())


def test_it_replies_in_a_thread(dispatcher, sessions, emulator, clock):
    card = emulator.driver.post("U0ANN", "C0TOWER", "Pour slab L3")
    message_id = enqueue(sessions, clock, "C0TOWER", text="Any news?", thread_ts=card.ts)

    dispatcher.deliver_one(clock.now())

    _card, reply = emulator.thread("C0TOWER", card.ts)
    assert reply.text == "Any news?"
    assert row(sessions, message_id).slack_ts == reply.ts


def test_it_sends_a_dm_to_a_person_and_stores_the_dm_channel(dispatcher, sessions, emulator, clock):
    message_id = enqueue(sessions, clock, "U0ANN", text="TWR-42 has stalled")

    dispatcher.deliver_one(clock.now())

    [dm] = emulator.dms("U0ANN")
    assert dm.text == "TWR-42 has stalled"
    assert dm.metadata["event_payload"] == {"outbox_id": message_id}
    assert row(sessions, message_id).slack_channel == emulator.dm_channel("U0ANN")


def test_it_updates_a_card_reacts_to_it_and_whispers_to_one_person(
    dispatcher, sessions, emulator, clock
):
    card_id = enqueue(sessions, clock, "C0TOWER", text="TWR-42 planned")
    dispatcher.deliver_one(clock.now())
    ts = row(sessions, card_id).slack_ts
    update = {"method": "chat.update", "args": {"ts": ts, "text": "TWR-42 in progress"}}
    react = {"method": "reactions.add", "args": {"name": "white_check_mark", "timestamp": ts}}
    whisper = {"method": "chat.postEphemeral", "args": {"user": "U0BOB", "text": "Noted"}}
    ids = [enqueue(sessions, clock, "C0TOWER", p) for p in (update, react, react, whisper)]
    clock.advance(seconds=1)

    handled = dispatcher.deliver_due(clock.now())

    assert handled == 4
    assert texts(emulator.messages("C0TOWER")) == ["TWR-42 in progress"]
    assert emulator.reactions("C0TOWER", ts) == {"white_check_mark": ["U0BOT"]}
    assert [e.text for e in emulator.ephemerals(user="U0BOB")] == ["Noted"]
    assert {row(sessions, i).state for i in ids} == {OutboxState.SENT}  # already_reacted is fine
    assert row(sessions, ids[1]).slack_ts == ts


def test_it_waits_retry_after_on_429_then_posts(dispatcher, sessions, emulator, clock):
    emulator.faults.fail_next("chat.postMessage", error="ratelimited", retry_after=30)
    message_id = enqueue(sessions, clock, "C0TOWER", text="Rebar arrives at 10")
    start = clock.now()

    dispatcher.deliver_one(start)
    waiting = row(sessions, message_id)
    clock.advance(seconds=29)
    early = dispatcher.deliver_due(clock.now())
    clock.advance(seconds=1)
    on_time = dispatcher.deliver_due(clock.now())

    assert (waiting.state, waiting.attempts, waiting.last_error) == (
        OutboxState.PENDING,
        1,
        "ratelimited",
    )
    assert waiting.next_attempt_at >= start + timedelta(seconds=30)
    assert (early, on_time) == (0, 1)
    assert texts(emulator.messages("C0TOWER")) == ["Rebar arrives at 10"]


def test_a_429_pauses_only_that_channel(dispatcher, sessions, emulator, clock):
    emulator.faults.fail_next("chat.postMessage", error="ratelimited", retry_after=30)
    enqueue(sessions, clock, "C0TOWER", text="first")
    enqueue(sessions, clock, "C0TOWER", text="second")
    enqueue(sessions, clock, "C0YARD", text="elsewhere")
    dispatcher.deliver_one(clock.now())

    clock.advance(seconds=5)
    dispatcher.deliver_due(clock.now())

    assert texts(emulator.messages("C0YARD")) == ["elsewhere"]
    assert texts(emulator.messages("C0TOWER")) == []


@pytest.mark.parametrize("status", [500, 503])
def test_it_retries_server_errors_with_growing_backoff(
    dispatcher, sessions, emulator, clock, status
):
    emulator.faults.fail_next("chat.postMessage", status=status, times=3)
    message_id = enqueue(sessions, clock, "C0TOWER", text="Pump booked")
    waits = []

    for _ in range(3):
        before = clock.now()
        dispatcher.deliver_one(before)
        after = row(sessions, message_id)
        waits.append(after.next_attempt_at - before)
        clock.set(after.next_attempt_at)
    dispatcher.deliver_one(clock.now())

    backoff = Backoff()
    ceilings = [backoff.base * 2**attempt for attempt in range(3)]
    assert all(
        backoff.floor <= wait <= ceiling for wait, ceiling in zip(waits, ceilings, strict=True)
    )
    sent = row(sessions, message_id)
    assert (sent.state, sent.attempts) == (OutboxState.SENT, 3)
    assert texts(emulator.messages("C0TOWER")) == ["Pump booked"]


def test_it_retries_a_timeout_after_checking_the_post_did_not_land(
    dispatcher, sessions, emulator, clock
):
    emulator.faults.fail_next_timeout("chat.postMessage")
    message_id = enqueue(sessions, clock, "C0TOWER", text="Crane at 7")

    dispatcher.deliver_one(clock.now())
    waiting = row(sessions, message_id)
    clock.set(waiting.next_attempt_at)
    dispatcher.deliver_one(clock.now())

    assert waiting.state == OutboxState.PENDING and outbox.may_have_been_sent(waiting)
    assert [c.method for c in emulator.calls()] == [
        "chat.postMessage",
        "conversations.history",
        "chat.postMessage",
    ]
    assert texts(emulator.messages("C0TOWER")) == ["Crane at 7"]
    assert row(sessions, message_id).state == OutboxState.SENT


@pytest.mark.parametrize(
    ("arrange", "target", "payload", "reason"),
    [
        (lambda emu: emu.remove_bot_from("C0YARD"), "C0YARD", post("hi"), "not_in_channel"),
        (lambda emu: None, "C0NOWHERE", post("hi"), "channel_not_found"),
        (lambda emu: emu.archive_channel("C0SITE"), "C0SITE", post("hi"), "is_archived"),
        (lambda emu: None, "C0TOWER", post("hi", blocks=[{"type": "nope"}]), "invalid_blocks"),
        (
            lambda emu: None,
            "C0TOWER",
            {"method": "chat.update", "args": {"ts": "1.000001", "text": "x"}},
            "message_not_found",
        ),
    ],
)
def test_it_marks_a_permanent_error_failed_with_the_reason_and_never_retries(
    dispatcher, sessions, emulator, clock, arrange, target, payload, reason
):
    arrange(emulator)
    message_id = enqueue(sessions, clock, target, payload)

    dispatcher.deliver_one(clock.now())
    clock.advance(days=2)
    again = dispatcher.deliver_due(clock.now())

    failed = row(sessions, message_id)
    assert (failed.state, failed.attempts, again) == (OutboxState.FAILED, 1, 0)
    assert failed.last_error.startswith(reason)
    assert len(emulator.calls()) == 1
    with session_scope(sessions, read_only=True) as session:
        assert [m.id for m in outbox.failed_messages(session)] == [message_id]


def test_a_resent_message_is_delivered_once_the_cause_is_fixed(
    dispatcher, sessions, emulator, clock
):
    message_id = enqueue(sessions, clock, "C0OFFICE", text="Budget review at 4")
    dispatcher.deliver_one(clock.now())
    emulator.add_bot_to("C0OFFICE")
    clock.advance(minutes=5)

    with session_scope(sessions) as session:
        outbox.resend(session, message_id, clock.now())
    dispatcher.deliver_one(clock.now())

    assert texts(emulator.messages("C0OFFICE")) == ["Budget review at 4"]
    assert row(sessions, message_id).state == OutboxState.SENT


def test_it_gives_up_after_a_day_of_transient_errors(sessions, emulator, clock):
    dispatcher = make_dispatcher(sessions, emulator, clock, backoff=Backoff(cap=timedelta(hours=2)))
    emulator.faults.fail_next("chat.postMessage", status=503, times=1000)
    message_id = enqueue(sessions, clock, "C0TOWER", text="Concrete order")
    start = clock.now()

    drain(dispatcher, sessions, clock)

    failed = row(sessions, message_id)
    assert failed.state == OutboxState.FAILED
    assert failed.last_error.startswith(f"gave up after {failed.attempts} attempts")
    assert failed.last_error.endswith("HTTP 503 service_unavailable")
    assert timedelta(days=1) <= clock.now() - start <= timedelta(days=1, hours=2)
    assert emulator.messages("C0TOWER") == []
    assert pending_count(sessions) == 0
