"""Databases for the storage tests.

Every test that takes `database_url` (or `engine`, `session`, …) runs on a fresh SQLite file,
and again on PostgreSQL when DATABASE_URL names a PostgreSQL server (when it does not, one test
in test_postgresql.py is skipped to say so). On PostgreSQL the run gets a database of its own,
created here and dropped at the end, and each test starts from an empty schema, so nothing
depends on leftovers:

    export DATABASE_URL="$(bash .ci/start-postgres)"
    .venv/bin/pytest tests/storage
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from tests.databases import empty_postgres_schema, postgres_server

# PostgreSQL joins the parameters only when configured; test_postgresql.py says when it is not.
BACKENDS = ["sqlite", "postgresql"] if postgres_server() is not None else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """Yield the URL of an empty database: a fresh SQLite file, or the run's PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'siteloop.db'}"
        return
    url: URL = request.getfixturevalue("postgres_database")
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        empty_postgres_schema(url)


@pytest.fixture
def empty_engine(database_url: str) -> Iterator[Engine]:
    """Yield an engine on the empty database under test."""
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """Return an engine on the database under test, migrated to the newest schema."""
    upgrade(empty_engine)
    return empty_engine


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session on the migrated database; whatever it did not commit is rolled back."""
    with session_factory() as session:
        yield session
