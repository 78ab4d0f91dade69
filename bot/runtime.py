"""The long-lived things a running siteloop shares: settings, database, clock, doorbell."""

import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings


class Doorbell:
    """Wakes the outbox dispatcher as soon as a producer has committed messages to send."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def ring(self) -> None:
        """Say there is something to send now."""
        self._event.set()

    def wait(self, timeout: float) -> bool:
        """Wait until rung or `timeout` seconds pass; return whether it was rung."""
        rung = self._event.wait(timeout)
        self._event.clear()
        return rung


@dataclass(frozen=True)
class Runtime:
    """What listeners and jobs need, passed in explicitly rather than imported as globals.

    `inbox_engine` and `inbox_sessions` reach the inbox (`storage.inbox`): SQLite keeps it in a
    file of its own; without them, it is in the main database.
    """

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    doorbell: Doorbell = field(default_factory=Doorbell)
    inbox_engine: Engine | None = None
    inbox_sessions: sessionmaker[Session] | None = None

    def __post_init__(self) -> None:
        if self.inbox_engine is None:
            object.__setattr__(self, "inbox_engine", self.engine)
        if self.inbox_sessions is None:
            object.__setattr__(self, "inbox_sessions", self.sessions)
