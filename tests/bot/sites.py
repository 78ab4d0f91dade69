"""Arranging a site for end-to-end tests: a project set up from Slack, tasks on its plan."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from storage import projects
from storage.db import session_scope
from storage.members import find_member
from storage.models import Crew, Task
from storage.tasks import create_task, find_task


def setup_project(
    slack, key: str = "TWR", name: str = "Tower A", channel: str = "C0TOWER", by: str = "U0ANN"
):
    """Set a project up the way a manager does, with `/siteloop setup`."""
    delivery = slack.driver.command("/siteloop", f"setup {key} {name}", user=by, channel=channel)
    assert delivery.status == 200 and "is set up" in slack.ephemerals(user=by)[-1].rendered


def plan_task(
    siteloop,
    title: str,
    key: str = "TWR",
    assignee: str | None = None,
    crew: str | None = None,
    **fields,
) -> str:
    """Put a task on the project's plan (as a schedule import would), for `crew` (by name) if
    given; return its key."""
    with session_scope(siteloop.runtime.sessions) as session:
        project = projects.find_project(session, key)
        member = find_member(session, assignee) if assignee else None
        if crew is not None:
            fields["crew_id"] = session.scalars(
                sa.select(Crew.id).where(Crew.project_id == project.id, Crew.name == crew)
            ).one()
        task = create_task(
            session,
            project.id,
            title,
            now=siteloop.clock.now(),
            assignee_id=member.id if member else None,
            **fields,
        )
        return f"{key}-{task.number}"


def plan_the_pour(siteloop) -> str:
    """Plan Tower A's first task, Cam's pour of slab L3: Mon 30 Nov to Fri 4 Dec 2026, on a
    budget of 1,000 (the numbers the health tests work out by hand)."""
    return plan_task(
        siteloop,
        "Pour slab L3",
        assignee="U0CAM",
        planned_start=date(2026, 11, 30),
        planned_finish=date(2026, 12, 4),
        budget=Decimal(1000),
    )


def task(siteloop, key: str) -> Task:
    """Return the task as stored now."""
    with siteloop.runtime.sessions() as session:
        found = find_task(session, key)
        session.expunge_all()
        return found


def answer(slack, user: str) -> str:
    """Return the last private answer `user` read."""
    return slack.ephemerals(user=user)[-1].rendered
