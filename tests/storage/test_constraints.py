"""The database itself keeps the data model's promises."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from storage.models import Alert, Task
from storage.tasks import create_task
from tests.storage.factories import NOW, make_alert, make_project, make_update

pytestmark = pytest.mark.filterwarnings("error")


def test_it_refuses_a_second_update_with_the_same_idempotency_key(session):
    project = make_project(session)
    make_update(session, project, idempotency_key="Ev42")

    with pytest.raises(IntegrityError, match="idempotency_key"):
        make_update(session, project, idempotency_key="Ev42")


def test_it_refuses_a_second_open_alert_for_the_same_rule_and_task(session):
    project = make_project(session)
    task = create_task(session, project.id, "Pour slab L3", now=NOW)
    make_alert(session, project, rule_id="stalled", task_id=task.id)

    with pytest.raises(IntegrityError, match="open_key"):
        make_alert(session, project, rule_id="stalled", task_id=task.id)


def test_it_allows_open_alerts_of_other_rules_and_other_tasks(session):
    project = make_project(session)
    slab = create_task(session, project.id, "Pour slab L3", now=NOW)
    walls = create_task(session, project.id, "Walls L3", now=NOW)
    make_alert(session, project, rule_id="stalled", task_id=slab.id)

    make_alert(session, project, rule_id="overdue", task_id=slab.id)
    make_alert(session, project, rule_id="stalled", task_id=walls.id)

    assert session.scalar(sa.select(sa.func.count()).select_from(Alert)) == 3


def test_it_allows_a_new_alert_once_the_previous_one_is_resolved(session):
    project = make_project(session)
    task = create_task(session, project.id, "Pour slab L3", now=NOW)
    first = make_alert(session, project, rule_id="stalled", task_id=task.id)
    first.resolved_at = NOW + timedelta(hours=1)
    session.flush()

    second = make_alert(session, project, rule_id="stalled", task_id=task.id)

    assert (first.open_key, second.open_key) == (None, f"stalled:{project.id}:{task.id}")


def test_it_refuses_a_second_open_project_level_alert_for_the_same_rule(session):
    project = make_project(session)
    make_alert(session, project, rule_id="project_silent", task_id=None)

    with pytest.raises(IntegrityError, match="open_key"):
        make_alert(session, project, rule_id="project_silent", task_id=None)


def test_it_refuses_an_open_alert_written_without_its_open_key(session):
    project = make_project(session)
    insert = sa.insert(Alert.__table__).values(
        rule_id="stalled", project_id=project.id, severity="warning", opened_at=NOW
    )

    with pytest.raises(IntegrityError, match="open_key_matches"):
        session.execute(insert)


def test_it_enforces_foreign_keys(session):
    project = make_project(session)

    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        make_update(session, project, task_id=999)


def test_it_refuses_to_delete_a_task_that_has_updates(session):
    project = make_project(session)
    task = create_task(session, project.id, "Pour slab L3", now=NOW)
    make_update(session, project, task_id=task.id)

    with pytest.raises(IntegrityError):
        session.execute(sa.delete(Task).where(Task.id == task.id))


def test_it_refuses_a_percent_outside_0_to_100(session):
    project = make_project(session)

    with pytest.raises(IntegrityError, match="percent_range"):
        make_update(session, project, percent=101)


def test_it_refuses_an_update_kind_outside_the_vocabulary(session):
    project = make_project(session)

    with pytest.raises(StatementError, match="'progres' is not among the defined enum values"):
        make_update(session, project, kind="progres")
