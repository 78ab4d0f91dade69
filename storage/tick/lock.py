"""The tick lock: on PostgreSQL exactly one process evaluates the rules at a time."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# pg_try_advisory_lock's key for "the rule tick" ("sitetick" in ASCII, fits a bigint).
TICK_LOCK_KEY = 0x736974657469636B


@contextlib.contextmanager
def tick_lock(engine: Engine) -> Iterator[bool]:
    """Yield whether this process may run the tick now; on PostgreSQL, hold the lock meanwhile.

    PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a connection of its
    own, held across the tick's many transactions and released at the end (or when the
    process dies and its connection closes). Other databases: always True (SQLite serialises
    writers; every unit of work re-reads its rows).
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect() as connection:
        held = bool(connection.scalar(sa.select(sa.func.pg_try_advisory_lock(TICK_LOCK_KEY))))
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.scalar(sa.select(sa.func.pg_advisory_unlock(TICK_LOCK_KEY)))
                connection.commit()
