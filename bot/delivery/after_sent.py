"""After-sent and after-failed steps: what else to record once a message of some kind has
reached Slack, or has been given up on.

The dispatcher is built with a step per outbox kind that needs to know where its message
landed, or that it never will (see `bot.process.delivery`). It runs the step in the
transaction that marks the message sent (or failed), inside a savepoint: if the step fails,
only its own writes are undone and the failure is logged, so recording the outcome never
depends on it (and the message is never sent twice because of it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.logs import fields

log = logging.getLogger("delivery")

# step(session, job, channel, ts, now); `job` is the delivered `bot.delivery.render.Job`.
AfterSent = Callable[[Session, Any, str, str, datetime], None]
# step(session, job, now); `job` is the `bot.delivery.render.Job` given up on.
AfterFailed = Callable[[Session, Any, datetime], None]


def run_after_sent(
    steps: Mapping[str, AfterSent], session: Session, job: Any, channel: str, ts: str, now: datetime
) -> None:
    """Run the after-sent step of the job's kind, if any, never raising."""
    step = steps.get(job.kind)
    if step is not None:
        _guarded(job, "after-sent", lambda: step(session, job, channel, ts, now), session)


def run_after_failed(
    steps: Mapping[str, AfterFailed], session: Session, job: Any, now: datetime
) -> None:
    """Run the after-failed step of the job's kind, if any, never raising."""
    step = steps.get(job.kind)
    if step is not None:
        _guarded(job, "after-failed", lambda: step(session, job, now), session)


def _guarded(job: Any, name: str, run: Callable[[], None], session: Session) -> None:
    try:
        with session.begin_nested():
            run()
    except Exception:
        log.exception(f"{name} step failed", extra=fields(outbox=job.id, kind=job.kind))
