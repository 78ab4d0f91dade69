"""The outbox: messages the bot will send, written with the decision behind them, then delivered.

Producers call `enqueue` inside the transaction that records their decision, so a crash between
deciding and sending loses nothing. A dispatcher (`bot.delivery`) then repeats, one message at
a time: `due_ids` → `claim` (a conditional update that only one sender can win) → call Slack
outside any transaction → record the outcome with `mark_sent`, `retry_later` or `mark_failed`.

The payload contract, relied on by everyone who enqueues:

    payload = {
        "method": "chat.postMessage" | "chat.update" | "chat.postEphemeral" | "reactions.add"
                  | "files.upload" | "views.publish",
        "args": {...Web API arguments except `channel` and `thread_ts`...},
    }

`channel` comes from the row's `target`, `thread_ts` from the row's `thread_ts`. A target is a
conversation id (C…, G…, D…) or, for chat.postMessage, a user id (U…, W…): Slack delivers that to
the app's DM with the person; views.publish always targets a person (their Home tab).
chat.update carries `ts` in its args; reactions.add carries `name` and `timestamp`;
chat.postEphemeral carries `user`.

Time always comes in as `now`; nothing here reads the clock.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rules.vocabulary import OutboxKind, OutboxState
from storage.db import rows_changed
from storage.models import OutboxMessage

POST_MESSAGE = "chat.postMessage"
UPDATE = "chat.update"
POST_EPHEMERAL = "chat.postEphemeral"
ADD_REACTION = "reactions.add"
# A file shared in a conversation (or a thread of it): slack_sdk's files_upload_v2, which calls
# files.getUploadURLExternal, POSTs the bytes and calls files.completeUploadExternal. Its
# `content` is filled in just before sending (a before-send step), so the row keeps no bytes;
# once sent, the row's slack_ts holds the file's id (F…), not a message ts.
UPLOAD_FILE = "files.upload"
# A person's Home tab: its target is the person (U…), its `view` is drawn just before it is
# published (a before-send step), so it shows what is true when it goes out.
PUBLISH_VIEW = "views.publish"
METHODS = frozenset({POST_MESSAGE, UPDATE, POST_EPHEMERAL, ADD_REACTION, UPLOAD_FILE, PUBLISH_VIEW})
# The outbox kind whose message, once delivered, becomes its task's thread: the task's card.

# Arguments each method needs in `args` (besides the channel, which is the row's target).
_REQUIRED_ARGS = {
    UPDATE: ("ts",),
    POST_EPHEMERAL: ("user",),
    ADD_REACTION: ("name", "timestamp"),
    UPLOAD_FILE: ("filename",),
}
_CONVERSATION = re.compile(r"^[CGD][A-Z0-9_]+$")
_PERSON = re.compile(r"^[UW][A-Z0-9_]+$")

# `last_error` starts with this when a send may have reached Slack without us hearing back (a
# timeout, a dropped connection, a sender that died holding the lease). Before posting such a
# message again, the dispatcher looks for it in the conversation.
OUTCOME_UNKNOWN = "outcome unknown"
LEASE_EXPIRED = (
    f"{OUTCOME_UNKNOWN}: a sender claimed this message and died (its lease ran out) before"
    " recording what Slack answered"
)


class InvalidPayload(ValueError):
    """The payload or target breaks the outbox contract (see the module docstring)."""


def is_person(target: str) -> bool:
    """Return whether `target` is a user id (the message goes to the app's DM with them)."""
    return bool(_PERSON.match(target))


def payload_problem(target: str, payload: Any) -> str | None:
    """Return what is wrong with `payload` sent to `target`, or None when it keeps the contract."""
    if not isinstance(payload, Mapping):
        return "payload must be a dict with 'method' and 'args'"
    method, args = payload.get("method"), payload.get("args")
    if method not in METHODS:
        return f"payload method must be one of {sorted(METHODS)}, not {method!r}"
    if not isinstance(args, Mapping):
        return "payload args must be a dict"
    if "channel" in args or "thread_ts" in args:
        return "payload args must not carry channel or thread_ts: they come from the row"
    missing = [name for name in _REQUIRED_ARGS.get(method, ()) if not args.get(name)]
    if missing:
        return f"{method} needs {', '.join(missing)} in its args"
    if method in (POST_MESSAGE, POST_EPHEMERAL) and not (args.get("text") or args.get("blocks")):
        return f"{method} needs text (and optionally blocks)"
    if method == PUBLISH_VIEW:
        return None if _PERSON.match(target) else f"{method} targets a person (U…), not {target!r}"
    if _CONVERSATION.match(target) or (method == POST_MESSAGE and _PERSON.match(target)):
        return None
    return f"{method} cannot target {target!r}: give a conversation id (or a user id to DM)"


def enqueue(
    session: Session,
    *,
    kind: OutboxKind,
    target: str,
    payload: dict[str, Any],
    now: datetime,
    thread_ts: str | None = None,
    project_id: int | None = None,
    task_id: int | None = None,
    alert_id: int | None = None,
    dedupe_key: str | None = None,
    due_at: datetime | None = None,
) -> OutboxMessage:
    """Add a message to send (in the caller's transaction) and return it.

    Arguments:
        kind: what the message is for, for logs, admins and the summary of failures.
        target: conversation id, or a user id for a DM (see the module docstring).
        payload: {"method": …, "args": {…}}; raises InvalidPayload when it breaks the contract.
        now: when the decision was made; the message is due at once, or at `due_at`.
        thread_ts: post as a reply in this thread.
        dedupe_key: when a message with this key exists already, it is returned instead and
            nothing is added (a decision replayed after a crash enqueues once).
    """
    row = outbox_row(
        kind=kind,
        target=target,
        payload=payload,
        now=now,
        thread_ts=thread_ts,
        project_id=project_id,
        task_id=task_id,
        alert_id=alert_id,
        dedupe_key=dedupe_key,
        due_at=due_at,
    )
    if dedupe_key is not None and (existing := _by_dedupe_key(session, dedupe_key)) is not None:
        return existing
    message = OutboxMessage(**row)
    try:
        # A concurrent producer may commit the same key first; only this insert is undone.
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        stored = _by_dedupe_key(session, dedupe_key) if dedupe_key is not None else None
        if stored is None:
            raise
        return stored
    return message


def outbox_row(
    *,
    kind: OutboxKind,
    target: str,
    payload: dict[str, Any],
    now: datetime,
    due_at: datetime | None = None,
    waits_for_thread: bool = False,
    thread_ts: str | None = None,
    project_id: int | None = None,
    task_id: int | None = None,
    alert_id: int | None = None,
    dedupe_key: str | None = None,
) -> dict[str, Any]:
    """Return the row of one message to send, as `enqueue` and `enqueue_many` write it.

    `due_at` defers it (never before `now`); `waits_for_thread` holds it until its task's card
    is in Slack. Raises InvalidPayload (naming the dedupe key, if any) when the payload breaks
    the contract.
    """
    problem = payload_problem(target, payload)
    if problem is not None:
        raise InvalidPayload(f"{dedupe_key}: {problem}" if dedupe_key else problem)
    return {
        "created_at": now,
        "kind": kind,
        "project_id": project_id,
        "task_id": task_id,
        "alert_id": alert_id,
        "target": target,
        "thread_ts": thread_ts,
        "payload": payload,
        "state": OutboxState.WAITING if waits_for_thread else OutboxState.PENDING,
        "attempts": 0,
        "next_attempt_at": max(due_at, now) if due_at is not None else now,
        "dedupe_key": dedupe_key,
    }


def enqueue_many(session: Session, rows: Mapping[str, dict[str, Any]]) -> set[str]:
    """Add the rows of `outbox_row` by their dedupe keys, each key once; return the keys that
    were new (the others were queued before).

    One query for the keys already taken, one multi-row INSERT, both in the caller's
    transaction. The caller must hold off other writers of the same keys meanwhile (SQLite's
    write lock, or the tick lock on PostgreSQL); the UNIQUE constraint backs that up.
    """
    keys = list(rows)
    taken: set[str] = set()
    for start in range(0, len(keys), 500):
        query = sa.select(OutboxMessage.dedupe_key).where(
            OutboxMessage.dedupe_key.in_(keys[start : start + 500])
        )
        taken.update(key for key in session.scalars(query) if key is not None)
    fresh = {key: row for key, row in rows.items() if key not in taken}
    if fresh:
        session.execute(sa.insert(OutboxMessage.__table__), list(fresh.values()))
    return set(fresh)


def _by_dedupe_key(session: Session, dedupe_key: str) -> OutboxMessage | None:
    return session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
    ).first()


