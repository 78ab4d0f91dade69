"""Channel posts, thread replies, edits and deletions: what people write becomes data.

- A post in a project's channel that names tasks is an update per task; other chatter is not
  stored. A reply in a task's thread is an update for that task, reference or not.
- In the thread of an assignment card still awaiting its acknowledgement, a reply by someone
  who may answer the card is read as an answer to it (`ReportContext.ASSIGNMENT_REPLY`):
  "ok", "on it" or 👍 acknowledge the task.
- The bot confirms a capture with a 📝 reaction on the post, and privately tells the author
  what it could not use. Both go through the outbox, so nothing here waits on Slack.
- An edit revises the reports read from the post's text (the old text is kept as a revision);
  a deletion retracts them; the task is re-folded from what remains. Reactions and clicks on the
  post are facts of their own and stay. Only the author's edits count, in the order Slack dates
  them (`edited.ts`): an older edit arriving late, or any edit arriving after the deletion,
  changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.services import reports, task_actions
from bot.services.replies import UserError
from rules.grammar.parsed import ParsedReport, ReportContext
from rules.grammar.report import parse_report
from rules.vocabulary import OutboxKind, UpdateKind, UpdateSource
from storage import projects
from storage.models import Member, Task, Update
from storage.outbox import enqueue
from storage.tasks import project_keys, task_of_thread
from storage.updates import (
    record_update,
    reports_of_message,
    retract_report,
    revise_update,
    updates_of_message,
)

CAPTURED_REACTION = "memo"


@dataclass(frozen=True)
class Post:
    """A person's message as Slack delivered it."""

    channel: str
    ts: str
    user: str
    text: str
    thread_ts: str | None = None
    is_direct_message: bool = False
    version: str = ""  # the post's ts, or its edit's: orders edits, one private note each

    @property
    def is_reply(self) -> bool:
        """Return whether the message was written in a thread."""
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def key(self) -> str:
        """Return the idempotency key of the message (Slack's channel + ts identify it)."""
        return f"message:{self.channel}:{self.ts}"


def is_watched(session: Session, post: Post) -> bool:
    """Return whether siteloop reads this conversation (a linked channel or a DM with it)."""
    return post.is_direct_message or projects.project_of_channel(session, post.channel) is not None


def capture(
    session: Session, actor: Member, post: Post, occurred_at: datetime, now: datetime
) -> bool:
    """Record what a new post reports; return whether it named tasks (and so was read).

    Refusals (unknown tasks, bad values, another project's task) are told to the author
    privately; nothing is stored for them.
    """
    thread_task = _thread_task(session, post)
    acknowledging = _answers_assignment(session, actor, post, thread_task)
    parsed = _parse(session, post, thread_task, acknowledging)
    if not parsed.refs and thread_task is None:
        return False  # chatter
    try:
        tasks = _tasks(session, actor, post, parsed, thread_task)
        _record(session, actor, post, parsed, tasks, occurred_at, now)
    except UserError as refusal:
        _tell(session, post, str(refusal), now, OutboxKind.CAPTURE_REFUSAL)
        return True
    enqueue(
        session,
        kind=OutboxKind.CAPTURE_RECEIPT,
        target=post.channel,
        payload={
            "method": "reactions.add",
            "args": {"name": CAPTURED_REACTION, "timestamp": post.ts},
        },
        now=now,
        project_id=tasks[0].project_id,
        dedupe_key=f"receipt:{post.channel}:{post.ts}",
    )
    if parsed.ignored:
        _tell(
            session,
            post,
            "\n".join(f"Not recorded: {item}" for item in parsed.ignored),
            now,
            OutboxKind.CAPTURE_IGNORED,
        )
    return True


def revise(session: Session, actor: Member, post: Post, now: datetime) -> None:
    """Bring the reports read from an edited post in line with its new text."""
    previous = reports_of_message(session, post.channel, post.ts)
    if previous and not _revisable_by(previous, actor, post):
        return
    thread_task = _thread_task(session, post)
    # An edited acknowledgement ("ok" → "ok!") is read as it was first read.
    acknowledging = any(update.kind == UpdateKind.ACK for update in previous)
    parsed = _parse(session, post, thread_task, acknowledging)
    if not previous and not parsed.refs:
        return
    try:
        tasks = (
            _tasks(session, actor, post, parsed, thread_task) if parsed.refs or thread_task else []
        )
    except UserError as refusal:
        _tell(
            session,
            post,
            f"{refusal}\nYour edit was not recorded; the earlier report stands.",
            now,
            OutboxKind.CAPTURE_EDIT,
        )
        return
    occurred_at = previous[0].occurred_at if previous else now
    by_task = {update.task_id: update for update in previous}
    for task in tasks:
        report = reports.report_for(parsed, actor, _origin(post, occurred_at), task)
        if task.id in by_task:
            revise_update(session, by_task.pop(task.id), report, now)
        else:
            record_update(session, task.project, task, report, now)
    for update in by_task.values():
        retract_report(session, update, post.version, now)


