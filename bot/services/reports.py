"""Progress reports: `/update`, `/blocked`, `/done`, channel posts and thread replies.

One grammar (`rules.grammar`) reads every report; this module finds the tasks it names, checks
the person may report on them, records one update per task (once, however often Slack delivers
it) and says compactly what was understood.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.replies import Answer, UserError
from rules.grammar.numbers import currency_matches
from rules.grammar.parsed import ParsedReport, ReportContext
from rules.grammar.report import parse_report
from rules.grammar.summary import TaskSnapshot, explain_problems, summarise
from rules.vocabulary import Role, UpdateSource
from storage import projects
from storage.models import Member, Project, Task
from storage.tasks import find_task, nearest_keys, project_keys
from storage.updates import Report, record_update


@dataclass(frozen=True)
class Origin:
    """Where and when a report was made, and the key that makes a redelivery harmless."""

    source: UpdateSource
    channel_id: str
    occurred_at: datetime
    idempotency_key: str  # per delivery; one update per task gets `key:TASK` appended
    slack_ts: str | None = None
    thread_ts: str | None = None
    message_version: str | None = None  # a post's: its ts, or its edit's


def parse_in_channel(
    session: Session, text: str, channel_id: str, context: ReportContext
) -> ParsedReport:
    """Return the report read as typed in `channel_id` (whose project lends bare `#42` its key)."""
    here = projects.project_of_channel(session, channel_id)
    return parse_report(
        text,
        project_key=here.key if here else None,
        context=context,
        known_keys=project_keys(session),
    )


def record(
    session: Session,
    actor: Member,
    parsed: ParsedReport,
    tasks: list[Task],
    origin: Origin,
    now: datetime,
) -> Answer:
    """Record `parsed` on each of `tasks`; return the confirmation, one line per task."""
    for task in tasks:  # every task is checked before any is written
        check_units(task, parsed)
    lines = []
    for task in tasks:
        before = TaskSnapshot(task.key, task.title, task.percent_complete, task.unit)
        record_update(session, task.project, task, report_for(parsed, actor, origin, task), now)
        lines.append(
            summarise(
                before, TaskSnapshot(task.key, task.title, task.percent_complete, task.unit), parsed
            )
        )
    return Answer("\n".join(lines))


def resolve_tasks(
    session: Session, actor: Member, parsed: ParsedReport, channel_id: str
) -> list[Task]:
    """Return the tasks `parsed` names, refusing unknown ones and those of other projects."""
    if not parsed.ok:
        raise UserError("\n".join([explain_problems(parsed), *parsed.ignored]))
    here = projects.project_of_channel(session, channel_id)
    tasks = []
    for ref in parsed.refs:
        task = find_task(session, ref.key)
        if task is None:
            raise UserError(_unknown_task(session, ref.key))
        _check_may_report(session, actor, task.project, here)
        tasks.append(task)
    if here is not None:
        projects.ensure_role(session, here, actor, Role.CREW)
    return tasks


def _unknown_task(session: Session, key: str) -> str:
    project = projects.find_project(session, key.split("-")[0])
    closest = nearest_keys(session, project, int(key.split("-")[1])) if project else []
    hint = f" Closest: {', '.join(closest)}." if closest else ""
    return f"Nothing recorded: there is no task {key}.{hint} Type `/tasks` to see the list."


def _check_may_report(
    session: Session, actor: Member, project: Project, here: Project | None
) -> None:
    if here is not None and here.id == project.id:
        return
    if here is None and projects.role_of(session, project, actor) is not None:
        return  # a direct message (or an unlinked channel) from one of the project's people
    channels = projects.channels_of(session, project)
    where = f"<#{channels[0].slack_channel_id}>" if channels else "its project's channel"
    raise UserError(f"Nothing recorded: {project.key} tasks are reported in {where}.")


def check_units(task: Task, parsed: ParsedReport) -> None:
    """Refuse a quantity in another unit than the task's, or a cost in another currency."""
    if parsed.quantity is not None and task.unit and parsed.unit != task.unit:
        raise UserError(
            f"Nothing recorded: {task.key} is counted in {task.unit}, not {parsed.unit}. "
            f"Send the quantity in {task.unit}."
        )
    if parsed.cost is not None and not currency_matches(parsed.currency, task.project.currency):
        raise UserError(
            f"Nothing recorded: {task.key}'s costs are in {task.project.currency}. "
            f"Send the amount in {task.project.currency}, e.g. `cost:1500`."
        )


def report_for(parsed: ParsedReport, actor: Member, origin: Origin, task: Task) -> Report:
    """Return the update to store for `task` from a parsed report."""
    return Report(
        kind=parsed.kind,
        source=origin.source,
        occurred_at=origin.occurred_at,
        idempotency_key=f"{origin.idempotency_key}:{task.key}",
        member_id=actor.id,
        percent=parsed.percent,
        quantity=parsed.quantity,
        unit=parsed.unit,
        cost=parsed.cost,
        manpower=parsed.manpower,
        hours=parsed.hours,
        note=(parsed.reason or parsed.note or None),
        raw_text=parsed.raw,
        slack_channel=origin.channel_id or None,  # none: a form opened from the Home tab
        slack_ts=origin.slack_ts,
        slack_thread_ts=origin.thread_ts,
        message_version=origin.message_version,
    )
