"""Finishing alert messages at delivery: an escalation's history and thread link, then kept.

The tick decides what an escalation says and queues it; what happened since — the follow-ups
that went unanswered, the last answer — and the permalink of the task's thread are only known
when it is sent. The dispatcher's before-send step (`add_history`) reads them in a short
session of its own, then asks Slack for the permalink (`chat.getPermalink`) with no
transaction open. If Slack can't give it, the message names the thread's channel instead.

Once the message is in Slack, the after-sent step (`keep_payload`) stores what was sent on
the outbox row, so a later edit (a press on its buttons) starts from what people saw.
`bot.process.delivery` gives the dispatcher both steps for every notification kind.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks import alert_messages
from bot.blocks.alert_messages import History, Told
from bot.blocks.text import clip
from bot.logs import fields
from rules.slack_text import mrkdwn
from storage.alerts import notifications
from storage.db import session_scope
from storage.members import find_member
from storage.models import Alert, OutboxMessage, Project, Task, Update
from storage.outbox import is_person

log = logging.getLogger("alerts")

ANSWER_LIMIT = 80  # characters of the last answer quoted


def add_history(
    sessions: sessionmaker[Session], client: WebClient, job: Any
) -> Mapping[str, Any] | None:
    """Before-send step: return the escalation's payload with its history part filled in.

    Other messages (follow-ups) go as queued (None).
    """
    args = job.payload.get("args") or {}
    blocks = args.get("blocks") or []
    if not alert_messages.is_escalation(blocks):
        return None
    with session_scope(sessions, read_only=True) as session:
        found = history_of(session, job.id, job.target)
    if found is None:
        return None
    history, thread = found
    if thread is not None:
        history = _with_link(history, client, *thread)
    text = alert_messages.history_text(history)
    return {**job.payload, "args": {**args, "blocks": alert_messages.with_history(blocks, text)}}


def keep_payload(session: Session, job: Any, channel: str, ts: str, now: datetime) -> None:
    """After-sent step: store the payload as sent (with its history) on the outbox row."""
    message = session.get(OutboxMessage, job.id)
    if message is not None and message.payload != job.payload:
        message.payload = dict(job.payload)


def history_of(
    session: Session, outbox_id: int, reader: str
) -> tuple[History, tuple[str, str] | None] | None:
    """Return what an alert's message about to be sent should recall, and the task's thread.

    Its messages decided earlier that reached Slack (not those sent with it to others), the
    last report that answered the alert, and the reader's time zone (else the project's).
    None when the row names no alert.
    """
    message = session.get(OutboxMessage, outbox_id)
    if message is None or message.alert_id is None:
        return None
    alert = session.get(Alert, message.alert_id)
    if alert is None:
        return None
    project = session.get_one(Project, alert.project_id)
    task = session.get(Task, alert.task_id) if alert.task_id else None
    member = find_member(session, reader)
    zone = ZoneInfo((member.timezone if member else None) or project.timezone)
    told = tuple(
        Told(row.sent_at, _where(row))
        for row in notifications(session, alert.id)
        # decided earlier, not its fellow recipients'
        if row.sent_at is not None and row.created_at < message.created_at
    )
    answer = _last_answer(session, alert.id)
    thread = None
    if task is not None and task.thread_channel and task.thread_ts:
        thread = (task.thread_channel, task.thread_ts)
    history = History(
        told=told,
        zone=zone,
        answered_at=answer.recorded_at if answer else None,
        answer=_quote(answer) if answer else "",
        channel=thread[0] if thread else None,
    )
    return history, thread


def _where(row: OutboxMessage) -> str:
    """Return where an earlier message went: "in the thread to <@U…>", "DM to <@U…>"."""
    if is_person(row.target):
        return f"DM to <@{row.target}>"
    people = alert_messages.alert_of(row.payload).get("people") or []
    to = f" to {', '.join(f'<@{p}>' for p in people)}" if people else ""
    return f"in the thread{to}" if row.thread_ts else f"in <#{row.target}>{to}"


def _last_answer(session: Session, alert_id: int) -> Update | None:
    return session.scalars(
        sa.select(Update)
        .where(Update.alert_id == alert_id, Update.retracted_at.is_(None))
        .order_by(Update.recorded_at.desc(), Update.id.desc())
        .limit(1)
    ).first()


def _quote(update: Update) -> str:
    """Return who answered and what: "by <@U0CAM>: “40% formwork done”"."""
    who = f" by <@{update.member.slack_user_id}>" if update.member else ""
    said = (update.raw_text or update.kind.value).replace("\n", " ")
    return f"{who}: “{mrkdwn(clip(said, ANSWER_LIMIT))}”".lstrip()


def _with_link(history: History, client: WebClient, channel: str, ts: str) -> History:
    """Return `history` with the thread's permalink, if Slack gives it."""
    try:
        link = client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning("no permalink for a thread", extra=fields(channel=channel, error=str(error)))
        return history
    return dataclasses.replace(history, link=str(link)) if link else history