def _lease_free(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)


def due_ids(
    session: Session, now: datetime, limit: int, *, exclude_targets: Collection[str] = ()
) -> list[int]:
    """Return up to `limit` ids of pending messages due at `now` and not leased, oldest first.

    `exclude_targets` skips conversations the caller may not post to yet (pacing). The query
    walks the (state, next_attempt_at) index, so its cost follows the work due.
    """
    query = (
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.next_attempt_at <= now,
            _lease_free(now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if exclude_targets:
        query = query.where(OutboxMessage.target.not_in(list(exclude_targets)))
    return list(session.scalars(query))


def next_due_at(session: Session) -> datetime | None:
    """Return the earliest moment a pending message can be claimed, or None when none is pending.

    A leased message counts from when its lease runs out.
    """
    claimable = sa.case(
        (OutboxMessage.claimed_until > OutboxMessage.next_attempt_at, OutboxMessage.claimed_until),
        else_=OutboxMessage.next_attempt_at,
    )
    due: datetime | None = session.scalar(
        sa.select(sa.func.min(claimable)).where(OutboxMessage.state == OutboxState.PENDING)
    )
    return due


def claim(session: Session, message_id: int, now: datetime, lease: timedelta) -> bool:
    """Lease one pending, due message to this sender until `now + lease`; False if it can't.

    One conditional UPDATE: it changes the row only if the message is still pending, due and
    not leased, so of two senders racing for it exactly one wins. When the row carried an
    expired lease, its previous sender died mid-send: the same UPDATE notes in `last_error` that
    the outcome is unknown, so the winner checks Slack before posting again.
    """
    statement = (
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.next_attempt_at <= now,
            _lease_free(now),
        )
        .values(
            claimed_until=now + lease,
            last_error=sa.case(
                (OutboxMessage.claimed_until.is_not(None), LEASE_EXPIRED),
                else_=OutboxMessage.last_error,
            ),
        )
    )
    return rows_changed(session, statement) == 1


def _finish(session: Session, message_id: int, **values: Any) -> bool:
    """Update a pending message and release its lease; return whether it was still pending."""
    statement = (
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.PENDING)
        .values(claimed_until=None, **values)
    )
    return rows_changed(session, statement) == 1


