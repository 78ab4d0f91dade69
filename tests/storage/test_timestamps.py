"""Timestamps are timezone-aware UTC on the way out, and must be aware on the way in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import StatementError

from storage.models import Project
from storage.types import UTCDateTime
from tests.storage.factories import make_project

pytestmark = pytest.mark.filterwarnings("error")

HANOI = timezone(timedelta(hours=7))


def test_it_returns_stored_instants_as_aware_utc(session_factory):
    with session_factory() as session:
        make_project(session, created_at=datetime(2026, 3, 2, 15, 30, 5, 123456, tzinfo=HANOI))
        session.commit()

    with session_factory() as session:
        created_at = session.scalar(sa.select(Project.created_at))

    assert created_at == datetime(2026, 3, 2, 8, 30, 5, 123456, tzinfo=UTC)
    assert created_at.tzinfo is UTC


def test_it_compares_instants_given_in_any_zone_in_sql(session):
    make_project(session, key="EARLY", created_at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    make_project(session, key="LATE", created_at=datetime(2026, 3, 2, 16, 0, tzinfo=HANOI))

    query = sa.select(Project.key).where(
        Project.created_at < datetime(2026, 3, 2, 15, 30, tzinfo=HANOI)
    )
    keys = list(session.scalars(query))

    assert keys == ["EARLY"]


def test_it_refuses_a_naive_datetime(session):
    with pytest.raises(StatementError, match="naive datetime 2026-03-02T08:00:00 refused"):
        make_project(session, created_at=datetime(2026, 3, 2, 8, 0))


def test_it_refuses_a_value_that_is_not_a_datetime():
    with pytest.raises(TypeError, match="expected a datetime"):
        UTCDateTime().process_bind_param("2026-03-02T08:00:00Z", sqlite.dialect())
