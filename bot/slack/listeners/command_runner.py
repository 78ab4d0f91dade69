"""Running a slash command's work in one transaction and answering the person privately.

A `UserError` rolls the transaction back, so bad input changes nothing, and its message is the
answer. A command's effect and a note that it ran (`storage.commands`, keyed by Slack's
`trigger_id`) are committed together, so a command run again after a crash (the worker notes
requests as done in batches) is answered as the first time and changes nothing twice.

Any other failure is logged with the request's ids and the person is told plainly that nothing
was recorded, so they know to try again.

Slack has had its acknowledgement already (the command is stored in the inbox first, see
`bot.slack.inbox`); what the listener acknowledges here is posted to the command's `response_url`.
"""

import logging
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bot.logs import fields
from bot.runtime import Runtime
from bot.services.replies import Answer, UserError
from bot.services.request import Request, Where
from bot.slack.directory import enroll, meet
from rules.slack_text import plain
from rules.task_refs import extract_mentions
from storage import commands
from storage.db import session_scope

log = logging.getLogger("command")

FAILURE = Answer(
    "Something went wrong on siteloop's side and nothing was recorded. "
    "Please try again in a minute; if it keeps failing, tell your siteloop admin."
)


def answer_command(
    ack: Callable,
    runtime: Runtime,
    command: dict,
    work: Callable[[Session, datetime], Answer],
    client,
) -> None:
    """Meet the person and those the command mentions (Slack is asked before the transaction),
    run `work(session, now)` in a transaction and acknowledge with its answer."""
    people = [command["user_id"], *extract_mentions(command.get("text") or "")]
    meet(runtime.sessions, client, people, runtime.clock.now())
    ack(**_run(runtime, command, work).as_ack())


def _run(runtime: Runtime, command: dict, work: Callable[[Session, datetime], Answer]) -> Answer:
    trigger_id = command.get("trigger_id")
    try:
        with session_scope(runtime.sessions) as session:
            if trigger_id and (ran := commands.answer_of(session, trigger_id)) is not None:
                return Answer.from_dict(ran)
            now = runtime.clock.now()
            answer = work(session, now)
            if trigger_id:
                commands.remember(session, trigger_id, now, answer.to_dict())
        return answer
    except UserError as refusal:
        return refusal.answer()
    except Exception:
        if trigger_id and (meanwhile := _ran_meanwhile(runtime, trigger_id)) is not None:
            return meanwhile  # another process ran the same command; this run was rolled back
        log.exception(
            "command failed",
            extra=fields(
                command=command.get("command"),
                channel=command.get("channel_id"),
                user=command.get("user_id"),
            ),
        )
        return FAILURE


def _ran_meanwhile(runtime: Runtime, trigger_id: str) -> Answer | None:
    try:
        with session_scope(runtime.sessions, read_only=True) as session:
            ran = commands.answer_of(session, trigger_id)
    except Exception:
        return None
    return None if ran is None else Answer.from_dict(ran)


def build_request(
    session: Session,
    command: dict,
    args: list[str],
    now: datetime,
    rules_path: Path | None = None,
) -> Request:
    """Return the service request for a slash command: the actor enrolled, mentions enrollable."""
    return Request(
        rules_path=rules_path,
        session=session,
        actor=enroll(session, command["user_id"], now),
        where=Where(command["channel_id"], command.get("channel_name")),
        args=args,
        now=now,
        enroll=lambda user_id: enroll(session, user_id, now),
    )


# A word, with Slack's control sequences (`<http://x|click here>`) kept whole.
_WORD = re.compile(r"(?:<[^<>]*>|[^\s<>])+")


def command_words(command: dict) -> list[str]:
    """Return the command's words as the person meant them (`rules.slack_text.plain`), with
    mentions like `<@U1|ann>` kept, for the commands that name people."""
    return [plain(word, keep_mentions=True) for word in _WORD.findall(command.get("text") or "")]
