"""The storage tests run on PostgreSQL too, when DATABASE_URL names a server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from storage.db import make_engine

pytestmark = pytest.mark.filterwarnings("error")


def test_it_gives_the_run_a_fresh_empty_postgresql_database(postgres_database):
    engine = make_engine(postgres_database)
    try:
        with engine.connect() as connection:
            version = connection.dialect.server_version_info
            tables = sa.inspect(connection).get_table_names()
    finally:
        engine.dispose()

    assert postgres_database.database.startswith("siteloop_test_")
    assert version >= (15,)
    assert tables == []
