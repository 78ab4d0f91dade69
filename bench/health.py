"""Health and chart benchmark: a large project's health (`/siteloop status`) and its S-curve.

    .venv/bin/python -m bench.health [--tasks N] [--updates-per-task U] [--keep DIR]

It builds a SQLite database holding one project of N tasks (default 1,000: budgets, plans
over ten weeks, every status, a crew member each) with N×U updates (default 100 each, so
100,000) from the last sixty days and an open alert on one task in twenty, then times:

- `read`: `storage.health.read_health`, the three queries and the computation, as
  `/siteloop status` runs it; `cold` the first in a fresh engine, `warm` the median of ten;
- `compute`: `rules.health.project_health` alone on what was read, the median of ten;
- `chart`: `storage.scurve.read_s_curve` and `bot.charts.scurve.render_s_curve`, the PNG the
  digest uploads, read and drawn; cold (the first, with matplotlib's start) and warm;
- `home`: a manager's Home tab drawn (`bot.services.home.home_blocks`: the health and the
  rest), and the look for Home tabs to publish again (`storage.home.stale_homes`, run every
  2 s) with every crew member's tab open, when nothing changed and when everything did.

Targets (issue 13): the health under 100 ms, the chart under 1 s, the look for stale Home tabs
under 50 ms (a fortieth of its interval). Exit status 0 when the warm figures meet them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.charts.scurve import render_s_curve
from bot.services.home import home_blocks
from rules.calendar import Calendar
from rules.health import project_health
from rules.vocabulary import Role, Severity, TaskStatus, UpdateKind, UpdateSource
from storage.db import make_engine, make_session_factory, session_scope
from storage.facts import task_facts, task_facts_query
from storage.health import read_health
from storage.home import stale_homes
from storage.migrate import upgrade
from storage.models import Alert, HomeTab, Member, Project, ProjectRole, Task, Update
from storage.scurve import read_s_curve

# Tuesday 1 December 2026, 10:00 in Ho Chi Minh City.
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
CALENDAR = Calendar(timezone="Asia/Ho_Chi_Minh", workdays="mon-sat", hours="07:00-17:00")
TARGET_MS = 100.0
CHART_TARGET_MS = 1000.0
STALE_TARGET_MS = 50.0
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PEOPLE = 40
STATUSES = [TaskStatus.IN_PROGRESS] * 5 + [
    TaskStatus.ASSIGNED,
    TaskStatus.ACKNOWLEDGED,
    TaskStatus.BLOCKED,
    TaskStatus.PLANNED,
    TaskStatus.DONE,
]


def build(path: Path, tasks: int, updates_per_task: int, seed: int = 7) -> int:
    """Create the database at `path`; return the project's id."""
    rng = random.Random(seed)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        project = Project(
            key="TWR",
            name="Tower A",
            timezone="Asia/Ho_Chi_Minh",
            next_task_number=tasks + 1,
            created_at=NOW - timedelta(days=90),
            last_report_at=NOW - timedelta(minutes=20),
        )
        session.add(project)
        session.flush()
        people = [Member(slack_user_id=f"U0CREW{n:03d}", name=f"crew{n}") for n in range(PEOPLE)]
        session.add_all(people)
        session.flush()
        session.add_all(
            ProjectRole(project_id=project.id, member_id=m.id, role=Role.CREW) for m in people
        )
        manager = Member(slack_user_id="U0MANAGER", name="manager", timezone="Asia/Ho_Chi_Minh")
        session.add(manager)
        session.flush()
        session.add(ProjectRole(project_id=project.id, member_id=manager.id, role=Role.MANAGER))
        session.add_all(
            HomeTab(member_id=m.id, opened_at=NOW, shown_at=NOW, drawn_at=NOW)
            for m in [*people, manager]
        )
        first = date(2026, 10, 5)
        rows = []
        for n in range(tasks):
            start = first + timedelta(days=rng.randrange(70))
            rows.append(
                {
                    "project_id": project.id,
                    "number": n + 1,
                    "title": f"Work package {n + 1}",
                    "status": STATUSES[n % len(STATUSES)],
                    "percent_complete": Decimal(rng.randrange(101)),
                    "planned_start": start,
                    "planned_finish": start + timedelta(days=rng.randrange(3, 30)),
                    "budget": Decimal(rng.randrange(1, 200) * 100),
                    "actual_cost": Decimal(rng.randrange(0, 150) * 100),
                    "assignee_id": people[n % PEOPLE].id,
                    "blocked_since": NOW - timedelta(hours=5) if n % 10 == 7 else None,
                    "created_at": NOW - timedelta(days=80),
                    "updated_at": NOW,
                }
            )
        session.execute(sa.insert(Task), rows)
        ids = list(session.scalars(sa.select(Task.id).order_by(Task.id)))
        updates = [
            {
                "project_id": project.id,
                "task_id": task_id,
                "member_id": people[i % PEOPLE].id,
                "occurred_at": NOW - timedelta(minutes=rng.randrange(60 * 24 * 60)),
                "recorded_at": NOW,
                "source": UpdateSource.COMMAND,
                "kind": UpdateKind.PROGRESS,
                "percent": Decimal(rng.randrange(101)),
                "idempotency_key": f"bench:{i}:{k}",
            }
            for i, task_id in enumerate(ids)
            for k in range(updates_per_task)
        ]
        for begin in range(0, len(updates), 20_000):
            session.execute(sa.insert(Update), updates[begin : begin + 20_000])
        session.execute(
            sa.insert(Alert),
            [
                {
                    "rule_id": "stalled",
                    "severity": Severity.WARNING,
                    "project_id": project.id,
                    "task_id": task_id,
                    "opened_at": NOW - timedelta(hours=rng.randrange(1, 48)),
                    "open_key": Alert.open_key_for("stalled", project.id, task_id),
                }
                for task_id in ids[::20]
            ],
        )
        project_id = project.id
    engine.dispose()
    return project_id


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.health", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--updates-per-task", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="build the database in DIR and keep it")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="siteloop-bench-health-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "health.db"
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    project_id = build(path, args.tasks, args.updates_per_task)
    print(
        f"one project of {args.tasks:,} tasks and {args.tasks * args.updates_per_task:,} "
        f"updates: built in {time.perf_counter() - started:.1f} s"
    )
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_session_factory(engine)

    def read():
        with session_scope(sessions, read_only=True) as session:
            return read_health(session, session.get_one(Project, project_id), CALENDAR, NOW)

    cold = timed(read)
    warm = statistics.median(timed(read) for _ in range(10))
    health = read().health
    with session_scope(sessions, read_only=True) as session:
        rows = session.execute(task_facts_query().where(Task.project_id == project_id)).all()
        facts = [task_facts(row, "TWR") for row in rows]
    compute = statistics.median(
        timed(lambda: project_health(facts, CALENDAR, NOW)) for _ in range(10)
    )

    def chart() -> bytes:
        with session_scope(sessions, read_only=True) as session:
            curve = read_s_curve(session, session.get_one(Project, project_id), CALENDAR, NOW)
        return render_s_curve(curve, "Tower A (TWR)", "USD", ZONE)

    chart_cold = timed(chart)
    chart_warm = statistics.median(timed(chart) for _ in range(5))
    png = chart()

    def tab() -> int:
        with session_scope(sessions, read_only=True) as session:
            return len(home_blocks(session, "U0MANAGER", NOW, None))

    def stale() -> int:
        with session_scope(sessions, read_only=True) as session:
            return len(stale_homes(session, NOW + timedelta(seconds=2)))

    tab_warm = statistics.median(timed(tab) for _ in range(5))
    blocks = tab()
    calm = statistics.median(timed(stale) for _ in range(10))
    with session_scope(sessions) as session:  # a report on one task: every tab shows it
        session.execute(
            sa.update(Task)
            .where(Task.id == ids_of(session, project_id)[0])
            .values(updated_at=NOW + timedelta(seconds=1))
        )
    busy = statistics.median(timed(stale) for _ in range(10))
    found = stale()
    engine.dispose()
    print(f"  read, cold      {cold:7.1f} ms   (queries and computation, a fresh engine)")
    print(f"  read, warm      {warm:7.1f} ms   (median of 10)")
    print(f"  compute alone   {compute:7.1f} ms   (rules.health.project_health, median of 10)")
    print(
        f"  it found {health.open_tasks} open tasks, {len(health.late)} late, "
        f"{len(health.blocked)} blocked; EV {health.earned_value:,}, PV {health.planned_value:,}"
    )
    print(f"  chart, cold     {chart_cold:7.1f} ms   (read and drawn, matplotlib's first figure)")
    print(f"  chart, warm     {chart_warm:7.1f} ms   (median of 5; a {len(png):,}-byte PNG)")
    print(f"  home tab, warm  {tab_warm:7.1f} ms   (a manager's: {blocks} blocks, median of 5)")
    print(f"  stale homes     {calm:7.1f} ms   ({PEOPLE + 1} tabs open, nothing changed)")
    print(f"  stale homes     {busy:7.1f} ms   (after a report: {found} tabs to publish)")
    met = warm < TARGET_MS
    print(f"{'PASS' if met else 'FAIL'}  health under {TARGET_MS:g} ms (warm read {warm:.1f} ms)")
    drawn = chart_warm < CHART_TARGET_MS
    print(
        f"{'PASS' if drawn else 'FAIL'}  chart under {CHART_TARGET_MS:g} ms "
        f"(warm {chart_warm:.1f} ms)"
    )
    swept = max(calm, busy) < STALE_TARGET_MS
    print(
        f"{'PASS' if swept else 'FAIL'}  stale Home tabs found under {STALE_TARGET_MS:g} ms "
        f"(slowest {max(calm, busy):.1f} ms)"
    )
    return 0 if met and drawn and swept else 1


def ids_of(session, project_id: int) -> list[int]:
    return list(session.scalars(sa.select(Task.id).where(Task.project_id == project_id)))


if __name__ == "__main__":
    sys.exit(main())
