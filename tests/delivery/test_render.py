"""From an outbox row to the exact Web API call (pure)."""

from datetime import UTC, datetime

import pytest

from bot.delivery.render import Job, SlackCall, find_outbox_message, landed_at, prepare
from storage.outbox import InvalidPayload

QUEUED = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def job(target="C0TOWER", payload=None, thread_ts=None, **fields) -> Job:
    values = {
        "id": 42,
        "kind": "follow_up",
        "target": target,
        "thread_ts": thread_ts,
        "payload": payload or {"method": "chat.postMessage", "args": {"text": "TWR-42 is late"}},
        "attempts": 0,
        "created_at": QUEUED,
        "may_have_been_sent": False,
    }
    return Job(**(values | fields))


def test_it_posts_to_the_target_tagged_with_the_outbox_id():
    call = prepare(job(thread_ts="1700000000.000100"))

    assert call == SlackCall(
        "chat.postMessage",
        {
            "text": "TWR-42 is late",
            "channel": "C0TOWER",
            "thread_ts": "1700000000.000100",
            "metadata": {"event_type": "siteloop_outbox", "event_payload": {"outbox_id": 42}},
        },
    )


def test_it_keeps_metadata_the_producer_gave_and_adds_the_outbox_id():
    given = {"event_type": "siteloop_task", "event_payload": {"task": "TWR-42"}}
    payload = {"method": "chat.postMessage", "args": {"text": "card", "metadata": given}}

    call = prepare(job(payload=payload))

    assert call.kwargs["metadata"] == {
        "event_type": "siteloop_task",
        "event_payload": {"task": "TWR-42", "outbox_id": 42},
    }


def test_it_sends_a_dm_by_posting_to_the_person():
    assert prepare(job(target="U0ANN")).kwargs["channel"] == "U0ANN"


@pytest.mark.parametrize(
    "payload",
    [
        {"method": "chat.update", "args": {"ts": "1700000000.000100", "text": "Done"}},
        {"method": "reactions.add", "args": {"name": "eyes", "timestamp": "1700000000.000100"}},
    ],
)
def test_it_edits_and_reacts_without_thread_or_metadata(payload):
    call = prepare(job(payload=payload, thread_ts="1700000000.000001"))

    assert call == SlackCall(payload["method"], {**payload["args"], "channel": "C0TOWER"})


def test_it_refuses_a_payload_that_breaks_the_contract():
    with pytest.raises(InvalidPayload, match="must not carry channel"):
        prepare(job(payload={"method": "chat.postMessage", "args": {"text": "x", "channel": "C1"}}))


def test_it_reads_where_the_message_landed_from_slacks_answer():
    post = prepare(job(target="U0ANN"))
    react = prepare(
        job(payload={"method": "reactions.add", "args": {"name": "eyes", "timestamp": "5.1"}})
    )
    whisper = prepare(
        job(payload={"method": "chat.postEphemeral", "args": {"user": "U0ANN", "text": "x"}})
    )

    assert landed_at(post, {"ok": True, "channel": "D0001", "ts": "7.2"}) == ("D0001", "7.2")
    assert landed_at(react, {"ok": True}) == ("C0TOWER", "5.1")
    assert landed_at(whisper, {"ok": True, "message_ts": "8.3"}) == ("C0TOWER", "8.3")


def test_it_finds_a_message_by_the_outbox_id_in_its_metadata():
    history = [
        {"ts": "1.1", "text": "someone else"},
        {
            "ts": "1.2",
            "metadata": {"event_type": "siteloop_outbox", "event_payload": {"outbox_id": 41}},
        },
        {
            "ts": "1.3",
            "metadata": {"event_type": "siteloop_outbox", "event_payload": {"outbox_id": 42}},
        },
    ]

    assert find_outbox_message(history, 42)["ts"] == "1.3"
    assert find_outbox_message(history, 43) is None


def test_only_a_post_that_may_have_landed_is_looked_for_before_sending():
    update = {"method": "chat.update", "args": {"ts": "1.1", "text": "x"}}

    assert job(may_have_been_sent=True).needs_reconciling
    assert not job(may_have_been_sent=False).needs_reconciling
    assert not job(may_have_been_sent=True, payload=update).needs_reconciling
