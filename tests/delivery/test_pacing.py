"""Pacing: at most one post a second per conversation, as the emulator's rate limiter measures."""

import itertools
from datetime import timedelta

from bot.delivery.policy import Pacer
from bot.emulator.state.ids import parse_ts
from rules.vocabulary import OutboxState
from tests.delivery.conftest import drain, enqueue, make_dispatcher, row, texts


def rate_limited(emulator):
    return [c for c in emulator.calls() if c.status == 429]


def test_it_posts_five_messages_to_one_channel_no_faster_than_one_a_second(
    dispatcher, sessions, emulator, clock
):
    ids = [enqueue(sessions, clock, "C0TOWER", text=f"Update {n}") for n in range(5)]

    drain(dispatcher, sessions, clock)

    shown = emulator.messages("C0TOWER")
    assert texts(shown) == [f"Update {n}" for n in range(5)]
    gaps = [parse_ts(b.ts) - parse_ts(a.ts) for a, b in itertools.pairwise(shown)]
    assert min(gaps) >= 1_000_000  # microseconds
    assert rate_limited(emulator) == []
    assert {row(sessions, i).state for i in ids} == {OutboxState.SENT}


def test_it_posts_to_different_channels_in_the_same_second(dispatcher, sessions, emulator, clock):
    for channel in ("C0TOWER", "C0YARD", "C0SITE"):
        enqueue(sessions, clock, channel, text=f"first in {channel}")
        enqueue(sessions, clock, channel, text=f"second in {channel}")

    first_pass = dispatcher.deliver_due(clock.now())
    clock.advance(seconds=1)
    second_pass = dispatcher.deliver_due(clock.now())

    assert (first_pass, second_pass) == (3, 3)
    assert texts(emulator.messages("C0YARD")) == ["first in C0YARD", "second in C0YARD"]
    assert rate_limited(emulator) == []


def test_without_pacing_slack_refuses_the_burst_and_every_message_still_arrives_once(
    sessions, emulator, clock
):
    unpaced = make_dispatcher(sessions, emulator, clock, pacer=Pacer(interval=timedelta(0)))
    for n in range(6):
        enqueue(sessions, clock, "C0TOWER", text=f"Update {n}")

    drain(unpaced, sessions, clock)

    assert rate_limited(emulator)  # the emulator enforces Slack's pace
    assert sorted(texts(emulator.messages("C0TOWER"))) == [f"Update {n}" for n in range(6)]
