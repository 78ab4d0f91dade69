"""Failed deliveries reach people: a project's managers get one DM saying what could not be
delivered and how to fix it.

When the dispatcher gives up on a message, it calls `summarise` in the transaction that marks the
message failed, so the failure and the DM about it are committed together:

1. Find who to tell: the message's project (from its row, else from the channel it was for) and
   that project's managers. A failed summary is never summarised (no loops); a failure nobody
   can be told about is logged, and listed by `siteloop outbox --failed`.
2. Per manager, a summary still waiting to be sent absorbs the failure: it is rebuilt from all
   the project's failures since it opened. Otherwise a new one opens, due `GATHER` later so a
   burst of failures lands in one DM, and never sooner than `QUIET` after the previous summary to
   that manager, so a steady trickle of failures makes at most one DM an hour.
3. The DM groups the failures by what went wrong where and says, per group, how to fix it
   (`advise`, pure), then how to resend them once fixed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from sqlalchemy.orm import Session

from bot.logs import fields
from rules.slack_text import mrkdwn
from rules.vocabulary import OutboxKind, OutboxState, Role
from storage import outbox, projects
from storage.db import rows_changed
from storage.models import Channel, Member, OutboxMessage, Project

log = logging.getLogger("delivery")

EVENT_TYPE = "siteloop_delivery_failures"
# A burst of failures within this long after the first lands in one DM.
GATHER = timedelta(minutes=1)
# At most one summary DM per project and manager in this long.
QUIET = timedelta(hours=1)
# What one DM lists at most (the rest are counted; `siteloop outbox --failed` lists them all).
MAX_GROUPS = 10
MAX_FAILURES_READ = 500
MAX_IDS_SHOWN = 8
MAX_RETRY_IDS = 30

_CODE = re.compile(r"^[a-z_]+")


class Problem(StrEnum):
    """What a permanent delivery error says is wrong, which decides the fix."""

    NOT_IN_CHANNEL = "not_in_channel"
    CHANNEL_GONE = "channel_gone"
    APP_ACCESS = "app_access"
    PERSON_GONE = "person_gone"
    BUG = "bug"
    MESSAGE_GONE = "message_gone"
    SLACK_UNREACHABLE = "slack_unreachable"
    OTHER = "other"


_PROBLEMS: dict[str, Problem] = {
    "not_in_channel": Problem.NOT_IN_CHANNEL,
    **dict.fromkeys(("channel_not_found", "is_archived"), Problem.CHANNEL_GONE),
    **dict.fromkeys(
        (
            "invalid_auth",
            "not_authed",
            "token_revoked",
            "token_expired",
            "missing_scope",
            "no_permission",
            "not_allowed_token_type",
            "ekm_access_denied",
        ),
        Problem.APP_ACCESS,
    ),
    **dict.fromkeys(
        ("account_inactive", "user_not_found", "user_disabled", "is_inactive"),
        Problem.PERSON_GONE,
    ),
    **dict.fromkeys(
        (
            "message_not_found",
            "cant_update_message",
            "edit_window_closed",
            "thread_locked",
            "cannot_reply_to_message",
            "not_reactable",
        ),
        Problem.MESSAGE_GONE,
    ),
    **dict.fromkeys(
        (
            "invalid_blocks",
            "invalid_blocks_format",
            "msg_too_long",
            "msg_blocks_too_long",
            "no_text",
            "invalid",  # "invalid payload: …", "invalid request: …"
            "invalid_arguments",
            "invalid_metadata_format",
            "invalid_metadata_schema",
            "metadata_too_large",
            "markdown_text_conflict",
            "block_mismatch",
            "bad_timestamp",
            "invalid_name",
        ),
        Problem.BUG,
    ),
    "gave": Problem.SLACK_UNREACHABLE,  # "gave up after N attempts over 24 h: …"
}


def error_code(error: str | None) -> str:
    """Return the Slack error code a stored `last_error` starts with ('' when it has none)."""
    text = (error or "").removeprefix(f"{outbox.OUTCOME_UNKNOWN}: ")
    found = _CODE.match(text)
    return found.group(0) if found else ""


def problem_of(error: str | None) -> Problem:
    """Return what a stored `last_error` says is wrong."""
    return _PROBLEMS.get(error_code(error), Problem.OTHER)


@dataclass(frozen=True)
class Failure:
    """A message given up on, as the summary shows it."""

    id: int
    kind: str
    target: str
    error: str

    @property
    def problem(self) -> Problem:
        return problem_of(self.error)


@dataclass(frozen=True)
class Summary:
    """What a manager reads: a plain-text fallback and the same in Block Kit."""

    text: str
    blocks: list[dict[str, Any]]


def advise(problem: Problem, place: str, key: str, ids: Sequence[int], error: str) -> str:
    """Return what went wrong for messages `ids` sent to `place`, and how to fix it (mrkdwn)."""
    code = error_code(error) or error
    if problem is Problem.NOT_IN_CHANNEL:
        return (
            f"siteloop is not in {place}. *Fix:* invite @siteloop to {place} "
            "(type `/invite @siteloop` there)."
        )
    if problem is Problem.CHANNEL_GONE:
        return (
            f"{place} was archived or deleted. *Fix:* relink the project with "
            f"`/siteloop link {key}` in its new channel."
        )
    if problem is Problem.APP_ACCESS:
        return (
            f"Slack refused siteloop's access (`{error}`). *Fix:* reinstall the app in Slack, "
            "or check SLACK_BOT_TOKEN."
        )
    if problem is Problem.PERSON_GONE:
        return f"{place} left Slack (`{code}`). *Fix:* reassign their tasks (`/task assign`)."
    if problem is Problem.BUG:
        return (
            f"Slack rejected the message as malformed (`{code}`). *Fix:* this is a bug in "
            f"siteloop: report it with outbox id {_ids(ids)}."
        )
    if problem is Problem.MESSAGE_GONE:
        return (
            f"the message to change was deleted or can no longer be changed (`{code}`). "
            "Nothing to fix unless it matters."
        )
    if problem is Problem.SLACK_UNREACHABLE:
        return (
            "Slack could not be reached for a day. *Fix:* check the server's network and "
            "status.slack.com, then resend."
        )
    return f"Slack answered `{code or error}`."


def build_summary(
    project: Project, failures: Sequence[Failure], total: int, places: Mapping[str, str]
) -> Summary:
    """Return the DM about `failures`, the oldest of the `total` the project has since it opened.

    places: how to name each target (`<#C…|name>`, `<@U…>`); unknown targets show their id.
    """
    groups: dict[tuple[Problem, str], list[Failure]] = {}
    for failure in failures:
        groups.setdefault((failure.problem, failure.target), []).append(failure)
    noun = "message" if total == 1 else "messages"
    title = f"{project.name} ({project.key}): {total} {noun} could not be delivered"
    lines = []
    for (problem, target), group in list(groups.items())[:MAX_GROUPS]:
        place = places.get(target) or target
        ids = [f.id for f in group]
        what = _what(group, place)
        lines.append(f"• {what}: {advise(problem, place, project.key, ids, group[0].error)}")
    if len(groups) > MAX_GROUPS:
        lines.append(f"• …and {len(groups) - MAX_GROUPS} more kinds of failure.")
    every = [str(f.id) for f in failures]
    unlisted = f" (and {len(every) - MAX_RETRY_IDS} more)" if len(every) > MAX_RETRY_IDS else ""
    footer = (
        "Once fixed, an admin resends them with "
        f"`siteloop outbox retry {' '.join(every[:MAX_RETRY_IDS])}`{unlisted}; "
        f"`siteloop outbox --failed --project {project.key}` lists them."
    )
    blocks = [
        HeaderBlock(text=title[:150]),
        *(SectionBlock(text=MarkdownTextObject(text=line[:3000])) for line in lines),
        ContextBlock(elements=[MarkdownTextObject(text=footer)]),
    ]
    text = "\n".join([mrkdwn(title), *lines, footer])  # the header above is plain text
    return Summary(text=text[:3500], blocks=[block.to_dict() for block in blocks])


def _what(group: Sequence[Failure], place: str) -> str:
    """Return e.g. '2 📝 receipts for <#C1|tower-a> (id 4, 9)'."""
    kinds = sorted({_label(f.kind) for f in group})
    label = " and ".join(kinds) if len(group) == 1 else " and ".join(f"{k}s" for k in kinds)
    return f"{len(group)} {label} for {place} (id {_ids([f.id for f in group])})"


def _ids(ids: Sequence[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:MAX_IDS_SHOWN])
    return shown if len(ids) <= MAX_IDS_SHOWN else f"{shown} and {len(ids) - MAX_IDS_SHOWN} more"


# The database side: who to tell, and the summary rows in the outbox.


def summarise(session: Session, message_id: int, now: datetime) -> list[int]:
    """Tell the project's managers that message `message_id` failed; return the summary ids.

    Runs in the transaction that marked the message failed (see the module docstring).
    """
    failed = session.get(OutboxMessage, message_id)
    if failed is None or failed.state is not OutboxState.FAILED:
        return []
    facts = fields(
        outbox=failed.id, kind=failed.kind, channel=failed.target, error=failed.last_error
    )
    if failed.kind == OutboxKind.DELIVERY_FAILURES:
        log.error("a delivery failure summary could not be delivered", extra=facts)
        return []
    project = _project_of(session, failed)
    managers = projects.members_with_role(session, project, Role.MANAGER) if project else []
    if project is None or not managers:
        why = "no project" if project is None else f"project {project.key} has no manager"
        log.warning(f"delivery failure not summarised: {why}", extra=facts)
        return []
    summary_ids = [_summarise_for(session, project, m, failed, now) for m in managers]
    log.info(
        "delivery failure summarised for the project's managers",
        extra=fields(
            outbox=failed.id, kind=failed.kind, project=project.key, summaries=summary_ids
        ),
    )
    return summary_ids


def _project_of(session: Session, message: OutboxMessage) -> Project | None:
    if message.project_id is not None:
        return session.get(Project, message.project_id)
    return projects.project_of_channel(session, message.target)


def _summarise_for(
    session: Session, project: Project, manager: Member, failed: OutboxMessage, now: datetime
) -> int:
    """Fold the failure into the manager's open summary, or open one; return its id."""
    recipient = manager.slack_user_id
    opened = _open_summary(session, project, recipient)
    if opened is not None:
        payload = _payload(session, project, since=opened.created_at)
        changed = rows_changed(
            session,
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == opened.id, *_untried())
            .values(payload=payload),
        )
        if changed == 1:
            return opened.id
    previous = session.scalars(
        _summaries(project, recipient).order_by(OutboxMessage.id.desc()).limit(1)
    ).first()
    row = outbox.enqueue(
        session,
        kind=OutboxKind.DELIVERY_FAILURES,
        target=recipient,
        payload=_payload(session, project, since=now),
        now=now,
        project_id=project.id,
        dedupe_key=f"{OutboxKind.DELIVERY_FAILURES}:{project.id}:{recipient}:{failed.id}:{now.isoformat()}",
    )
    due = now + GATHER
    if previous is not None:
        due = max(due, (previous.sent_at or previous.next_attempt_at) + QUIET)
    if row.attempts == 0 and row.state is OutboxState.PENDING:
        row.next_attempt_at = due
    session.flush()
    return row.id


