"""Before-send steps: what to fill in just before a message of some kind is sent.

Some content is only known at delivery: what happened since the decision (the follow-ups
that went unanswered), or what takes a Web API call (a thread's permalink). The dispatcher is
built with a step per outbox kind that needs it (see `bot.process.delivery`).

The dispatcher runs the step after claiming the message and before sending it, with no
transaction open: the step reads what it needs in a short session of its own and may call the
Web API. It returns the payload to send (None: unchanged). If it fails, the message goes out
as it was queued and the failure is logged: a message is never held back by its decoration.
The payload sent is the one the after-sent steps see (`job.payload`), so they can keep it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.logs import fields

log = logging.getLogger("delivery")

# step(sessions, client, job) -> payload or None; `job` is the claimed `bot.delivery.render.Job`.
BeforeSend = Callable[[sessionmaker[Session], WebClient, Any], Mapping[str, Any] | None]


def run_before_send(
    steps: Mapping[str, BeforeSend], sessions: sessionmaker[Session], client: WebClient, job: Any
) -> Any:
    """Return the job to send: with the payload its kind's step gives, else unchanged."""
    step = steps.get(job.kind)
    if step is None:
        return job
    try:
        payload = step(sessions, client, job)
    except Exception:
        log.exception("before-send step failed", extra=fields(outbox=job.id, kind=job.kind))
        return job
    return job if payload is None else dataclasses.replace(job, payload=payload)
