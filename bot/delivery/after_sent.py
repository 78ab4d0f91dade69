"""What else to record once Slack has a message of some kind (after-sent hooks, by outbox kind).

A producer that needs to know where its message landed registers a hook for its outbox kind:

    after_sent.register("task_card", card_delivered)

The dispatcher runs the hook in the transaction that marks the message sent, inside a
savepoint: if the hook fails, only its own writes are undone and the failure is logged, so
recording the delivery never depends on it (and the message is never sent twice because of it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.logs import fields

log = logging.getLogger("delivery")

# hook(session, job, channel, ts, now); `job` is the delivered `bot.delivery.render.Job`.
AfterSent = Callable[[Session, Any, str, str, datetime], None]
_HOOKS: dict[str, AfterSent] = {}


def register(kind: str, hook: AfterSent) -> None:
    """Run `hook` whenever a message of outbox `kind` has been delivered."""
    _HOOKS[kind] = hook


def run_after_sent(session: Session, job: Any, channel: str, ts: str, now: datetime) -> None:
    """Run the hook registered for the job's kind, if any, never raising."""
    hook = _HOOKS.get(job.kind)
    if hook is None:
        return
    try:
        with session.begin_nested():
            hook(session, job, channel, ts, now)
    except Exception:
        log.exception("after-sent hook failed", extra=fields(outbox=job.id, kind=job.kind))
