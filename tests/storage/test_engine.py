"""Engines and sessions: the SQLite settings, URL handling, session scopes and health."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from storage.db import (
    DatabaseUnavailable,
    is_reachable,
    make_engine,
    make_session_factory,
    normalise_url,
    session_scope,
)
from storage.models import Project
from tests.storage.factories import make_project

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    yield engine
    engine.dispose()


def test_it_turns_on_wal_foreign_keys_and_a_busy_timeout_on_sqlite(sqlite_engine):
    with sqlite_engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }

    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000}


def test_it_lets_sqlite_transactions_that_read_then_write_queue_instead_of_failing(
    sqlite_engine,
):
    # Without BEGIN IMMEDIATE, two transactions that both read and then write make one of them
    # fail at once with "database is locked" (or lose an update).
    with sqlite_engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE counter (value INTEGER NOT NULL)")
        connection.exec_driver_sql("INSERT INTO counter VALUES (0)")
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def increment() -> None:
        try:
            start.wait()
            for _ in range(10):
                with sqlite_engine.begin() as connection:
                    value = connection.exec_driver_sql("SELECT value FROM counter").scalar()
                    time.sleep(0.001)
                    connection.exec_driver_sql("UPDATE counter SET value = ?", (value + 1,))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=increment) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with sqlite_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT value FROM counter").scalar() == 40


def test_it_lets_a_read_only_scope_read_while_another_transaction_writes(sqlite_engine):
    with sqlite_engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (text VARCHAR)")
    factory = make_session_factory(sqlite_engine)

    with sqlite_engine.begin() as writer:  # holds SQLite's write lock until the block ends
        writer.exec_driver_sql("INSERT INTO notes VALUES ('uncommitted')")
        started = time.monotonic()
        with session_scope(factory, read_only=True) as session:
            count = session.execute(sa.text("SELECT count(*) FROM notes")).scalar()
        waited = time.monotonic() - started

    assert count == 0
    assert waited < 1  # a write transaction would have waited for the lock (5 s) and failed


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db:5432/siteloop", "postgresql+psycopg://u:p@db:5432/siteloop"),
        ("postgres://u:p@db/siteloop", "postgresql+psycopg://u:p@db/siteloop"),
        ("postgresql+psycopg://u:p@db/siteloop", "postgresql+psycopg://u:p@db/siteloop"),
        ("sqlite:///siteloop.db", "sqlite:///siteloop.db"),
    ],
)
def test_it_points_postgresql_urls_at_psycopg_3(given, expected):
    assert normalise_url(given).render_as_string(hide_password=False) == expected


def test_it_commits_a_session_scope_that_succeeds(engine):
    factory = make_session_factory(engine)

    with session_scope(factory) as session:
        make_project(session, key="TWR")

    with factory() as session:
        assert session.scalar(sa.select(Project.key)) == "TWR"


def test_it_rolls_back_a_session_scope_that_fails(engine):
    factory = make_session_factory(engine)

    with pytest.raises(RuntimeError), session_scope(factory) as session:
        make_project(session, key="TWR")
        raise RuntimeError("boom")

    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0


def test_it_reads_in_a_read_only_scope(engine):
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        make_project(session, key="TWR")

    with session_scope(factory, read_only=True) as session:
        keys = list(session.scalars(sa.select(Project.key)))

    assert keys == ["TWR"]


def test_it_reports_a_database_that_answers_as_reachable(empty_engine):
    assert is_reachable(empty_engine) is True


def test_it_refuses_to_make_an_engine_on_a_database_it_cannot_open(tmp_path):
    with pytest.raises(DatabaseUnavailable, match=r"can't open sqlite:///.*unable to open"):
        make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'siteloop.db'}")


def test_it_reports_a_database_that_cannot_be_opened_as_unreachable(tmp_path, caplog):
    # As a database that went away after start looks to the health check.
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'siteloop.db'}")

    reachable = is_reachable(engine)

    assert reachable is False
    assert "database unreachable" in caplog.text
    engine.dispose()