def mark_sent(session: Session, message_id: int, now: datetime, channel: str, ts: str) -> bool:
    """Record that Slack has the message as `ts` in `channel`; False if it was no longer pending."""
    return _finish(
        session, message_id, state=OutboxState.SENT, sent_at=now, slack_channel=channel, slack_ts=ts
    )


def mark_failed(session: Session, message_id: int, now: datetime, error: str) -> bool:
    """Give up on a message for good (a permanent error), keeping `error` for admins.

    `now` is the moment of giving up; the row keeps it as its last attempt time.
    """
    return _finish(
        session,
        message_id,
        state=OutboxState.FAILED,
        last_error=error,
        attempts=OutboxMessage.attempts + 1,
        next_attempt_at=now,
    )


def retry_later(
    session: Session,
    message_id: int,
    now: datetime,
    error: str,
    at: datetime,
    *,
    outcome_unknown: bool = False,
) -> bool:
    """Count a failed attempt and make the message due again at `at` (never before `now`).

    `outcome_unknown` says the attempt may have reached Slack (a timeout, a dropped
    connection); it is kept in `last_error` so the next sender checks before posting again.
    """
    reason = f"{OUTCOME_UNKNOWN}: {error}" if outcome_unknown else error
    return _finish(
        session,
        message_id,
        attempts=OutboxMessage.attempts + 1,
        next_attempt_at=max(at, now),
        last_error=reason,
    )


