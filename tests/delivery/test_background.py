"""The dispatcher's background thread, one tick's delivery pass, and the service that runs them."""

from bot.process.delivery import deliver_pending
from bot.runtime import Runtime
from rules.vocabulary import OutboxState
from storage import migrate
from storage.db import make_engine, make_session_factory
from tests.conftest import settings_for
from tests.delivery.conftest import client_for, enqueue, make_dispatcher, row, texts

CHANNELS = ("C0TOWER", "C0YARD", "C0SITE")


def test_it_delivers_as_soon_as_it_is_woken(sessions, emulator, clock):
    dispatcher = make_dispatcher(sessions, emulator, clock, idle_seconds=60)
    dispatcher.start()
    try:
        for channel in CHANNELS:
            enqueue(sessions, clock, channel, text=f"Pour at 7 ({channel})")

        dispatcher.wake()

        emulator.wait_for(lambda: all(emulator.messages(c) for c in CHANNELS))
    finally:
        dispatcher.stop()
    assert [texts(emulator.messages(c)) for c in CHANNELS] == [
        [f"Pour at 7 ({c})"] for c in CHANNELS
    ]
    assert not dispatcher.running


def test_stopping_finishes_the_message_in_flight(sessions, emulator, clock):
    emulator.faults.set(latency=0.5, methods=["chat.postMessage"])
    client = client_for(emulator, timeout=5)
    dispatcher = make_dispatcher(sessions, emulator, clock, client=client, idle_seconds=60)
    message_id = enqueue(sessions, clock, "C0TOWER", text="Last message of the day")
    dispatcher.start()

    emulator.wait_for(lambda: row(sessions, message_id).claimed_until is not None)
    dispatcher.stop()

    assert row(sessions, message_id).state == OutboxState.SENT
    assert texts(emulator.messages("C0TOWER")) == ["Last message of the day"]


def test_one_tick_pass_posts_once_to_each_conversation(emulator, app_database_url, clock):
    engine = make_engine(app_database_url)
    migrate.upgrade(engine)
    settings = settings_for(emulator, app_database_url)
    runtime = Runtime(settings, engine, make_session_factory(engine), clock)
    enqueue(runtime.sessions, clock, "C0TOWER", text="one")
    enqueue(runtime.sessions, clock, "C0YARD", text="two")
    enqueue(runtime.sessions, clock, "C0YARD", text="three, a second later")

    try:
        handled = deliver_pending(runtime, clock.now())
    finally:
        engine.dispose()

    assert handled == 2
    assert texts(emulator.messages("C0YARD")) == ["two"]


def test_the_service_delivers_when_a_producer_rings_the_doorbell(siteloop, slack, clock):
    enqueue(siteloop.runtime.sessions, clock, "C0TOWER", text="Welcome to TWR")

    siteloop.runtime.doorbell.ring()

    slack.wait_for(lambda: slack.messages("C0TOWER"))
    assert texts(slack.messages("C0TOWER")) == ["Welcome to TWR"]
    assert siteloop.dispatcher.running


def test_a_call_slack_holds_does_not_hold_up_the_other_conversations(sessions, emulator, clock):
    emulator.faults.timeout_seconds = 2  # Slack holds the first post unanswered…
    emulator.faults.fail_next_timeout("chat.postMessage")
    client = client_for(emulator, timeout=30)  # …and its sender waits for it
    dispatcher = make_dispatcher(sessions, emulator, clock, client=client, idle_seconds=60)
    held = enqueue(sessions, clock, "C0TOWER", text="Crane inspection at 9")
    dispatcher.start()
    try:
        emulator.wait_for(lambda: emulator.calls("chat.postMessage"))  # the held call is out
        enqueue(sessions, clock, "C0TOWER", text="Then the pour")  # same conversation: waits
        for channel in ("C0YARD", "C0SITE"):
            enqueue(sessions, clock, channel, text=f"Gate closes at 5 ({channel})")
        dispatcher.wake()

        emulator.wait_for(lambda: emulator.messages("C0YARD") and emulator.messages("C0SITE"))
        still_held = row(sessions, held).claimed_until is not None
        tower = texts(emulator.messages("C0TOWER"))
        # Slack gives up holding; the sender records the unknown outcome.
        emulator.wait_for(lambda: row(sessions, held).claimed_until is None)
    finally:
        dispatcher.stop()

    assert still_held  # the others went out while the first post was still in flight
    assert tower == []  # and nothing overtook it in its own conversation
