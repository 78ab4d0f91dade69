"""Tasks are numbered 1, 2, 3 … per project: no gaps, no duplicates, even under concurrency."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from storage.db import session_scope
from storage.models import Project, Task
from storage.tasks import UnknownProject, create_task
from tests.storage.factories import NOW, make_project

pytestmark = pytest.mark.filterwarnings("error")

THREADS = 4
TASKS_PER_THREAD = 25


def numbers(session_factory, project_id: int) -> list[int]:
    with session_factory() as session:
        query = sa.select(Task.number).where(Task.project_id == project_id).order_by(Task.number)
        return list(session.scalars(query))


def create_concurrently(session_factory, project_id: int, *, roll_back_every: int = 0) -> None:
    """Create tasks from THREADS threads at once, each task in its own transaction."""
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def creator(thread: int) -> None:
        try:
            start.wait()
            for i in range(TASKS_PER_THREAD):
                with session_factory() as session:
                    create_task(session, project_id, f"task {thread}.{i}", now=NOW)
                    if roll_back_every and i % roll_back_every == 0:
                        session.rollback()
                    else:
                        session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=creator, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_it_numbers_tasks_from_1_per_project(session):
    tower = make_project(session, key="TWR")
    garage = make_project(session, key="GAR")

    created = [create_task(session, p.id, "t", now=NOW) for p in (tower, garage, tower, tower)]

    assert [(t.project_id, t.number) for t in created] == [
        (tower.id, 1),
        (garage.id, 1),
        (tower.id, 2),
        (tower.id, 3),
    ]
    assert tower.next_task_number == 4


def test_it_gives_concurrent_creators_every_number_once(session_factory):
    with session_scope(session_factory) as session:
        project_id = make_project(session).id

    create_concurrently(session_factory, project_id)

    assert numbers(session_factory, project_id) == list(range(1, THREADS * TASKS_PER_THREAD + 1))


def test_it_leaves_no_gap_when_concurrent_creations_roll_back(session_factory):
    with session_scope(session_factory) as session:
        project_id = make_project(session).id

    create_concurrently(session_factory, project_id, roll_back_every=5)

    committed = THREADS * (TASKS_PER_THREAD - TASKS_PER_THREAD // 5)
    assert numbers(session_factory, project_id) == list(range(1, committed + 1))


def test_it_reuses_the_number_of_a_rolled_back_creation(session_factory):
    with session_scope(session_factory) as session:
        project_id = make_project(session).id
    with session_factory() as session:
        create_task(session, project_id, "abandoned", now=NOW)
        session.rollback()

    with session_scope(session_factory) as session:
        task = create_task(session, project_id, "kept", now=NOW)

    assert task.number == 1
    with session_factory() as session:
        assert session.get(Project, project_id).next_task_number == 2


def test_it_sets_the_given_fields_and_the_creation_time(session):
    project = make_project(session)

    task = create_task(session, project.id, "Pour slab L3", now=NOW, location="L3", unit="m3")

    assert (task.title, task.location, task.unit) == ("Pour slab L3", "L3", "m3")
    assert task.created_at == task.updated_at == NOW
    assert task.key == "TWR-1"


def test_it_refuses_an_unknown_project(session):
    with pytest.raises(UnknownProject):
        create_task(session, 999, "Orphan", now=NOW)


def test_it_refuses_fields_a_caller_may_not_set(session):
    project = make_project(session)

    with pytest.raises(TypeError, match="number"):
        create_task(session, project.id, "Pour slab", now=NOW, number=7)
