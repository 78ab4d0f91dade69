"""A small time-limited memory for lookups that every request makes and that rarely change.

Each database (engine) has its own memory, kept only as long as the engine lives. A process
forgets its own changes as soon as they commit (`forget_after_commit`); changes made by other
processes are seen once the entry is older than its time to live.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Hashable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

TIME_TO_LIVE_SECONDS = 60.0
_FORGET = "siteloop_forget_lookups"
_memories: weakref.WeakKeyDictionary[Engine, dict[Hashable, tuple[float, Any]]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def recall(session: Session, key: Hashable, default: Any) -> Any:
    """Return what is remembered for `key` on the session's database, or `default`."""
    with _lock:
        entry = _memories.get(_engine(session), {}).get(key)
    if entry is None or time.monotonic() - entry[0] > TIME_TO_LIVE_SECONDS:
        return default
    return entry[1]


def remember(session: Session, key: Hashable, value: Any) -> None:
    """Remember `value` for `key` on the session's database."""
    with _lock:
        memory = _memories.setdefault(_engine(session), {})
        if len(memory) > 10_000:
            memory.clear()
        memory[key] = (time.monotonic(), value)


def forget_after_commit(session: Session) -> None:
    """Forget everything remembered for the session's database once its transaction commits."""
    session.info[_FORGET] = True
    if not event.contains(session, "after_commit", _forget):
        event.listen(session, "after_commit", _forget)


def _forget(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint committed: the transaction goes on
    if session.info.pop(_FORGET, False):
        with _lock:
            _memories.pop(_engine(session), None)


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine
