"""Recording updates: once per key, folded into the task, revised and retracted without loss."""

import threading
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from rules.vocabulary import TaskStatus, UpdateKind, UpdateSource
from storage.models import Project, Task, Update
from storage.tasks import create_task
from storage.updates import Report, live_updates, record_update, retract_update, revise_update
from tests.storage.factories import NOW, make_member, make_project


def report(key="Ev1", kind=UpdateKind.PROGRESS, minutes=0, **values) -> Report:
    return Report(
        kind=kind,
        source=UpdateSource.COMMAND,
        occurred_at=NOW + timedelta(minutes=minutes),
        idempotency_key=key,
        **values,
    )


def setup_task(session):
    project = make_project(session)
    member = make_member(session)
    task = create_task(
        session,
        project.id,
        "Pour slab L3",
        now=NOW,
        assignee_id=member.id,
        status=TaskStatus.ASSIGNED,
    )
    return project, task


def test_it_records_an_update_and_moves_the_task_forward(session):
    project, task = setup_task(session)

    update, new = record_update(
        session, project, task, report(percent=Decimal(60), quantity=Decimal(12), unit="m³"), NOW
    )

    assert new and update.id is not None
    assert (task.status, task.percent_complete, task.installed_qty, task.unit) == (
        TaskStatus.IN_PROGRESS,
        Decimal(60),
        Decimal(12),
        "m³",
    )
    assert task.last_update_at == NOW == project.last_report_at


def test_a_retried_delivery_is_recorded_once(session):
    project, task = setup_task(session)

    first, _ = record_update(session, project, task, report(quantity=Decimal(12), unit="m³"), NOW)
    again, new = record_update(session, project, task, report(quantity=Decimal(12), unit="m³"), NOW)

    assert not new and again.id == first.id
    assert task.installed_qty == 12
    assert session.scalar(sa.select(sa.func.count()).select_from(Update)) == 1


def test_a_late_report_is_folded_in_the_order_things_happened(session):
    project, task = setup_task(session)
    record_update(session, project, task, report("Ev2", UpdateKind.DONE, minutes=60), NOW)

    record_update(session, project, task, report("Ev1", minutes=10, percent=Decimal(40)), NOW)

    assert (task.status, task.percent_complete) == (TaskStatus.DONE, 100)
    assert task.last_update_at == NOW + timedelta(minutes=60)


def test_an_edit_keeps_the_previous_revision_and_refolds_the_task(session):
    project, task = setup_task(session)
    update, _ = record_update(
        session, project, task, report(percent=Decimal(60), raw_text="60%"), NOW
    )

    revise_update(
        session, update, report(percent=Decimal(45), raw_text="45%"), NOW + timedelta(minutes=5)
    )

    assert (update.revision, update.percent, task.percent_complete) == (2, 45, 45)
    [previous] = update.revisions
    assert (previous.revision, previous.raw_text, Decimal(previous.values["percent"])) == (
        1,
        "60%",
        60,
    )


def test_deleting_the_done_report_leaves_the_task_not_done(session):
    project, task = setup_task(session)
    record_update(session, project, task, report("Ev1", percent=Decimal(60)), NOW)
    done, _ = record_update(session, project, task, report("Ev2", UpdateKind.DONE, minutes=30), NOW)

    retracted = retract_update(session, done, NOW + timedelta(hours=1))

    assert retracted
    assert (task.status, task.percent_complete, task.done_at) == (TaskStatus.IN_PROGRESS, 60, None)
    assert [u.idempotency_key for u in live_updates(session, task)] == ["Ev1"]
    assert not retract_update(session, done, NOW + timedelta(hours=2))


def test_concurrent_deliveries_of_one_report_store_one_update(session_factory):
    with session_factory() as session:
        project, task = setup_task(session)
        session.commit()
        project_id, task_id = project.id, task.id
    barrier = threading.Barrier(4)
    outcomes = []

    def deliver():
        with session_factory() as session:
            barrier.wait()
            _, new = record_update(
                session,
                session.get(Project, project_id),
                session.get(Task, task_id),
                report(cost=Decimal(100)),
                NOW,
            )
            session.commit()
            outcomes.append(new)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert sorted(outcomes) == [False, False, False, True]
    with session_factory() as session:
        assert session.get(Task, task_id).actual_cost == 100
