"""`view_submission` of a card's modals (Update…, Blocked…): record, or show what to fix.

The answer is the acknowledgement itself: nothing (the modal closes) once recorded, or
Slack's `{"response_action": "errors", "errors": {block_id: message}}`, which keeps the modal
open with each message under its input. A failure on siteloop's side is said the same way,
so the person knows nothing was recorded and can submit again.
"""

import logging

from bot.blocks import task_modals
from bot.logs import fields
from bot.runtime import Runtime
from bot.services import task_actions
from bot.services.task_actions import Submission
from bot.slack.directory import enroll, meet
from storage.db import session_scope

log = logging.getLogger("views")

FAILURE = "Something went wrong on siteloop's side and nothing was recorded. Please try again."


def handle(*, ack, body, client, runtime: Runtime, **_) -> None:
    """Record a submitted task modal, or keep it open with its errors."""
    submission = submission_of(body)
    now = runtime.clock.now()
    meet(runtime.sessions, client, [submission.user], now)
    try:
        with session_scope(runtime.sessions) as session:
            actor = enroll(session, submission.user, now)
            errors = task_actions.submit(session, actor, submission, now)
    except Exception:
        log.exception("modal submission failed", extra=fields(user=submission.user))
        first = next(iter(submission.values), task_modals.NOTE)
        errors = {first: FAILURE}
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()


def submission_of(body: dict) -> Submission:
    """Return the submission a `view_submission` payload describes: the text of each input."""
    view = body.get("view") or {}
    state = (view.get("state") or {}).get("values") or {}
    values = {
        block_id: str((inputs.get(task_modals.INPUT) or {}).get("value") or "")
        for block_id, inputs in state.items()
        if isinstance(inputs, dict)
    }
    return Submission(
        user=(body.get("user") or {}).get("id", ""),
        callback_id=str(view.get("callback_id", "")),
        view_id=str(view.get("id", "")),
        private_metadata=str(view.get("private_metadata") or ""),
        values=values,
    )
