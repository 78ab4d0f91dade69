"""The outbox: enqueued once, claimed by exactly one sender, finished as sent, retried or failed."""

import threading
from datetime import timedelta

import pytest

from rules.vocabulary import OutboxState
from storage import outbox
from storage.db import session_scope
from storage.models import OutboxMessage
from tests.storage.factories import NOW, make_project

LEASE = timedelta(minutes=2)


def post(text="Pour slab L3 is yours", **args):
    return {"method": "chat.postMessage", "args": {"text": text, **args}}


def add(session, *, target="C0TOWER", payload=None, now=NOW, **fields) -> OutboxMessage:
    message = outbox.enqueue(
        session, kind="assignment", target=target, payload=payload or post(), now=now, **fields
    )
    session.flush()
    return message


def reload(session, message_id) -> OutboxMessage:
    session.expire_all()
    return session.get(OutboxMessage, message_id)


def test_it_enqueues_a_pending_message_due_at_once(session):
    message = add(session, thread_ts="1700000000.000100")

    assert (message.state, message.attempts, message.next_attempt_at) == (
        OutboxState.PENDING,
        0,
        NOW,
    )
    assert outbox.due_ids(session, NOW, 10) == [message.id]


def test_it_enqueues_a_dedupe_key_once(session):
    first = add(session, dedupe_key="alert:7:level:1")

    again = add(session, dedupe_key="alert:7:level:1", payload=post("a different text"))

    assert again.id == first.id
    assert session.query(OutboxMessage).count() == 1


@pytest.mark.parametrize(
    ("target", "payload", "problem"),
    [
        ("C0TOWER", {"method": "chat.delete", "args": {}}, "method must be one of"),
        ("C0TOWER", post(channel="C0OTHER"), "must not carry channel"),
        ("C0TOWER", {"method": "chat.update", "args": {"text": "x"}}, "needs ts"),
        ("C0TOWER", {"method": "reactions.add", "args": {"name": "eyes"}}, "needs timestamp"),
        ("C0TOWER", {"method": "chat.postMessage", "args": {}}, "needs text"),
        ("U0ANN", {"method": "chat.update", "args": {"ts": "1.2", "text": "x"}}, "cannot target"),
        ("tower-a", post(), "cannot target"),
    ],
)
def test_it_refuses_a_payload_that_breaks_the_contract(session, target, payload, problem):
    with pytest.raises(outbox.InvalidPayload, match=problem):
        add(session, target=target, payload=payload)


def test_it_lists_due_messages_oldest_first_skipping_later_leased_and_excluded(session):
    later = add(session, now=NOW + timedelta(minutes=5))
    second = add(session, now=NOW + timedelta(seconds=2))
    first = add(session)
    leased = add(session, target="C0YARD")
    elsewhere = add(session, target="C0YARD", now=NOW + timedelta(seconds=1))
    outbox.claim(session, leased.id, NOW, LEASE)

    due = outbox.due_ids(session, NOW + timedelta(seconds=2), 10)
    paced = outbox.due_ids(session, NOW + timedelta(seconds=2), 10, exclude_targets={"C0TOWER"})

    assert due == [first.id, elsewhere.id, second.id]
    assert later.id not in due
    assert paced == [elsewhere.id]
    assert outbox.due_ids(session, NOW + timedelta(seconds=2), 1) == [first.id]


def test_it_claims_a_message_only_while_it_is_pending_due_and_free(session):
    message = add(session)

    assert not outbox.claim(session, message.id, NOW - timedelta(seconds=1), LEASE)  # not due
    assert outbox.claim(session, message.id, NOW, LEASE)
    assert not outbox.claim(session, message.id, NOW + LEASE - timedelta(seconds=1), LEASE)
    assert reload(session, message.id).claimed_until == NOW + LEASE


