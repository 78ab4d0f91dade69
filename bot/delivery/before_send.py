"""What to fill in just before a message of some kind is sent (before-send hooks, by outbox kind).

Some content is only known at delivery: what happened since the decision (the follow-ups
that went unanswered), or what takes a Web API call (a thread's permalink). A producer that
needs it registers a hook for its outbox kind:

    before_send.register("escalation", add_history)

The dispatcher calls the hook after claiming the message and before sending it, with no
transaction open: the hook reads what it needs in a short session of its own and may call the
Web API. It returns the payload to send (None: unchanged). If it fails, the message goes out
as it was queued and the failure is logged: a message is never held back by its decoration.
The payload sent is the one the after-sent hooks see (`job.payload`), so they can keep it.
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

# hook(sessions, client, job) -> payload or None; `job` is the claimed `bot.delivery.render.Job`.
BeforeSend = Callable[[sessionmaker[Session], WebClient, Any], Mapping[str, Any] | None]
_HOOKS: dict[str, BeforeSend] = {}


def register(kind: str, hook: BeforeSend) -> None:
    """Run `hook` before every message of outbox `kind` is sent."""
    _HOOKS[kind] = hook


def run_before_send(sessions: sessionmaker[Session], client: WebClient, job: Any) -> Any:
    """Return the job to send: with the payload its kind's hook gives, else unchanged."""
    hook = _HOOKS.get(job.kind)
    if hook is None:
        return job
    try:
        payload = hook(sessions, client, job)
    except Exception:
        log.exception("before-send hook failed", extra=fields(outbox=job.id, kind=job.kind))
        return job
    return job if payload is None else dataclasses.replace(job, payload=payload)
