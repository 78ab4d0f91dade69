"""Engines and sessions: SQLite (the default) and PostgreSQL, set up to behave alike."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000

# Execution option naming how a SQLite transaction begins: "IMMEDIATE" (the default) takes the
# write lock up front; "DEFERRED" is for transactions that only read. PostgreSQL ignores it.
SQLITE_BEGIN = "siteloop_sqlite_begin"


def normalise_url(url: str | URL) -> URL:
    """Return `url` with PostgreSQL pointed at psycopg 3 (`postgresql://` → `postgresql+psycopg://`)."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


class DatabaseUnavailable(Exception):
    """The database can't be opened or reached; the message says what is wrong, in one line."""


# Seconds to wait for PostgreSQL to answer a connection: a host that is down fails in this
# time rather than the operating system's minutes.
CONNECT_TIMEOUT_SECONDS = 10


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """Return an engine for `url`, connected once to check the database is there.

    Raises DatabaseUnavailable, saying why, when the database can't be opened (a SQLite file in
    a folder that doesn't exist or can't be written) or reached (PostgreSQL down, refusing the
    login, or no such database).
    """
    engine = _create_engine(url, **kwargs)
    try:
        with engine.connect():
            pass
    except sa.exc.DBAPIError as error:
        engine.dispose()
        place = engine.url.render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseUnavailable(f"can't open {place}: {reason}") from None
    return engine


def _create_engine(url: str | URL, **kwargs: Any) -> Engine:
    """Return an engine for `url` (any SQLAlchemy URL); extra keyword arguments go to create_engine.

    SQLite gets WAL, enforced foreign keys, a busy timeout, and transactions that begin with
    `BEGIN IMMEDIATE`: a transaction that reads and then writes can otherwise fail at once with
    "database is locked" when another writer got in between, because SQLite cannot upgrade its
    read snapshot; taking the write lock first makes concurrent writers queue on the busy timeout
    instead. Read-only work may opt out with `session_scope(..., read_only=True)`.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"factory": _GatedConnection, **kwargs.get("connect_args", {})}
        engine = sa.create_engine(parsed, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs["connect_args"] = {
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        **kwargs.get("connect_args", {}),
    }
    return sa.create_engine(parsed, **kwargs)


class _WriteGate:
    """One SQLite database's writers in this process, queued on a lock.

    SQLite makes a writer that finds the database locked sleep and retry (1, 2, 5 … 100 ms), so
    a busy process's writers miss each other's commits by tens of milliseconds. Queued here, the
    next writer starts the moment the previous one commits. Other processes still meet SQLite's
    busy timeout, and a thread already writing on another connection doesn't queue (it would
    wait for itself): SQLite's own lock decides for it, as it would without the gate.
    """

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        self._owner: int | None = None

    def enter(self) -> bool:
        """Wait for this process's other writers; return whether the caller now holds the gate."""
        if self._owner == threading.get_ident():
            return False
        if not self._lock.acquire(timeout=self.timeout_seconds):
            return False  # a writer is stuck: let SQLite's busy timeout answer
        self._owner = threading.get_ident()
        return True

    def leave(self) -> None:
        self._owner = None
        self._lock.release()


class _GatedConnection(sqlite3.Connection):
    """A sqlite3 connection that leaves its engine's write gate once its transaction ends."""

    gate: _WriteGate | None = None
    holds_gate = False

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._leave_gate()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._leave_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave_gate()

    def _leave_gate(self) -> None:
        if self.holds_gate and self.gate is not None:
            self.holds_gate = False
            self.gate.leave()


def _configure_sqlite(engine: Engine) -> None:
    gate = _WriteGate(SQLITE_BUSY_TIMEOUT_MS / 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, _GatedConnection):
            dbapi_connection.gate = gate
        # Let SQLAlchemy emit BEGIN itself (below) instead of the sqlite3 module's legacy
        # transaction control, which starts transactions late and never for SELECT or DDL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")  # in-memory databases answer "memory"
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint under WAL
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
        if mode not in ("IMMEDIATE", "DEFERRED", "EXCLUSIVE"):
            raise ValueError(f"{SQLITE_BEGIN} must be IMMEDIATE, DEFERRED or EXCLUSIVE: {mode!r}")
        dbapi_connection = connection.connection.dbapi_connection
        if mode != "DEFERRED" and isinstance(dbapi_connection, _GatedConnection):
            dbapi_connection.holds_gate = gate.enter()
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to `engine`.

    Objects stay usable after commit (`expire_on_commit=False`): services commit and then build
    replies from what they wrote, without a second round trip.
    """
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextlib.contextmanager
def session_scope(factory: sessionmaker[Session], *, read_only: bool = False) -> Iterator[Session]:
    """Yield a session whose transaction commits on success and rolls back on any exception.

    `read_only=True` begins SQLite transactions DEFERRED, so readers never wait for writers;
    such a transaction must not write (it would risk "database is locked").
    """
    with factory() as session:
        if read_only:
            session.connection(execution_options={SQLITE_BEGIN: "DEFERRED"})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_reachable(engine: Engine) -> bool:
    """Return whether the database answers a trivial query (for `/healthz`)."""
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(**{SQLITE_BEGIN: "DEFERRED"})
            connection.execute(sa.text("SELECT 1"))
    except Exception:  # any failure means "not reachable"; the reason goes to the log
        log.warning("database unreachable", exc_info=True)
        return False
    return True


def rows_changed(session: Session, statement: sa.Executable) -> int:
    """Run an UPDATE or DELETE in `session` and return how many rows it changed.

    (`Session.execute` is typed to return a plain `Result`; a DML statement's is a
    `CursorResult`, which counts.)
    """
    result = session.execute(statement)
    assert isinstance(result, sa.CursorResult)
    return int(result.rowcount)