def test_only_one_of_many_racing_senders_claims_a_message(session_factory):
    with session_scope(session_factory) as session:
        message_id = add(session).id
    barrier = threading.Barrier(6)
    wins = []

    def race():
        with session_scope(session_factory) as session:
            barrier.wait()
            wins.append(outbox.claim(session, message_id, NOW, LEASE))

    threads = [threading.Thread(target=race) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert sorted(wins) == [False] * 5 + [True]


def test_racing_senders_draining_the_outbox_claim_every_message_exactly_once(session_factory):
    with session_scope(session_factory) as session:
        ids = {add(session, target=f"C0CH{i % 3}").id for i in range(24)}
    barrier = threading.Barrier(4)
    claimed: list[int] = []

    def drain():
        barrier.wait()
        while True:
            with session_scope(session_factory) as session:
                due = outbox.due_ids(session, NOW, 5)
                if not due:
                    return
                claimed.extend(i for i in due if outbox.claim(session, i, NOW, LEASE))

    threads = [threading.Thread(target=drain) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(claimed) == sorted(ids)


def test_a_claim_after_an_expired_lease_says_the_outcome_is_unknown(session):
    message = add(session)
    outbox.claim(session, message.id, NOW, LEASE)  # this sender dies mid-send

    reclaimed = outbox.claim(session, message.id, NOW + LEASE + timedelta(seconds=1), LEASE)

    assert reclaimed
    assert outbox.may_have_been_sent(reload(session, message.id))
    assert reload(session, message.id).last_error == outbox.LEASE_EXPIRED


def test_it_records_a_sent_message_with_its_slack_channel_and_ts(session):
    message = add(session, target="U0ANN")
    outbox.claim(session, message.id, NOW, LEASE)

    assert outbox.mark_sent(session, message.id, NOW, "D0001", "1700000000.000200")

    row = reload(session, message.id)
    assert (row.state, row.slack_channel, row.slack_ts, row.sent_at, row.claimed_until) == (
        OutboxState.SENT,
        "D0001",
        "1700000000.000200",
        NOW,
        None,
    )
    assert not outbox.mark_sent(session, message.id, NOW, "D0001", "1700000000.000300")
    assert outbox.due_ids(session, NOW + timedelta(days=1), 10) == []


def test_it_retries_later_counting_the_attempt_and_releasing_the_lease(session):
    message = add(session)
    outbox.claim(session, message.id, NOW, LEASE)

    outbox.retry_later(
        session, message.id, NOW, "HTTP 503 service_unavailable", NOW + timedelta(seconds=4)
    )

    row = reload(session, message.id)
    assert (row.state, row.attempts, row.claimed_until, row.last_error) == (
        OutboxState.PENDING,
        1,
        None,
        "HTTP 503 service_unavailable",
    )
    assert not outbox.may_have_been_sent(row)
    assert outbox.due_ids(session, NOW + timedelta(seconds=3), 10) == []
    assert outbox.due_ids(session, NOW + timedelta(seconds=4), 10) == [message.id]
    assert outbox.next_due_at(session) == NOW + timedelta(seconds=4)


def test_a_retry_after_a_timeout_remembers_the_message_may_be_in_slack(session):
    message = add(session)
    outbox.claim(session, message.id, NOW, LEASE)

    outbox.retry_later(session, message.id, NOW, "timed out", NOW, outcome_unknown=True)

    row = reload(session, message.id)
    assert outbox.may_have_been_sent(row)
    assert row.last_error == "outcome unknown: timed out"


def test_it_lists_failed_messages_by_project_and_resends_them(session):
    tower, yard = make_project(session, key="TWR"), make_project(session, key="YRD")
    broken = add(session, project_id=tower.id)
    other = add(session, project_id=yard.id)
    for message in (broken, other):
        outbox.claim(session, message.id, NOW, LEASE)
        outbox.mark_failed(session, message.id, NOW, "not_in_channel")

    listed = outbox.failed_messages(session, project_id=tower.id)
    everywhere = outbox.failed_messages(session)
    resent = outbox.resend(session, broken.id, NOW + timedelta(hours=1))

    assert [(m.id, m.last_error) for m in listed] == [(broken.id, "not_in_channel")]
    assert [m.id for m in everywhere] == [broken.id, other.id]
    assert resent and not outbox.resend(session, broken.id, NOW + timedelta(hours=1))
    row = reload(session, broken.id)
    assert (row.state, row.attempts, row.next_attempt_at) == (
        OutboxState.PENDING,
        0,
        NOW + timedelta(hours=1),
    )


def test_next_due_at_counts_a_leased_message_from_when_its_lease_ends(session):
    message = add(session)
    outbox.claim(session, message.id, NOW, LEASE)

    assert outbox.next_due_at(session) == NOW + LEASE
