"""Alembic environment for siteloop.

Normally run through `storage.migrate.upgrade`, which hands over an open connection in
`config.attributes["connection"]`. There is deliberately no `fileConfig()` here: logging
belongs to the application, and Alembic must not reconfigure it.
"""

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import make_engine
from storage.migrate import render_item
from storage.models import Base

config = context.config


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
        render_item=render_item,
    )


def run_offline() -> None:
    """Emit the SQL to stdout (`--sql` mode) for the URL in the config."""
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=url is not None and url.startswith("sqlite"),
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection and no sqlalchemy.url: use storage.migrate.upgrade()")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _configure(connection)
            context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
