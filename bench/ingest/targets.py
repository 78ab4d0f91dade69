"""The servers measured, each a subprocess (so none shares the GIL with the load), and what
siteloop's database holds once the load is done."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.ingest.load import BOT_TOKEN, PROJECT, SIGNING_SECRET

REPO = Path(__file__).resolve().parents[2]


def child_env(**values: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), "LANG": "C.UTF-8"}
    return env | values


class Child:
    """A subprocess whose output goes to a log file, stopped with SIGTERM."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], cwd: Path, logs: Path):
        self.name = name
        self.log_path = logs / f"{name}.log"
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 30) -> dict:
        """Return the first JSON line of the log for which `predicate(line)` holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log_path.read_text().splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and predicate(entry):
                    return entry
            if self.popen.poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit(f"bench: {self.name} did not start; its log:\n{self.log_path.read_text()}")

    def tell(self, line: str) -> None:
        """Write one line to the child's standard input."""
        assert self.popen.stdin is not None
        self.popen.stdin.write(f"{line}\n".encode())
        self.popen.stdin.flush()

    def cpu_seconds(self, children: bool = True) -> float:
        """Return the CPU time (user + system) the process and, unless told not to, its
        children (siteloop's worker process) have used so far."""
        pids = [self.popen.pid, *(_children(self.popen.pid) if children else [])]
        return sum(_cpu_seconds(pid) for pid in pids)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._log.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # it has ended
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_emulator(
    workdir: Path, requests: int, tasks: int, rate: float
) -> tuple[Child, str, list[str]]:
    """Start the Slack emulator (`bench.ingest.serve_emulator`); return it, its Web API URL and
    the response_urls of the setup command and of each /update of the load."""
    args = ["--requests", str(requests), "--tasks", str(tasks), "--rate", str(rate)]
    child = Child(
        "emulator",
        [sys.executable, "-m", "bench.ingest.serve_emulator", *args],
        child_env(HOME=str(workdir)),
        REPO,
        workdir,
    )
    started = child.wait_for(lambda e: "api_url" in e)
    return child, started["api_url"], started["answer_urls"]


def start_siteloop(workdir: Path, api_url: str, database_url: str) -> tuple[Child, int]:
    """Start `siteloop serve` against the emulator; return it and its port."""
    env = child_env(
        HOME=str(workdir),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
        SITELOOP_LOG_FORMAT="json",
    )
    # The working directory is the scratch folder, so no developer's .env is read.
    child = Child(
        "siteloop", [sys.executable, "-m", "bot", "serve", "--port", "0"], env, workdir, workdir
    )
    return child, int(child.wait_for(lambda e: e.get("message") == "listening")["port"])


def start_bare(workdir: Path, before_response: bool) -> tuple[Child, int]:
    """Start the bare Bolt app (`bench.ingest.serve_bare`); return it and its port."""
    name = "bare-pbr" if before_response else "bare"
    flags = ["--process-before-response"] if before_response else []
    child = Child(
        name,
        [sys.executable, "-m", "bench.ingest.serve_bare", *flags],
        child_env(HOME=str(workdir)),
        REPO,
        workdir,
    )
    return child, int(child.wait_for(lambda e: "port" in e and "bare" in e)["port"])


def wait_for_project(database: Path, timeout: float = 30.0) -> None:
    """Wait until `/siteloop setup` has been processed (it is answered as soon as it is stored)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        query = "SELECT count(*) FROM projects WHERE key = ?"
        with (
            contextlib.suppress(sqlite3.OperationalError),  # no database or tables yet
            contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db,
        ):
            if db.execute(query, (PROJECT,)).fetchone()[0]:
                return
        time.sleep(0.05)
    raise SystemExit(f"bench: /siteloop setup {PROJECT} was not recorded within {timeout:g} s")


def plan_tasks(database_url: str, count: int) -> None:
    """Put `count` tasks on TWR's plan, as a schedule import would."""
    from storage.db import make_engine, make_session_factory, session_scope
    from storage.projects import find_project
    from storage.tasks import create_task

    engine = make_engine(database_url)
    now = datetime.now(UTC)
    with session_scope(make_session_factory(engine)) as session:
        project = find_project(session, PROJECT)
        assert project is not None
        for n in range(count):
            create_task(session, project.id, f"Work package {n + 1}", now=now)
    engine.dispose()


def wait_for_inbox(database: Path, since: float, timeout: float = 120.0) -> float:
    """Wait until every accepted request is processed; return how long after `since` that was."""
    deadline = time.perf_counter() + timeout
    left = -1
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        while time.perf_counter() < deadline:
            (left,) = connection.execute(
                "SELECT count(*) FROM inbox WHERE done_at IS NULL"
            ).fetchone()
            if left == 0:
                return max(time.perf_counter() - since, 0.0)
            time.sleep(0.01)
    raise SystemExit(f"bench: {left} events still unprocessed {timeout:g} s after the load")


def count_updates(database: Path) -> dict[str, int]:
    """Return the updates stored, by source, with their total and distinct idempotency keys."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT source, count(*), count(DISTINCT idempotency_key) FROM updates GROUP BY source"
        ).fetchall()
        total = connection.execute(
            "SELECT count(*), count(DISTINCT idempotency_key) FROM updates"
        ).fetchone()
    counts = {source: n for source, n, _ in rows}
    counts["total"], counts["distinct_keys"] = total
    return counts
