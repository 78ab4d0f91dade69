"""The inbox: Slack events and commands stored before Slack hears "got it", then processed.

The request path calls `accept` (one INSERT, leased to the accepting process) and answers
Slack; the worker (`bot.slack.inbox`) runs the listeners, then `mark_done`, or `retry_later` /
`give_up` when they fail. `sweep_ids` + `claim` recover events whose lease ran out: their
process died between answering Slack and processing them. `newest` and `retry` are for admins.

Time always comes in as `now`; nothing here reads the clock.

SQLite keeps the inbox in a database file of its own, next to the main one (`open_inbox`): a
SQLite file has one writer at a time, and the requests Slack waits on must not queue behind the
reports being recorded. PostgreSQL locks rows, not files, so there the inbox is a table like the
others.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.orm import Session

from storage.db import make_engine, normalise_url, rows_changed
from storage.models import InboxEvent

# How long an accepting process has to process its event before anyone else may.
LEASE = timedelta(minutes=2)
# Done events are kept this long: Slack retries a delivery within minutes, never after a day.
KEEP_DONE = timedelta(days=1)

# Inbox rows are never loaded as objects, so updates need not look for them in the session.
_PLAIN = {"synchronize_session": False}


def inbox_url(database_url: str | URL) -> URL | None:
    """Return the URL of SQLite's inbox file for a main database URL (`siteloop.db` →
    `siteloop.db-inbox`); None when the inbox is a table of the main database."""
    parsed = normalise_url(database_url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return parsed.set(database=f"{parsed.database}-inbox")


def open_inbox(database_url: str | URL, engine: Engine) -> Engine:
    """Return the engine holding the inbox of the database at `database_url`, whose engine is
    `engine`: SQLite's inbox file (created if need be), else `engine` itself.

    Requests that a siteloop older than the inbox file left in the main SQLite database's
    `inbox` table move to the file first, so none is lost in the upgrade.
    """
    url = inbox_url(database_url)
    if url is None:
        return engine
    inbox_engine = make_engine(url)
    InboxEvent.__table__.create(inbox_engine, checkfirst=True)
    _move_left_over(engine, inbox_engine)
    return inbox_engine


def _move_left_over(engine: Engine, inbox_engine: Engine) -> None:
    if not sa.inspect(engine).has_table(InboxEvent.__tablename__):
        return  # a database not migrated yet: nothing was ever stored there
    table = InboxEvent.__table__
    kept = [column for column in table.c if column.name != "id"]  # the file numbers its own
    with engine.begin() as main, inbox_engine.begin() as file:
        rows = [dict(row) for row in main.execute(sa.select(*kept)).mappings()]
        if not rows:
            return
        insert = sqlite.insert(table).on_conflict_do_nothing(index_elements=[table.c.event_id])
        file.execute(insert, rows)
        main.execute(sa.delete(table))


def parse_body(body: str) -> dict[str, Any]:
    """Return a stored request as Bolt reads it: an event's JSON, or a command's form fields.

    Raises ValueError when it is neither.
    """
    if body.startswith("{"):
        parsed: dict[str, Any] = json.loads(body)
        return parsed
    fields = parse_qs(body, keep_blank_values=True, strict_parsing=True)
    return {name: values[0] for name, values in fields.items()}


def accept(
    connection: Connection, event_id: str, body: str, now: datetime, *, leased: bool = True
) -> int | None:
    """Store a request, leased to the caller (or free for any worker to claim, without
    `leased`); return its id, or None if it is already stored.

    One statement (INSERT … ON CONFLICT DO NOTHING on `event_id`), so a retry of an event that
    is already here, processed or not, changes nothing.
    """
    values = {
        "event_id": event_id,
        "received_at": now,
        "body": body,
        "claimed_until": now + LEASE if leased else None,
    }
    stored: int | None = connection.execute(
        _accept_statement(connection.dialect.name), values
    ).scalar()
    return stored


@functools.cache
def _accept_statement(dialect: str) -> sa.Insert:  # the dialect's, with ON CONFLICT
    # Built once: Slack waits on this statement, and building it costs more than running it.
    columns = InboxEvent.__table__.c
    names = ("event_id", "received_at", "body", "claimed_until")
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(InboxEvent)
    return (
        insert.values({name: sa.bindparam(name, type_=columns[name].type) for name in names})
        .on_conflict_do_nothing(index_elements=[InboxEvent.event_id])
        .returning(InboxEvent.id)
    )


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        InboxEvent.done_at.is_(None),
        sa.or_(InboxEvent.claimed_until.is_(None), InboxEvent.claimed_until < now),
    )


def sweep_ids(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Return up to `limit` ids of unprocessed events nobody holds a lease on, oldest first."""
    query = sa.select(InboxEvent.id).where(_claimable(now)).order_by(InboxEvent.id).limit(limit)
    return list(session.scalars(query))


