"""The long-lived things a running siteloop shares: settings, database, clock."""

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings


@dataclass(frozen=True)
class Runtime:
    """What listeners and jobs need, passed in explicitly rather than imported as globals."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
