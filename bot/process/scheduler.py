"""The in-process scheduler that drives periodic work (the rule tick, the Home tabs' refresh).

Durable state lives in siteloop's own tables, never in the scheduler: a restart loses nothing,
it only runs the next tick. Jobs coalesce (a backlog of missed runs becomes one run) and never
overlap themselves.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.clock import Clock

log = logging.getLogger("scheduler")


class Heartbeat:
    """Remembers when the scheduler last ran a job, so `/healthz` can tell it is alive.

    `shared`, when given, is a `multiprocessing.Value("d")` where each beat is also written as
    a POSIX timestamp: how a worker process tells its front (see `bot.process.worker`).
    """

    def __init__(self, clock: Clock, shared=None) -> None:
        self._clock = clock
        self.shared = shared
        self.last_beat: datetime | None = None

    def beat(self) -> None:
        """Record that the scheduler is running now."""
        self.last_beat = self._clock.now()
        if self.shared is not None:
            self.shared.value = self.last_beat.timestamp()


def start_scheduler(jobs: dict[str, tuple[float, Callable[[], object]]]) -> BackgroundScheduler:
    """Start a background scheduler running each of `jobs` ({name: (every seconds, job)})."""
    scheduler = BackgroundScheduler(
        job_defaults={"coalesce": True, "max_instances": 1}, timezone="UTC"
    )
    for name, (every, job) in jobs.items():
        # APScheduler keeps real time by design: the injected clock governs what jobs decide,
        # not when the process wakes up. The first run comes one interval after start.
        scheduler.add_job(
            job,
            "interval",
            seconds=every,
            id=name,
            name=name,
            next_run_time=datetime.now(UTC) + timedelta(seconds=every),
            misfire_grace_time=max(1, int(every)),
        )
    scheduler.start()
    every_s = ",".join(f"{name}:{every:g}" for name, (every, _) in jobs.items())
    log.info("scheduler started", extra={"siteloop_fields": {"jobs": every_s}})
    return scheduler