def claim(session: Session, event_pks: list[int], now: datetime) -> list[tuple[int, str]]:
    """Lease those of the events that are still unprocessed and unleased to the caller; return
    their ids and bodies, oldest first.

    A conditional UPDATE: of two processes sweeping at once, exactly one wins each event.
    """
    statement = (
        sa.update(InboxEvent)
        .where(InboxEvent.id.in_(event_pks), _claimable(now))
        .values(claimed_until=now + LEASE)
        .returning(InboxEvent.id, InboxEvent.body)
        .execution_options(**_PLAIN)
    )
    return sorted((event_pk, body) for event_pk, body in session.execute(statement))


def mark_done(session: Session, event_pks: list[int], now: datetime) -> None:
    """Record that the events' listeners ran to completion."""
    _finish(session, event_pks, done_at=now, claimed_until=None, last_error=None)


def retry_later(session: Session, event_pk: int, error: str, at: datetime) -> None:
    """Count a failed attempt; the event is swept up again from `at`."""
    _finish(session, [event_pk], claimed_until=at, last_error=error)


def give_up(session: Session, event_pk: int, now: datetime, error: str) -> None:
    """Count a last failed attempt and stop trying, keeping `error` for whoever investigates."""
    _finish(session, [event_pk], done_at=now, claimed_until=None, last_error=error)


def _finish(session: Session, event_pks: list[int], **values: object) -> None:
    session.execute(
        sa.update(InboxEvent)
        .where(InboxEvent.id.in_(event_pks))
        .values(attempts=InboxEvent.attempts + 1, **values)
        .execution_options(**_PLAIN)
    )


def attempts_of(session: Session, event_pk: int) -> int:
    """Return how many times the event's processing has been tried and finished."""
    return session.scalar(sa.select(InboxEvent.attempts).where(InboxEvent.id == event_pk)) or 0


def backlog(session: Session) -> int:
    """Return how many events are accepted but not yet processed (or given up)."""
    query = sa.select(sa.func.count()).select_from(InboxEvent).where(InboxEvent.done_at.is_(None))
    return session.scalar(query) or 0


def prune(session: Session, now: datetime) -> int:
    """Delete events processed longer than `KEEP_DONE` ago; return how many.

    Events given up are kept until someone retries them (`retry`).
    """
    statement = (
        sa.delete(InboxEvent)
        .where(InboxEvent.done_at < now - KEEP_DONE, sa.not_(InboxEvent.given_up))
        .execution_options(**_PLAIN)
    )
    return rows_changed(session, statement)


def release(session: Session, event_pks: list[int]) -> None:
    """Give up the caller's lease on events it will not process (it is stopping)."""
    session.execute(
        sa.update(InboxEvent)
        .where(InboxEvent.id.in_(event_pks), InboxEvent.done_at.is_(None))
        .values(claimed_until=None)
        .execution_options(**_PLAIN)
    )


def newest(
    session: Session, limit: int, *, given_up_only: bool = False
) -> tuple[list[InboxEvent], int]:
    """Return up to `limit` events, newest first, and how many there are in all."""
    where = InboxEvent.given_up if given_up_only else sa.true()
    total = session.scalar(sa.select(sa.func.count()).select_from(InboxEvent).where(where)) or 0
    query = sa.select(InboxEvent).where(where).order_by(InboxEvent.id.desc()).limit(limit)
    return list(session.scalars(query)), total


def retry(session: Session, event_pk: int) -> bool:
    """Make a given-up event due again with all its attempts; False if it was not given up."""
    statement = (
        sa.update(InboxEvent)
        .where(InboxEvent.id == event_pk, InboxEvent.given_up)
        .values(done_at=None, claimed_until=None, attempts=0)
        .execution_options(**_PLAIN)
    )
    return rows_changed(session, statement) == 1
