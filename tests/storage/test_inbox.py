"""The inbox: each event stored once, leased to its acceptor, recovered when its lease runs out."""

import json
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from storage import inbox
from storage.db import session_scope
from storage.models import InboxEvent
from tests.storage.factories import NOW

ENVELOPE = json.dumps({"type": "event_callback", "event_id": "Ev0PV52K25", "event": {}})


def accept(engine, event_id="Ev0PV52K25", now=NOW):
    with engine.begin() as connection:
        return inbox.accept(connection, event_id, ENVELOPE, now)


def row(session_factory, event_pk) -> InboxEvent:
    with session_factory() as session:
        found = session.get(InboxEvent, event_pk)
        session.expunge_all()
        return found


def test_an_event_is_stored_once_whatever_slack_retries(engine, session_factory):
    first = accept(engine)
    again = accept(engine, now=NOW + timedelta(minutes=1))

    assert first is not None and again is None
    stored = row(session_factory, first)
    assert (stored.body, stored.received_at, stored.claimed_until, stored.done_at) == (
        ENVELOPE,
        NOW,
        NOW + inbox.LEASE,
        None,
    )
    with session_factory() as session:
        assert inbox.backlog(session) == 1


def test_concurrent_deliveries_of_one_event_store_it_once(engine):
    results, barrier = [], threading.Barrier(6)

    def deliver():
        barrier.wait()
        results.append(accept(engine))

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len([r for r in results if r is not None]) == 1


def test_a_leased_event_is_only_swept_up_once_its_lease_runs_out(engine, session_factory):
    event_pk = accept(engine)

    with session_scope(session_factory) as session:
        assert inbox.sweep_ids(session, NOW + inbox.LEASE) == []
        later = NOW + inbox.LEASE + timedelta(seconds=1)
        assert inbox.sweep_ids(session, later) == [event_pk]
        assert inbox.claim(session, [event_pk], later) == [(event_pk, ENVELOPE)]
        assert inbox.claim(session, [event_pk], later) == []  # the first sweeper has it


def test_done_and_given_up_events_are_never_swept_up(engine, session_factory):
    done, failing = accept(engine, "Ev1"), accept(engine, "Ev2")
    later = NOW + timedelta(days=1)

    with session_scope(session_factory) as session:
        inbox.mark_done(session, [done], NOW)
        inbox.give_up(session, failing, NOW, "KeyError: 'ts'")
    with session_scope(session_factory) as session:
        assert inbox.sweep_ids(session, later) == []
        assert inbox.backlog(session) == 0
    given_up = row(session_factory, failing)
    assert (given_up.attempts, given_up.last_error) == (1, "KeyError: 'ts'")


def test_a_failed_event_waits_until_its_retry_time(engine, session_factory):
    event_pk = accept(engine)
    retry_at = NOW + timedelta(seconds=30)

    with session_scope(session_factory) as session:
        inbox.retry_later(session, event_pk, "OperationalError: database is locked", retry_at)
    with session_scope(session_factory) as session:
        assert inbox.sweep_ids(session, retry_at) == []
        assert inbox.sweep_ids(session, retry_at + timedelta(seconds=1)) == [event_pk]
        assert inbox.attempts_of(session, event_pk) == 1


def test_released_events_are_swept_up_at_once(engine, session_factory):
    event_pk = accept(engine)

    with session_scope(session_factory) as session:
        inbox.release(session, [event_pk])
    with session_scope(session_factory) as session:
        assert inbox.sweep_ids(session, NOW) == [event_pk]


def test_done_events_are_forgotten_after_a_day(engine, session_factory):
    old, recent = accept(engine, "Ev1"), accept(engine, "Ev2")
    with session_scope(session_factory) as session:
        inbox.mark_done(session, [old], NOW)
        inbox.mark_done(session, [recent], NOW + timedelta(hours=12))

    with session_scope(session_factory) as session:
        assert inbox.prune(session, NOW + inbox.KEEP_DONE + timedelta(seconds=1)) == 1
    assert row(session_factory, old) is None and row(session_factory, recent) is not None


def test_events_given_up_are_kept_until_retried(engine, session_factory):
    event_pk = accept(engine)
    with session_scope(session_factory) as session:
        inbox.give_up(session, event_pk, NOW, "SlackApiError: internal_error")

    with session_scope(session_factory) as session:
        assert inbox.prune(session, NOW + timedelta(days=30)) == 0
        assert inbox.retry(session, event_pk) is True
        assert inbox.retry(session, event_pk) is False  # no longer given up
    again = row(session_factory, event_pk)
    assert (again.done_at, again.claimed_until, again.attempts) == (None, None, 0)
    with session_scope(session_factory) as session:
        assert inbox.sweep_ids(session, NOW) == [event_pk]


def test_sqlite_moves_what_an_older_siteloop_left_in_the_main_database_to_the_inbox_file(
    engine, database_url
):
    if engine.dialect.name != "sqlite":
        pytest.skip("only SQLite keeps the inbox in a file of its own")
    left = accept(engine)  # as siteloop did before its inbox had a file of its own

    inbox_engine = inbox.open_inbox(database_url, engine)

    with inbox_engine.connect() as file, engine.connect() as main:
        moved = file.execute(sa.select(InboxEvent.event_id, InboxEvent.body)).all()
        assert moved == [("Ev0PV52K25", ENVELOPE)] and left is not None
        assert main.execute(sa.select(sa.func.count()).select_from(InboxEvent)).scalar() == 0
    inbox_engine.dispose()
    again = inbox.open_inbox(database_url, engine)  # the next start: nothing left to move
    with again.connect() as file:
        assert file.execute(sa.select(sa.func.count()).select_from(InboxEvent)).scalar() == 1
    again.dispose()
