"""The roles a siteloop process plays, as what each one runs.

- `ALL`: everything in one process. The tests and the demo run one in-process on a free port
  with an injected clock.
- `FRONT`: `siteloop serve`'s process. It answers Slack (HTTP or Socket Mode), storing events
  and commands in the inbox, and starts and watches a worker process (`bot.process.worker`).
- `WORKER`: that worker process. It claims what the front stored and runs the listeners, the
  scheduler and the outbox's delivery.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.delivery.dispatcher import IDLE_SECONDS
from bot.slack.inbox import SWEEP_SECONDS, WORKER_POLL_SECONDS

# How often a worker process looks for messages to send that its front queued (a button's card
# update, say): the front can't ring the worker's doorbell.
WORKER_OUTBOX_IDLE_SECONDS = 0.25


@dataclass(frozen=True)
class ProcessRole:
    """What a process of one role runs."""

    name: str
    migrates: bool  # upgrades the database at start (a worker's front did it already)
    answers_slack: bool  # takes Slack's requests over HTTP or Socket Mode
    works: bool  # processes the inbox, runs the scheduler and delivers the outbox
    has_worker: bool  # starts and watches a worker process that does the work
    processes_what_it_accepts: bool  # a request it stores is processed in this process
    inbox_sweep_seconds: float
    outbox_idle_seconds: float = IDLE_SECONDS  # the dispatcher's longest sleep

    def __str__(self) -> str:
        return self.name


ALL = ProcessRole(
    "all",
    migrates=True,
    answers_slack=True,
    works=True,
    has_worker=False,
    processes_what_it_accepts=True,
    inbox_sweep_seconds=SWEEP_SECONDS,
)
FRONT = ProcessRole(
    "front",
    migrates=True,
    answers_slack=True,
    works=False,
    has_worker=True,
    processes_what_it_accepts=False,
    inbox_sweep_seconds=SWEEP_SECONDS,
)
WORKER = ProcessRole(
    "worker",
    migrates=False,
    answers_slack=False,
    works=True,
    has_worker=False,
    processes_what_it_accepts=False,
    inbox_sweep_seconds=WORKER_POLL_SECONDS,
    outbox_idle_seconds=WORKER_OUTBOX_IDLE_SECONDS,
)
