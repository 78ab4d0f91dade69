"""Rule tick benchmark: one tick over 100,000 open tasks and 2,000,000 updates, and at 10,000.

    .venv/bin/python -m bench.tick [--tasks N] [--updates-per-task U] [--due PCT] [--keep DIR]

For N tasks (default 100,000) and N/10, it builds a SQLite database in bulk (N open tasks in
10 projects with crews, leads and managers; N×U updates, 20 per task by default; tasks' cached
state equal to their latest update; 2% of tasks with an open alert), then times ticks with the
shipped default rules:

- steady: the shape a running siteloop keeps, where every task's `next_check_at` was stored
  by an earlier tick. They are spread over the next 8 hours, so a tick every minute finds
  about 0.2% of the tasks due. `cold` is the first tick in a fresh engine and rulebook (empty
  connection pool, empty calendar caches: a process that just started); `warm` is the next
  tick, a minute later, in the same process.
- busy: PCT% (default 10%) of the tasks made due at once (as after a mass import or a long
  outage), timed cold and warm likewise.

It prints each tick's time, how many tasks it evaluated and what it decided, the time of the
candidate query alone, the ratio of the times at N and N/10 (target: at most 10 for 10× the
tasks), the process's peak RSS and the Python heap peak of one busy tick (tracemalloc).
Targets from DESIGN.md: a tick under 1 s at 100k tasks on SQLite; 10× tasks ≤ 10× time;
under 300 MB.

The bulk load uses the sqlite3 driver directly (executemany, one transaction,
synchronous=OFF): those PRAGMAs are for building the bench database only; the ticks run on an
engine configured as siteloop configures it (`storage.db.make_engine`).
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.notify.tick import run_tick
from rules.rulebook import load_default_rulebook
from storage.db import make_engine, make_session_factory, session_scope
from storage.migrate import upgrade
from storage.tick import TickResult, due_task_ids

# Tuesday 1 December 2026, 10:00 in Ho Chi Minh City: working time on the default calendar.
T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
PROJECTS = 10
CREWS_PER_PROJECT = 10
WORKERS = 300
CHUNK = 50_000
SPREAD = timedelta(hours=8)  # steady state: next checks spread over the next 8 hours
STATUSES = ["in_progress"] * 6 + ["acknowledged", "assigned", "blocked", "planned"]


def _ts(instant: datetime) -> str:
    """Return `instant` as SQLAlchemy stores a UTC instant in SQLite (naive, microseconds)."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@dataclass
class Built:
    path: Path
    tasks: int
    updates: int
    seconds: float


def build(path: Path, tasks: int, updates_per_task: int, seed: int = 42) -> Built:
    """Create a siteloop database at `path` holding `tasks` open tasks and their updates."""
    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    rng = random.Random(seed)
    raw = sa.create_engine(f"sqlite:///{path}").raw_connection()
    try:
        cursor = raw.cursor()
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-100000",
            "temp_store=MEMORY",
            "foreign_keys=OFF",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        _people_and_projects(cursor)
        _tasks(cursor, rng, tasks)
        _updates(cursor, rng, tasks, updates_per_task)
        _alerts(cursor, rng, tasks)
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return Built(path, tasks, tasks * updates_per_task, time.perf_counter() - started)


