"""Rows explain themselves when debugging, without touching the database."""

from __future__ import annotations

import pytest

from rules.vocabulary import TaskStatus
from storage.tasks import create_task
from tests.storage.factories import NOW, make_alert, make_project

pytestmark = pytest.mark.filterwarnings("error")


def test_it_shows_what_identifies_a_row_in_repr(session):
    project = make_project(session)
    task = create_task(session, project.id, "Pour slab L3", now=NOW, status=TaskStatus.ASSIGNED)

    text = repr(task)

    assert text == (
        f"<Task id={task.id} project_id={project.id} number=1 status=assigned title='Pour slab L3'>"
    )


def test_it_shows_instants_in_iso_form_in_repr(session):
    alert = make_alert(session, make_project(session), rule_id="stalled")

    text = repr(alert)

    assert "rule_id='stalled'" in text
    assert "opened_at=2026-03-02T08:00:00+00:00" in text


def test_it_never_loads_from_the_database_in_repr(session):
    task = create_task(session, make_project(session).id, "Pour slab L3", now=NOW)
    session.commit()
    task_id = task.id
    session.expire(task)
    session.close()

    text = repr(task)

    assert text == f"<Task id={task_id}>"
