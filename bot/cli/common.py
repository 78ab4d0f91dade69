"""What every `siteloop` command shares: settings, sessions, the way errors end a command,
and how instants are shown.

The database's libraries are imported inside the functions that need them, so
`siteloop --help` stays fast.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from bot import logs
from bot.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from rules.rulebook import Rulebook
    from storage.models import Project


def fail(message: str, code: int) -> NoReturn:
    """End the command with `siteloop: message` on stderr and exit status `code`."""
    typer.echo(f"siteloop: {message}", err=True)
    raise typer.Exit(code)


def settings(**overrides: object) -> Settings:
    """Return the settings (overridden by command options), logging configured; a bad setting
    ends the command with status 2."""
    try:
        loaded = load_settings(**overrides)
    except ConfigError as error:
        fail(str(error), 2)
    logs.configure(loaded.resolved_log_format())
    return loaded


def project(session: Session, key: str) -> Project:
    """Return the project `key` names (any case); an unknown key ends the command with
    status 2, naming the projects there are."""
    from storage.projects import find_project
    from storage.tasks import project_keys

    found = find_project(session, key)
    if found is None:
        known = ", ".join(project_keys(session)) or "none yet"
        fail(f"there is no project {key.upper()} (projects: {known})", 2)
    return found


def rules(path: Path | None) -> Rulebook:
    """Return the rules at `path` (SITELOOP_RULES), else the shipped ones; an invalid file
    ends the command with status 2, listing its problems."""
    from bot.notify.tick import load_rules
    from rules.rulebook import RulebookError

    try:
        return load_rules(path)
    except RulebookError as error:
        fail("the rules file is invalid:\n" + "\n".join(error.problems), 2)


def session() -> Session:
    """Return a session on the configured database (settings errors exit 2)."""
    from storage.db import make_engine, make_session_factory

    return make_session_factory(make_engine(settings().database_url))()


def existing_database(url: str) -> Engine | None:
    """Return an engine on `url` if it answers and holds siteloop's tables, else None.

    Never creates anything: a SQLite file that does not exist stays that way.
    """
    import sqlalchemy as sa

    from storage.db import is_reachable, make_engine

    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or not Path(database).is_file():
            return None
    engine = make_engine(parsed)
    if is_reachable(engine) and sa.inspect(engine).has_table("tasks"):
        return engine
    engine.dispose()
    return None


def shown_time(instant: datetime) -> str:
    """Return an instant as admins read it in listings: `2026-12-01 08:00:00Z`."""
    return f"{instant:%Y-%m-%d %H:%M:%S}Z"


def deliver_once(settings, engine, sessions, clock) -> str:
    """Run one outbox delivery pass (`pipeline.deliver_pending`); return what it did."""
    if settings.slack_bot_token is None:
        return "delivery skipped (SLACK_BOT_TOKEN is not set)"
    from bot.process.delivery import deliver_pending
    from bot.runtime import Runtime

    runtime = Runtime(settings=settings, engine=engine, sessions=sessions, clock=clock)
    return f"{deliver_pending(runtime, clock.now())} messages delivered"