def retract(session: Session, channel: str, ts: str, deleted_ts: str, now: datetime) -> int:
    """Retract the reports read from a deleted post; return how many were live.

    The deletion (`deleted_ts`, when it happened) becomes their latest version, so that no edit
    of the post, retried or late, brings them back.
    """
    return sum(
        retract_report(session, update, deleted_ts, now)
        for update in reports_of_message(session, channel, ts)
    )


def _revisable_by(reports: list[Update], actor: Member, post: Post) -> bool:
    """Return whether an edit may change the reports read from its post: it is by their author,
    and newer than the version they stand for (Slack may deliver edits late, out of order)."""
    seen = max(Decimal(update.message_version or 0) for update in reports)
    return all(update.member_id == actor.id for update in reports) and Decimal(post.version) > seen


def _thread_task(session: Session, post: Post) -> Task | None:
    """Return the task whose thread the post replies in: its card's, or a captured post's."""
    parent = post.thread_ts
    if parent is None or not post.is_reply:
        return None
    task = task_of_thread(session, post.channel, parent)
    if task is not None:
        return task
    parents = {u.task_id for u in updates_of_message(session, post.channel, parent) if u.task_id}
    return session.get(Task, parents.pop()) if len(parents) == 1 else None


def _answers_assignment(session: Session, actor: Member, post: Post, task: Task | None) -> bool:
    """Return whether a reply answers an assignment card awaiting its acknowledgement.

    Then "ok", "on it" or 👍 acknowledge the task — said in the card's own thread by someone
    who may answer the card (assignee, crew lead, manager).
    """
    return (
        task is not None
        and (post.channel, post.thread_ts) == (task.thread_channel, task.thread_ts)
        and task_actions.awaits_acknowledgement(task)
        and task_actions.may_answer(session, task, actor)
    )


def _parse(
    session: Session, post: Post, thread_task: Task | None, acknowledging: bool = False
) -> ParsedReport:
    here = projects.project_of_channel(session, post.channel)
    context = ReportContext.THREAD_REPLY if thread_task is not None else ReportContext.POST
    if thread_task is not None and acknowledging:
        context = ReportContext.ASSIGNMENT_REPLY
    return parse_report(
        post.text,
        project_key=here.key if here else None,
        context=context,
        known_keys=project_keys(session),
    )


def _tasks(
    session: Session, actor: Member, post: Post, parsed: ParsedReport, thread_task: Task | None
) -> list[Task]:
    tasks = reports.resolve_tasks(session, actor, parsed, post.channel)
    return tasks or ([thread_task] if thread_task is not None else [])


def _record(session, actor, post, parsed, tasks, occurred_at, now) -> None:
    origin = _origin(post, occurred_at)
    for task in tasks:  # every task is checked before any is written
        reports.check_units(task, parsed)
    for task in tasks:
        record_update(
            session, task.project, task, reports.report_for(parsed, actor, origin, task), now
        )


def _origin(post: Post, occurred_at: datetime) -> reports.Origin:
    source = UpdateSource.THREAD_REPLY if post.is_reply else UpdateSource.MESSAGE
    return reports.Origin(
        source,
        post.channel,
        occurred_at,
        post.key,
        slack_ts=post.ts,
        thread_ts=post.thread_ts,
        message_version=post.version,
    )


def _tell(session: Session, post: Post, text: str, now: datetime, kind: OutboxKind) -> None:
    """Tell the post's author something privately, in the conversation they wrote in."""
    why = kind.removeprefix("capture_")
    payload = {"method": "chat.postEphemeral", "args": {"user": post.user, "text": text}}
    enqueue(
        session,
        kind=kind,
        target=post.channel,
        payload=payload,
        now=now,
        thread_ts=post.thread_ts if post.is_reply else None,
        dedupe_key=f"{why}:{post.channel}:{post.ts}:{post.version}",
    )