def _people_and_projects(cursor) -> None:
    created = _ts(T0 - timedelta(days=90))
    members = [(i + 1, f"U{i + 1:08d}", f"person {i + 1}") for i in range(WORKERS + 150)]
    cursor.executemany("INSERT INTO members (id, slack_user_id, name) VALUES (?, ?, ?)", members)
    projects = [
        (p + 1, "P" + chr(ord("A") + p), f"Project {p + 1}", "Asia/Ho_Chi_Minh", created)
        for p in range(PROJECTS)
    ]
    cursor.executemany(
        "INSERT INTO projects (id, key, name, timezone, currency, next_task_number, created_at,"
        " last_report_at) VALUES (?, ?, ?, ?, 'USD', 1, ?, NULL)",
        projects,
    )
    cursor.executemany(
        "INSERT INTO channels (slack_channel_id, project_id, name, linked_at) VALUES (?, ?, ?, ?)",
        [(f"C{p:08d}", p, f"site-{p}", created) for p in range(1, PROJECTS + 1)],
    )
    managers = [(p, WORKERS + 100 + p, "manager") for p in range(1, PROJECTS + 1)]
    cursor.executemany(
        "INSERT INTO project_roles (project_id, member_id, role) VALUES (?, ?, ?)", managers
    )
    crews = [
        (
            (p - 1) * CREWS_PER_PROJECT + c + 1,
            p,
            f"crew {c}",
            WORKERS + (p - 1) * CREWS_PER_PROJECT + c + 1,
        )
        for p in range(1, PROJECTS + 1)
        for c in range(CREWS_PER_PROJECT)
    ]
    cursor.executemany(
        "INSERT INTO crews (id, project_id, name, lead_id) VALUES (?, ?, ?, ?)", crews
    )


def _last_update(task_id: int, rng: random.Random) -> datetime:
    return T0 - timedelta(minutes=rng.randrange(0, 3 * 24 * 60)) - timedelta(seconds=task_id % 60)