def _summaries(project: Project, recipient: str) -> sa.Select[OutboxMessage]:
    return sa.select(OutboxMessage).where(
        OutboxMessage.kind == OutboxKind.DELIVERY_FAILURES,
        OutboxMessage.project_id == project.id,
        OutboxMessage.target == recipient,
    )


def _untried() -> tuple[sa.ColumnElement[bool], ...]:
    """Return the conditions of a summary nobody has tried to send yet (safe to rewrite)."""
    return (
        OutboxMessage.state == OutboxState.PENDING,
        OutboxMessage.attempts == 0,
        OutboxMessage.claimed_until.is_(None),
    )


def _open_summary(session: Session, project: Project, recipient: str) -> OutboxMessage | None:
    return session.scalars(
        _summaries(project, recipient).where(*_untried()).order_by(OutboxMessage.id.desc())
    ).first()


def _payload(session: Session, project: Project, since: datetime) -> dict[str, Any]:
    """Return the summary DM of the project's failures since `since` (an outbox payload)."""
    failures, total = _failures_since(session, project, since)
    summary = build_summary(project, failures, total, _places(session, failures))
    return {
        "method": outbox.POST_MESSAGE,
        "args": {
            "text": summary.text,
            "blocks": summary.blocks,
            "metadata": {
                "event_type": EVENT_TYPE,
                "event_payload": {"project": project.key, "since": since.isoformat()},
            },
        },
    }


