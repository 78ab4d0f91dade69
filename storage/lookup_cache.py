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
        entry = _memories.get(session.get_bind(), {}).get(key)
    if entry is None or time.monotonic() - entry[0] > TIME_TO_LIVE_SECONDS:
        return default
    return entry[1]


def remember(session: Session, key: Hashable, value: Any) -> None:
    """Remember `value` for `key` on the session's database."""
    with _lock:
        memory = _memories.setdefault(session.get_bind(), {})
        if len(memory) > 10_000:
            memory.clear()
        memory[key] = (time.monotonic(), value)


def forget_after_commit(session: Session) -> None:
    """Forget everything remembered for the session's database once its transaction commits."""
    session.info[_FORGET] = True


@event.listens_for(Session, "after_commit")
def _forget(session: Session) -> None:
    if session.info.pop(_FORGET, False):
        with _lock:
            _memories.pop(session.get_bind(), None)