def _tasks(cursor, rng: random.Random, count: int) -> None:
    numbers = [0] * (PROJECTS + 1)
    rows = []
    for task_id in range(1, count + 1):
        project = task_id % PROJECTS + 1
        numbers[project] += 1
        status = STATUSES[task_id % len(STATUSES)]
        percent = rng.randrange(0, 21) * 5
        start = T0.date() - timedelta(days=rng.randrange(0, 25))
        finish = start + timedelta(days=rng.randrange(1, 40))
        budget = rng.randrange(10, 100) * 1000
        cost = round(budget * percent / 100 * rng.uniform(0.8, 1.25), 2)
        last = _last_update(task_id, random.Random(task_id))
        crew = (project - 1) * CREWS_PER_PROJECT + task_id % CREWS_PER_PROJECT + 1
        due = T0 - timedelta(seconds=60) + SPREAD * rng.random()
        rows.append(
            (
                task_id,
                project,
                numbers[project],
                f"Task {task_id}",
                crew,
                task_id % WORKERS + 1,
                status,
                percent,
                start.isoformat(),
                finish.isoformat(),
                budget,
                cost,
                _ts(last),
                _ts(T0 - timedelta(days=40)),
                None if status == "assigned" else _ts(T0 - timedelta(days=39)),
                _ts(last) if status == "blocked" else None,
                f"C{project:08d}",
                f"1700000000.{task_id:06d}",
                _ts(T0 - timedelta(days=41)),
                _ts(last),
                _ts(due),
            )
        )
        if len(rows) == CHUNK or task_id == count:
            cursor.executemany(
                "INSERT INTO tasks (id, project_id, number, title, crew_id, assignee_id, status,"
                " percent_complete, planned_start, planned_finish, budget, actual_cost,"
                " last_update_at, assigned_at, acknowledged_at, blocked_since, thread_channel,"
                " thread_ts, created_at, updated_at, next_check_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            rows = []
    cursor.executemany(
        "UPDATE projects SET next_task_number = ?, last_report_at = ? WHERE id = ?",
        [(numbers[p] + 1, _ts(T0 - timedelta(minutes=5)), p) for p in range(1, PROJECTS + 1)],
    )


def _update_rows(rng: random.Random, tasks: int, per_task: int) -> Iterator[tuple]:
    update_id = 0
    for task_id in range(1, tasks + 1):
        project = task_id % PROJECTS + 1
        last = _last_update(task_id, random.Random(task_id))
        for k in range(per_task):
            update_id += 1
            when = last - timedelta(hours=(per_task - 1 - k) * rng.uniform(3, 30))
            stamp = _ts(when)
            yield (
                update_id,
                project,
                task_id,
                task_id % WORKERS + 1,
                stamp,
                stamp,
                "command",
                "progress",
                min(100, k * 5),
                f"{min(100, k * 5)}% done",
                f"bench-{task_id:09d}-{k:04d}",  # in insertion order: appends to the index
            )


def _updates(cursor, rng: random.Random, tasks: int, per_task: int) -> None:
    """Insert the updates with their secondary indexes dropped, then build those once."""
    indexes = cursor.execute(
        "SELECT name, sql FROM sqlite_master"
        " WHERE type = 'index' AND tbl_name = 'updates' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in indexes:
        cursor.execute(f"DROP INDEX {name}")
    rows = _update_rows(rng, tasks, per_task)
    statement = (
        "INSERT INTO updates (id, project_id, task_id, member_id, occurred_at, recorded_at,"
        " source, kind, percent, raw_text, idempotency_key, revision)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
    )
    while True:
        chunk = [row for _, row in zip(range(CHUNK), rows, strict=False)]
        if not chunk:
            break
        cursor.executemany(statement, chunk)
    for _name, sql in indexes:
        cursor.execute(sql)


def _alerts(cursor, rng: random.Random, tasks: int) -> None:
    """Open a `stalled` alert on 2% of the in-progress tasks, its next step within 8 hours."""
    rows = []
    for task_id in range(1, tasks + 1, 50):
        if STATUSES[task_id % len(STATUSES)] != "in_progress":
            continue
        project = task_id % PROJECTS + 1
        opened = _ts(T0 - timedelta(hours=rng.randrange(1, 48)))
        step = _ts(T0 - timedelta(seconds=60) + SPREAD * rng.random())
        key = f"stalled:{project}:{task_id}"
        rows.append((project, task_id, opened, step, opened, key))
    cursor.executemany(
        "INSERT INTO alerts (rule_id, project_id, task_id, severity, opened_at, level,"
        " next_step_at, last_notified_at, open_key)"
        " VALUES ('stalled', ?, ?, 'warning', ?, 0, ?, ?, ?)",
        rows,
    )


# --- timing -------------------------------------------------------------------------------------


@dataclass
class Timed:
    label: str
    seconds: float
    candidates_seconds: float
    result: TickResult


def timed_tick(label: str, engine: sa.Engine, rulebook, now: datetime) -> Timed:
    """Time one tick at `now`, then (not counted in it) the candidate query alone."""
    sessions = make_session_factory(engine)
    gc.collect()
    started = time.perf_counter()
    result = run_tick(sessions, rulebook, now)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    with session_scope(sessions, read_only=True) as session:
        due_task_ids(session, now - timedelta(seconds=1))
    return Timed(label, seconds, time.perf_counter() - started, result)


def make_due(engine: sa.Engine, percent: float, now: datetime) -> int:
    """Make `percent`% of the tasks due at `now` (as a writer marking them would); return how
    many."""
    step = max(1, round(100 / percent))
    with engine.begin() as connection:
        changed = connection.execute(
            sa.text("UPDATE tasks SET next_check_at = :due WHERE id % :step = 0"),
            {"due": _ts(now - timedelta(seconds=1)), "step": step},
        ).rowcount
    return changed


def run(built: Built, busy_percent: float) -> dict[str, Timed]:
    """Time the steady and busy ticks on a built database."""
    url = f"sqlite:///{built.path}"
    times: dict[str, Timed] = {}
    engine = make_engine(url)
    times["steady cold"] = timed_tick("steady cold", engine, load_default_rulebook(), T0)
    rulebook = load_default_rulebook()
    times["steady warm"] = timed_tick("steady warm", engine, rulebook, T0 + timedelta(minutes=1))
    engine.dispose()
    busy_at = T0 + timedelta(minutes=2)
    make_due(engine, busy_percent, busy_at)
    engine = make_engine(url)
    times["busy cold"] = timed_tick("busy cold", engine, load_default_rulebook(), busy_at)
    busy_at += timedelta(minutes=1)
    make_due(engine, busy_percent, busy_at)
    times["busy warm"] = timed_tick("busy warm", engine, rulebook, busy_at)
    engine.dispose()
    return times


def build_apart(path: Path, tasks: int, updates_per_task: int) -> Built:
    """Build in a child process, so that the peak RSS measured here is the ticks' alone."""
    from bench.tick import build as build_it  # by module name, for the spawned child

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(build_it, path, tasks, updates_per_task).result()


def heap_peak(built: Built, busy_percent: float) -> float:
    """Return the Python heap peak (MB) of one busy tick, under tracemalloc (not timed)."""
    engine = make_engine(f"sqlite:///{built.path}")
    at = T0 + timedelta(minutes=10)
    make_due(engine, busy_percent, at)
    rulebook = load_default_rulebook()
    gc.collect()
    tracemalloc.start()
    run_tick(make_session_factory(engine), rulebook, at)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    engine.dispose()
    return peak / 1e6


def describe(timed: Timed) -> str:
    r = timed.result
    return (
        f"  {timed.label:<12} {timed.seconds * 1000:9.1f} ms   "
        f"{r.tasks_evaluated:>6} tasks evaluated   candidates query "
        f"{timed.candidates_seconds * 1000:6.1f} ms   opened {r.opened}, escalated "
        f"{r.escalated}, repeated {r.repeated}, resolved {r.resolved}, "
        f"{r.messages_queued} messages" + (f", {len(r.failed)} FAILED" if r.failed else "")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.tick", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--tasks", type=int, default=100_000, help="open tasks (also runs N/10)")
    parser.add_argument("--updates-per-task", type=int, default=20)
    parser.add_argument("--due", type=float, default=10.0, help="percent of tasks due in busy")
    parser.add_argument("--keep", type=Path, help="build the databases in DIR and keep them")
    args = parser.parse_args(argv)

    directory = args.keep or Path(tempfile.mkdtemp(prefix="siteloop-bench-tick-"))
    directory.mkdir(parents=True, exist_ok=True)
    sizes = [args.tasks // 10, args.tasks]
    print(f"siteloop tick benchmark, SQLite, Python {sys.version.split()[0]}")
    results: dict[int, dict[str, Timed]] = {}
    largest: Built | None = None
    try:
        for tasks in sizes:
            path = directory / f"tick-{tasks}.db"
            path.unlink(missing_ok=True)
            built = build_apart(path, tasks, args.updates_per_task)
            size_mb = path.stat().st_size / 1e6
            print(
                f"\n{tasks:,} open tasks, {built.updates:,} updates: built in "
                f"{built.seconds:.1f} s ({size_mb:,.0f} MB)"
            )
            results[tasks] = run(built, args.due)
            for timed in results[tasks].values():
                print(describe(timed))
            largest = built
        assert largest is not None
        heap = heap_peak(largest, args.due)
        small, big = results[sizes[0]], results[sizes[1]]
        print(f"\nscaling, {sizes[1]:,} vs {sizes[0]:,} tasks (target: at most 10×):")
        for label in big:
            ratio = big[label].seconds / small[label].seconds
            print(f"  {label:<12} {ratio:5.1f}×")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        builder = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"\npeak RSS of the process that ran the ticks: {rss:.0f} MB (target < 300 MB)")
        print(f"peak RSS of the bulk build (a child process): {builder:.0f} MB")
        print(f"Python heap peak during a busy tick at {sizes[1]:,} tasks: {heap:.0f} MB")
        worst_steady = max(big["steady cold"].seconds, big["steady warm"].seconds)
        verdict = "met" if worst_steady < 1 else "missed"
        print(f"steady tick at {sizes[1]:,} tasks under 1 s: {verdict} ({worst_steady:.3f} s)")
        failed = sum(len(t.result.failed) for r in results.values() for t in r.values())
        if failed:
            print(f"{failed} tasks failed during the ticks: the figures above are not valid")
            return 1
    finally:
        if args.keep is None:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
