"""Money, quantities and percentages come back exactly as stored, on SQLite too."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError

from storage.models import Task
from storage.tasks import create_task
from storage.types import ExactNumeric
from tests.storage.factories import NOW, make_project

# "error" also turns SQLAlchemy's "does not support Decimal natively" warning into a failure.
pytestmark = pytest.mark.filterwarnings("error")


def stored_task(session_factory, **fields) -> Task:
    with session_factory() as session:
        project = make_project(session)
        task_id = create_task(session, project.id, "Pour slab L3", now=NOW, **fields).id
        session.commit()
    with session_factory() as session:
        return session.get(Task, task_id)


def test_it_returns_the_largest_amounts_to_the_cent(session_factory):
    task = stored_task(
        session_factory,
        budget=Decimal("999999999999.99"),
        actual_cost=Decimal("0.10"),
        planned_qty=Decimal("99999999999.999"),
        percent_complete=Decimal("33.33"),
    )

    assert (task.budget, task.actual_cost, task.planned_qty, task.percent_complete) == (
        Decimal("999999999999.99"),
        Decimal("0.10"),
        Decimal("99999999999.999"),
        Decimal("33.33"),
    )
    assert str(task.actual_cost) == "0.10"


def test_it_rounds_half_up_to_the_column_scale(session_factory):
    task = stored_task(session_factory, budget=Decimal("10.005"), installed_qty=12.0004)

    assert (task.budget, task.installed_qty) == (Decimal("10.01"), Decimal("12.000"))


def test_it_sums_amounts_in_sql(session):
    project = make_project(session)
    for cost in ("0.10", "0.20", "12000.05"):
        create_task(session, project.id, "t", now=NOW, actual_cost=Decimal(cost))

    total = session.scalar(sa.select(sa.func.sum(Task.actual_cost)))

    assert total == Decimal("12000.35")


def test_it_refuses_an_amount_too_large_for_the_column(session):
    project = make_project(session)

    with pytest.raises(StatementError, match=r"does not fit numeric\(14, 2\)"):
        create_task(session, project.id, "t", now=NOW, budget=Decimal("1000000000000"))


def test_it_refuses_precisions_that_sqlite_cannot_store_exactly():
    with pytest.raises(ValueError, match="precision <= 15"):
        ExactNumeric(20, 4)
