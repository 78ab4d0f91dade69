"""The long-lived things a running siteloop shares: settings, database, clock, doorbell."""

import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from storage.db import make_session_factory


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

    `inbox_database` is where the inbox (`storage.inbox`) lives when not in the main database:
    SQLite keeps it in a file of its own. `inbox_engine` and `inbox_sessions` reach it.
    """

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    doorbell: Doorbell = field(default_factory=Doorbell)
    inbox_database: Engine | None = None
    _inbox_sessions: sessionmaker[Session] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A factory of its own, even on the main engine: the hooks installed on `sessions`
        # (`bot.services.card_hook`) have nothing to do with the inbox.
        sessions = self.sessions
        if self.inbox_database is not None:
            sessions = make_session_factory(self.inbox_database)
        object.__setattr__(self, "_inbox_sessions", sessions)

    @property
    def inbox_engine(self) -> Engine:
        return self.inbox_database if self.inbox_database is not None else self.engine

    @property
    def inbox_sessions(self) -> sessionmaker[Session]:
        return self._inbox_sessions
