"""The in-process scheduler that drives periodic work (the rule tick, outbox delivery).

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


def start_scheduler(
    interval_seconds: int, jobs: dict[str, Callable[[], object]]
) -> BackgroundScheduler:
    """Start a background scheduler running each of `jobs` every `interval_seconds`."""
    scheduler = BackgroundScheduler(
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": max(1, interval_seconds),
        },
        timezone="UTC",
    )
    first_run = datetime.now(UTC) + timedelta(seconds=interval_seconds)
    for name, job in jobs.items():
        # APScheduler keeps real time by design: the injected clock governs what jobs decide,
        # not when the process wakes up. The first run comes one interval after start.
        scheduler.add_job(
            job, "interval", seconds=interval_seconds, id=name, name=name, next_run_time=first_run
        )
    scheduler.start()
    log.info(
        "scheduler started",
        extra={"siteloop_fields": {"jobs": ",".join(jobs), "every_s": interval_seconds}},
    )
    return scheduler
