"""Running a slash command's work in one transaction and answering the person privately.

A `UserError` rolls the transaction back, so bad input changes nothing, and its message is the
answer. Any other failure is logged with the request's ids and the person is told plainly that
nothing was recorded, so they know to try again.

Slack waits 3 s for the acknowledgement. The work normally takes milliseconds and its answer is
the acknowledgement itself; if the database is busy and the work is not done within
`ACK_BUDGET_SECONDS`, the person is acknowledged at once with "recording…" and gets the real
answer through the command's `response_url` when the work finishes.
"""

import html
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, TimeoutError
from datetime import datetime

from sqlalchemy.orm import Session

from bot.directory import enroll
from bot.logs import fields
from bot.replies import Answer, UserError
from bot.runtime import Runtime
from bot.services.request import Request, Where
from storage.db import session_scope

log = logging.getLogger("command")

# Slack gives up on an acknowledgement after 3 s; leave room for the network.
ACK_BUDGET_SECONDS = 2.0
RECORDING = Answer("⏳ Recording… siteloop is busy; you'll see the result here in a moment.")
_workers = ThreadPoolExecutor(max_workers=8, thread_name_prefix="command")

FAILURE = Answer(
    "Something went wrong on siteloop's side and nothing was recorded. "
    "Please try again in a minute; if it keeps failing, tell your siteloop admin."
)


def answer_command(
    ack: Callable,
    runtime: Runtime,
    command: dict,
    work: Callable[[Session, datetime], Answer],
    respond: Callable | None = None,
) -> None:
    """Run `work(session, now)` in a transaction and acknowledge with its answer.

    With `respond` (Bolt's response_url helper), slow work is acknowledged early and answered
    when done; without it, the acknowledgement waits for the work.
    """
    pending = _workers.submit(_run, runtime, command, work)
    try:
        answer = pending.result(timeout=ACK_BUDGET_SECONDS if respond else None)
    except TimeoutError:
        ack(**RECORDING.as_ack())
        pending.add_done_callback(lambda done: respond(**done.result().as_ack()))
        return
    ack(**answer.as_ack())


def _run(runtime: Runtime, command: dict, work: Callable[[Session, datetime], Answer]) -> Answer:
    try:
        with session_scope(runtime.sessions) as session:
            answer = work(session, runtime.clock.now())
    except UserError as refusal:
        answer = refusal.answer()
    except Exception:
        log.exception(
            "command failed",
            extra=fields(
                command=command.get("command"),
                channel=command.get("channel_id"),
                user=command.get("user_id"),
            ),
        )
        answer = FAILURE
    return answer


def build_request(
    session: Session, client, command: dict, args: list[str], now: datetime
) -> Request:
    """Return the service request for a slash command: the actor enrolled, mentions enrollable."""
    return Request(
        session=session,
        actor=enroll(session, client, command["user_id"], now),
        where=Where(command["channel_id"], command.get("channel_name")),
        args=args,
        now=now,
        enroll=lambda user_id: enroll(session, client, user_id, now),
    )


def command_words(command: dict) -> list[str]:
    """Return the command's text as words, with Slack's &amp; &lt; &gt; escapes undone
    (mentions like `<@U1|ann>` are kept whole)."""
    return [
        html.unescape(word) if not word.startswith("<") else word
        for word in (command.get("text") or "").split()
    ]