def _failures_since(
    session: Session, project: Project, since: datetime
) -> tuple[list[Failure], int]:
    """Return the project's failed messages since `since` (oldest first, bounded) and a count.

    A failed row keeps the moment it was given up on as `next_attempt_at`; rows queued without
    a project count when they were for one of its channels.
    """
    channel_ids = [c.slack_channel_id for c in projects.channels_of(session, project)]
    condition = sa.and_(
        OutboxMessage.state == OutboxState.FAILED,
        OutboxMessage.next_attempt_at >= since,
        OutboxMessage.kind != OutboxKind.DELIVERY_FAILURES,
        outbox.of_project(project.id, channel_ids),
    )
    total = session.scalar(sa.select(sa.func.count()).where(condition)) or 0
    rows = session.execute(
        sa.select(
            OutboxMessage.id, OutboxMessage.kind, OutboxMessage.target, OutboxMessage.last_error
        )
        .where(condition)
        .order_by(OutboxMessage.id)
        .limit(MAX_FAILURES_READ)
    )
    return [Failure(r.id, r.kind, r.target, r.last_error or "") for r in rows], total


def _places(session: Session, failures: Iterable[Failure]) -> dict[str, str]:
    """Return how Slack should show each target: `<#C…|name>` for channels, `<@U…>` for people."""
    targets = {f.target for f in failures}
    names = dict(
        session.execute(
            sa.select(Channel.slack_channel_id, Channel.name).where(
                Channel.slack_channel_id.in_(targets)
            )
        ).all()
    )
    places = {}
    for target in targets:
        if target[:1] in "UW":
            places[target] = f"<@{target}>"
        elif names.get(target):
            places[target] = f"<#{target}|{names[target]}>"
        else:
            places[target] = f"<#{target}>"
    return places


def _label(kind: str) -> str:
    """Return what people call a message of `kind`; a kind this version does not know (a row
    an older siteloop wrote) reads as its words."""
    try:
        return OutboxKind(kind).label
    except ValueError:
        return kind.replace("_", " ")
