"""Several processes on one database: exactly one evaluates at a time, nothing is decided twice."""

import re
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from storage.tick import TICK_LOCK_KEY, TickResult
from tests.cli import environment
from tests.decisions.conftest import Site, rulebook, saigon

SATURDAY_13 = saigon(2026, 12, 5, 13)
MONDAY_11 = saigon(2026, 12, 7, 11)


def test_two_ticks_at_once_open_each_alert_once_and_queue_each_message_once(site: Site):
    for number in range(40):
        site.add_task(f"Task {number}", now=SATURDAY_13)
    start = threading.Barrier(2)
    results: list[TickResult] = []

    def run() -> None:
        start.wait()
        results.append(site.tick(MONDAY_11))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert len(results) == 2
    assert sum(result.opened for result in results) == 40
    assert sum(result.messages_queued for result in results) == 40
    assert len(site.alerts()) == 40
    assert len({m.dedupe_key for m in site.messages()}) == len(site.messages()) == 40


def test_a_tick_steps_aside_while_another_process_holds_the_lock(site: Site, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; SQLite serialises writers itself")
    site.add_task(now=SATURDAY_13)

    with engine.connect() as other_process:
        other_process.scalar(sa.select(sa.func.pg_advisory_lock(TICK_LOCK_KEY)))
        skipped = site.tick(MONDAY_11)
        other_process.scalar(sa.select(sa.func.pg_advisory_unlock(TICK_LOCK_KEY)))
    ran = site.tick(MONDAY_11)

    assert not skipped.ran
    assert skipped.summary() == "tick: skipped, another process is evaluating the rules"
    assert (ran.ran, ran.opened) == (True, 1)


def test_two_tick_processes_at_once_decide_each_alert_once(session_factory, database_url, tmp_path):
    month_ago = datetime.now(UTC) - timedelta(days=30)
    site = Site(session_factory, rulebook(), since=month_ago)
    for number in range(40):
        site.add_task(f"Task {number}", now=month_ago)
    rules = tmp_path / "rules.yml"
    rules.write_text(
        "calendar: {timezone: UTC}\nrules:\n  - id: stalled\n    when: {no_update_for: 8h}\n"
    )
    env = environment(tmp_path, DATABASE_URL=database_url, SITELOOP_RULES=str(rules))
    command = [sys.executable, "-m", "bot", "tick"]

    processes = [
        subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]

    assert [process.returncode for process in processes] == [0, 0]
    opened = [
        int(re.search(r"alerts (\d+) opened", out).group(1)) for out in outputs if "alerts" in out
    ]
    assert sum(opened) == 40, outputs
    assert len(site.alerts()) == 40
    keys = [m.dedupe_key for m in site.messages()]
    digests = [key for key in keys if key.startswith("digest:")]
    assert len(set(keys)) == len(keys) == 40 + len(digests)
    assert len(digests) == 1  # the last working day's digest, queued by one of the two
