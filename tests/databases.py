"""The databases tests run on: a fresh SQLite file, or a PostgreSQL database of the run's own.

When DATABASE_URL names a PostgreSQL server (CI starts one with `.ci/start-postgres`), the run
creates a database of its own there and drops it at the end, and each test starts from an empty
schema, so nothing depends on leftovers:

    export DATABASE_URL="$(bash .ci/start-postgres)"
    .venv/bin/pytest
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import URL

from storage.db import make_engine, normalise_url


def postgres_server() -> URL | None:
    """Return DATABASE_URL if it names a PostgreSQL server."""
    raw = os.environ.get("DATABASE_URL", "")
    if not raw:
        return None
    url = normalise_url(raw)
    return url if url.get_backend_name() == "postgresql" else None


@contextmanager
def run_database(server: URL) -> Iterator[URL]:
    """Create a new, empty database on `server` for this run; drop it afterwards."""
    name = f"siteloop_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def empty_postgres_schema(url: URL) -> None:
    """Drop everything in the database at `url`, leaving an empty public schema."""
    engine = make_engine(url, poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            # Connections a failed test left behind would block DROP SCHEMA (autovacuum's are
            # not ours to end, and never block it).
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND backend_type = 'client backend' AND usename = current_user"
                )
            )
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
