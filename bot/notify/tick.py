"""The rule tick as siteloop runs it: the rules in force, and the tick with siteloop's words.

The scheduler calls, every SITELOOP_TICK_SECONDS:

    result = run_tick(runtime.sessions, rulebook, clock.now())   # rulebook = load_rules(path)

It evaluates what is due, commits alerts and their outbox rows together, and returns a
`TickResult` (`result.summary()` is one line for the log). It is safe to call from several
processes on one PostgreSQL (one evaluates, the others return `ran=False` at once) and to call
twice at the same instant (the second changes nothing). Delivery is separate: the outbox
dispatcher sends what the tick queued, at each row's `next_attempt_at` (quiet hours).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.notify.compose import compose_messages
from rules.calendar import Calendar
from rules.rulebook import Rulebook, load_default_rulebook, load_rulebook
from storage import tick as ticks
from storage.models import Project
from storage.tick import TickResult, project_calendar


def load_rules(path: Path | None = None) -> Rulebook:
    """Return the rulebook at `path` (SITELOOP_RULES), else the shipped default rules.

    Raises `rules.rulebook.RulebookError` listing every problem of an invalid file.
    """
    return load_default_rulebook() if path is None else load_rulebook(path)


@lru_cache(maxsize=4)
def rules_in_force(path: Path | None) -> Rulebook:
    """Return the rules at `path` (else the shipped ones), read once per file: for what a
    request needs of them, such as a project's calendar."""
    return load_rules(path)


def project_calendar_in_force(path: Path | None, project: Project) -> Calendar:
    """Return `project`'s calendar under the rules at `path` (its own overrides included)."""
    return project_calendar(rules_in_force(path), project.key, project.calendar)


def describe_rulebook(rulebook: Rulebook, path: str | Path) -> str:
    """Return one line saying a rules file is valid and what it holds."""
    sections = ", ".join(sorted(rulebook.projects))
    where = f" (project sections: {sections})" if sections else ""
    return f"{path}: valid, {len(rulebook.rules)} rules{where}"


def run_tick(sessions: sessionmaker[Session], rulebook: Rulebook, now: datetime) -> TickResult:
    """Run one rule tick at `now`: evaluate what is due, commit alerts and messages; return
    what it did (`ran=False` if another process was evaluating)."""
    return ticks.tick(sessions, rulebook, now, compose=compose_messages)


def preview_tick(sessions: sessionmaker[Session], rulebook: Rulebook, now: datetime) -> TickResult:
    """Return what a tick at `now` would do, every message in `queued`, storing nothing."""
    return ticks.preview(sessions, rulebook, now, compose=compose_messages)
