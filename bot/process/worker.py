"""`siteloop serve` in two processes: a front that answers Slack, a worker that does the work.

Slack measures a bot by how fast it answers, and Python runs one thread at a time per process:
a front that also recorded reports, ran the rules and delivered messages would keep each
answer waiting behind that work. So the front only checks, stores and answers (`bot.slack.inbox`),
and a worker process, started and watched by the front, claims what was stored and runs the
listeners, the scheduler and the outbox's delivery, on the machine's other cores.

The worker runs at the lowest CPU priority (Linux's SCHED_IDLE, else `nice` 19): it gets the
cores the front leaves idle, so Slack's answers never wait behind the work. A machine busy with
other programs slows the work down (`events_waiting` in `/healthz` shows it), never the answers.

The worker stops with the front. If it dies, the front starts a new one (`/healthz` says
"stopped" meanwhile); nothing is lost, since what the front stored waits in the inbox.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings
from bot.logs import fields

log = logging.getLogger("worker")

# entry(settings, front_pid, last_beat, ready): the worker process's main function.
WorkerEntry = Callable[[Settings, int, Any, Any], None]

# How long the front waits before starting a worker again after one died.
RESTART_SECONDS = 1.0
# The worker's `nice` increment where SCHED_IDLE is missing: answering Slack comes first.
WORKER_NICENESS = 19


class WorkerProcess:
    """The worker process of a front: started, restarted if it dies, stopped with the front."""

    def __init__(self, settings: Settings, *, entry: WorkerEntry) -> None:
        """`entry` is the worker process's main function, called in a fresh interpreter as
        `entry(settings, front_pid, last_beat, ready)` (see `bot.process.service.run_worker`)."""
        self.settings = settings
        self._entry = entry
        # A fresh interpreter: the worker shares no threads, locks or connections with the front.
        self._context = multiprocessing.get_context("spawn")
        self._process: multiprocessing.process.BaseProcess | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        # When the worker's scheduler last ran (a POSIX timestamp; 0: not yet), for `/healthz`.
        self._last_beat = self._context.Value("d", 0.0, lock=False)
        # Set by the worker once it has taken its first batch of requests (see `ready`).
        self._ready = self._context.Value("b", 0, lock=False)

    @property
    def last_beat(self) -> datetime | None:
        """Return when the worker's scheduler last ran, or None if it has not yet."""
        stamp = self._last_beat.value
        return datetime.fromtimestamp(stamp, UTC) if stamp else None

    @property
    def running(self) -> bool:
        """Return whether the worker process is alive."""
        return self._process is not None and self._process.is_alive()

    @property
    def ready(self) -> bool:
        """Return whether the worker is alive and has taken its first batch of requests: until
        then, what the front stores waits for a process still starting (about a second)."""
        return self.running and bool(self._ready.value)

    def start(self) -> None:
        """Start the worker, and a thread that starts it again whenever it dies."""
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="worker-watch", daemon=True)
        self._watcher.start()

    def stop(self, grace_seconds: float = 10.0) -> None:
        """Ask the worker to finish what it holds and stop (SIGTERM); kill it after the grace."""
        self._stopping.set()
        process = self._process
        if process is None or not process.is_alive():
            return
        process.terminate()
        process.join(grace_seconds + 5)
        if process.is_alive():
            log.error("worker did not stop in time; killing it")
            process.kill()
            process.join(5)
        if self._watcher is not None:
            self._watcher.join(5)

    def _spawn(self) -> None:
        self._ready.value = 0
        self._process = self._context.Process(
            target=self._entry,
            args=(self.settings, os.getpid(), self._last_beat, self._ready),
            name="siteloop-worker",
        )
        self._process.start()
        log.info("worker started", extra=fields(pid=self._process.pid))

    def _watch(self) -> None:
        while not self._stopping.is_set():
            assert self._process is not None
            self._process.join(0.5)
            if self._process.is_alive() or self._stopping.is_set():
                continue
            log.error("worker stopped", extra=fields(exit_code=self._process.exitcode))
            if not self._stopping.wait(RESTART_SECONDS):
                self._spawn()


def lowest_priority() -> None:
    """Run this process only on CPU time nothing else wants."""
    if hasattr(os, "SCHED_IDLE"):  # Linux
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    else:
        os.nice(WORKER_NICENESS)