def postpone(session: Session, message_id: int, at: datetime) -> bool:
    """Release a claimed message untried until `at` (its method is paused); no attempt counted."""
    return _finish(session, message_id, next_attempt_at=at)


def may_have_been_sent(message: OutboxMessage) -> bool:
    """Return whether an earlier attempt may have reached Slack without us hearing back."""
    return OUTCOME_UNKNOWN in (message.last_error or "")


def failed_messages(session: Session, project_id: int | None = None) -> list[OutboxMessage]:
    """Return the messages given up on (of one project if given), oldest first."""
    query = sa.select(OutboxMessage).where(OutboxMessage.state == OutboxState.FAILED)
    if project_id is not None:
        query = query.where(OutboxMessage.project_id == project_id)
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def of_project(project_id: int, channels: Collection[str] = ()) -> sa.ColumnElement[bool]:
    """Return the condition on messages of a project: queued for it, or without a project for
    one of its `channels` (a private note in a linked channel, say)."""
    return sa.or_(
        OutboxMessage.project_id == project_id,
        sa.and_(OutboxMessage.project_id.is_(None), OutboxMessage.target.in_(list(channels))),
    )


def newest(
    session: Session,
    limit: int,
    *,
    state: OutboxState | None = None,
    where: sa.ColumnElement[bool] | None = None,
) -> tuple[list[OutboxMessage], int]:
    """Return up to `limit` messages, newest first, in `state` and matching `where` if given,
    and how many match in all (for `siteloop outbox`)."""
    conditions = [c for c in (where,) if c is not None]
    if state is not None:
        conditions.append(OutboxMessage.state == state)
    total = session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(*conditions)) or 0
    query = sa.select(OutboxMessage).where(*conditions).order_by(OutboxMessage.id.desc())
    return list(session.scalars(query.limit(limit))), total


def resend(session: Session, message_id: int, now: datetime) -> bool:
    """Make a failed message pending again, due at `now`, with a fresh count of attempts.

    `last_error` stays: it tells the next sender whether the message may already be in Slack.
    Returns False when the message is not failed.
    """
    statement = (
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.FAILED)
        .values(state=OutboxState.PENDING, attempts=0, next_attempt_at=now, claimed_until=None)
    )
    return rows_changed(session, statement) == 1


WITHDRAWN_BECAUSE_RESOLVED = "not sent: the alert resolved before it was due"


def withdraw_pending(session: Session, alert_id: int, now: datetime) -> int:
    """Withdraw the alert's messages still waiting to go out (say, for the recipient's working
    hours, or for the task's thread) because the alert resolved; return how many. A message
    being sent right now (its lease running) goes out: it may already be in Slack."""
    table = OutboxMessage.__table__
    return rows_changed(
        session,
        sa.update(table)
        .where(
            table.c.alert_id == alert_id,
            table.c.state.in_([OutboxState.PENDING, OutboxState.WAITING]),
            sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < now),
        )
        .values(state=OutboxState.WITHDRAWN, last_error=WITHDRAWN_BECAUSE_RESOLVED),
    )


def threads_on_their_way(session: Session, task_ids: Collection[int]) -> set[int]:
    """Return which of `task_ids` have a card pending: their thread exists once it is sent."""
    if not task_ids:
        return set()
    return set(
        session.scalars(
            sa.select(OutboxMessage.task_id).where(
                OutboxMessage.state == OutboxState.PENDING,  # few rows: the state's index
                OutboxMessage.kind == OutboxKind.TASK_CARD,
                OutboxMessage.task_id.in_(list(task_ids)),
            )
        )
    )


def waiting_for_thread(session: Session, task_id: int) -> list[OutboxMessage]:
    """Return the task's messages waiting for its thread, oldest first."""
    return list(
        session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.task_id == task_id, OutboxMessage.state == OutboxState.WAITING)
            .order_by(OutboxMessage.id)
        )
    )
