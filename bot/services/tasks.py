"""`/task add|assign|show`: putting work on the plan, giving it to someone, looking at it."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.blocks.health import forecast_text, index_text
from bot.blocks.text import money
from bot.notify.tick import project_calendar_in_force
from bot.services import assignment
from bot.services.replies import Answer, UserError
from bot.services.request import Request, require_known_people
from rules.grammar.numbers import format_money, format_number
from rules.grammar.task_add import parse_task_add
from rules.health import project_health
from rules.slack_text import mrkdwn, plain
from rules.task_refs import extract_mentions, find_task_refs
from rules.vocabulary import Role, TaskStatus
from storage import projects
from storage.facts import task_facts, task_facts_query
from storage.members import display_name
from storage.models import Member, Project, Task
from storage.tasks import create_task, find_task, nearest_keys, project_keys
from storage.updates import live_updates

ASSIGN_USAGE = "Type `/task assign TWR-42 @person`."
SHOW_USAGE = "Type `/task show TWR-42`."
STATUS_WORDS = {
    TaskStatus.PLANNED: "planned",
    TaskStatus.ASSIGNED: "assigned, waiting for an acknowledgement",
    TaskStatus.ACKNOWLEDGED: "acknowledged",
    TaskStatus.IN_PROGRESS: "in progress",
    TaskStatus.BLOCKED: "blocked",
    TaskStatus.DONE: "done",
    TaskStatus.CANCELLED: "cancelled",
}


def add(request: Request, text: str) -> Answer:
    """Create a task on this channel's project (leads and managers only)."""
    project = request.project_here()
    _require_lead_or_manager(request, project)
    draft = parse_task_add(text, today=_today(project, request.now))
    if not draft.ok:
        raise UserError("\n".join(["Nothing created:", *(f"• {p}" for p in draft.problems)]))
    crew = None
    if draft.crew:
        crew = projects.find_crew(request.session, project, draft.crew)
        if crew is None:
            raise UserError(
                f"Nothing created: {project.key} has no crew {draft.crew}. "
                f"Form it with `/siteloop crew {draft.crew} @lead`."
            )
    assignee = request.enroll(draft.assignee) if draft.assignee else None
    task = create_task(
        request.session,
        project.id,
        draft.title,
        now=request.now,
        location=draft.location,
        crew_id=crew.id if crew else None,
        planned_start=draft.start,
        planned_finish=draft.due,
        budget=draft.budget,
        planned_qty=draft.quantity,
        unit=draft.unit,
        cost_code=draft.cost_code,
    )
    if assignee is not None:
        _assign(request.session, project, task, assignee, request.now)
        assignment.announce(
            request.session, task, None, request.actor, request.where.channel_id, request.now
        )
    return Answer(f"Created {describe(task, project)}")


def assign(request: Request, args: list[str]) -> Answer:
    """Give a task to a person (leads and managers only)."""
    require_known_people(args)
    text = " ".join(args)
    people = extract_mentions(text)
    refs = find_task_refs(text, known_keys=project_keys(request.session))
    if len(people) != 1 or len(refs) != 1:
        raise UserError(ASSIGN_USAGE)
    task = _task(request, refs[0].key)
    _require_lead_or_manager(request, task.project)
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise UserError(f"{task.key} is {task.status.value}: there is nothing left to assign.")
    person = request.enroll(people[0])
    previous = task.assignee
    _assign(request.session, task.project, task, person, request.now)
    assignment.announce(
        request.session, task, previous, request.actor, request.where.channel_id, request.now
    )
    if previous is not None and previous.id != person.id:
        return Answer(f"{task.key} moves from {display_name(previous)} to {display_name(person)}.")
    return Answer(f"{task.key} {mrkdwn(task.title)} is assigned to {display_name(person)}.")


def show(request: Request, args: list[str], reader: Member) -> Answer:
    """Return a task's state and its last five reports, in the reader's time zone."""
    refs = find_task_refs(" ".join(args), known_keys=project_keys(request.session))
    if len(refs) != 1:
        raise UserError(SHOW_USAGE)
    task = _task(request, refs[0].key)
    zone = ZoneInfo(reader.timezone or task.project.timezone)
    lines = [
        f"*{describe(task, task.project)}*",
        f"Status: {STATUS_WORDS[task.status]}, {format_number(task.percent_complete)}% reported",
    ]
    if task.planned_qty is not None or task.installed_qty is not None:
        done, planned = format_number(task.installed_qty or Decimal(0)), _amount(task.planned_qty)
        lines.append(f"Quantity: {done} of {planned} {task.unit or ''}".rstrip())
    if task.budget is not None or task.actual_cost is not None:
        currency = task.project.currency
        spent = format_money(task.actual_cost or Decimal(0), currency)
        budget = _money(task.budget, currency)
        lines.append(f"Cost: {spent} of {budget} budget")
    if task.budget and task.status is not TaskStatus.CANCELLED:  # a cancelled task earns nothing
        lines += _earned_value(request, task)
    recent = live_updates(request.session, task, limit=5)
    lines.append("Last reports:" if recent else "No reports yet.")
    for update in recent:
        who = display_name(update.member) if update.member else update.source.value
        when = update.occurred_at.astimezone(zone).strftime("%a %d %b %H:%M")
        said = mrkdwn(plain(update.raw_text)) if update.raw_text else update.kind.value
        lines.append(f"• {when} · {who}: {said}")
    return Answer("\n".join(lines))


def _earned_value(request: Request, task: Task) -> list[str]:
    """Return the task's earned value lines (PV, EV, AC, CPI, SPI, and its forecast), as
    `rules.health` counts them for a project of this one task."""
    calendar = project_calendar_in_force(request.rules_path, task.project)
    row = request.session.execute(task_facts_query().where(Task.id == task.id)).one()
    value = project_health([task_facts(row, task.project.key)], calendar, request.now).value
    currency = task.project.currency
    return [
        f"Earned value: {money(value.ev, currency)} earned · {money(value.pv, currency)} "
        f"planned · {money(value.ac, currency)} spent · CPI {index_text(value.cpi)} · "
        f"SPI {index_text(value.spi)}",
        forecast_text(value, currency),
    ]


def describe(task: Task, project: Project) -> str:
    """Return a task's one-line description: key, title, who, where, when, budget, quantity."""
    parts = [f"{project.key}-{task.number} {mrkdwn(task.title)}"]
    if task.assignee is not None:
        parts.append(f"assigned to {display_name(task.assignee)}")
    if task.crew is not None:
        parts.append(f"{mrkdwn(task.crew.name)} crew")
    if task.location:
        parts.append(f"at {mrkdwn(task.location)}")
    if task.planned_start:
        parts.append(f"starts {_day(task.planned_start)}")
    if task.planned_finish:
        parts.append(f"due {_day(task.planned_finish)}")
    if task.budget is not None:
        parts.append(f"budget {format_money(task.budget, project.currency)}")
    if task.cost_code:
        parts.append(f"code {mrkdwn(task.cost_code)}")
    if task.planned_qty is not None:
        parts.append(f"{format_number(task.planned_qty)} {task.unit or ''}".rstrip())
    return " · ".join(parts)


def _assign(session: Session, project: Project, task: Task, person: Member, now: datetime) -> None:
    task.assignee_id = person.id
    task.assignee = person
    task.assigned_at = now
    task.acknowledged_at = None
    if task.status in (TaskStatus.PLANNED, TaskStatus.ACKNOWLEDGED):
        task.status = TaskStatus.ASSIGNED
    task.updated_at = now
    task.next_check_at = now  # the rules look at the task again (e.g. unacknowledged)
    projects.ensure_role(session, project, person, Role.CREW)
    session.flush()


def _task(request: Request, key: str) -> Task:
    task = find_task(request.session, key)
    if task is None:
        project = projects.find_project(request.session, key.split("-")[0])
        closest = nearest_keys(request.session, project, int(key.split("-")[1])) if project else []
        hint = f" Closest: {', '.join(closest)}." if closest else ""
        raise UserError(f"There is no task {key}.{hint} Type `/tasks` to see the list.")
    here = projects.project_of_channel(request.session, request.where.channel_id)
    member_of = projects.role_of(request.session, task.project, request.actor) is not None
    if (here is not None and here.id != task.project_id) or (here is None and not member_of):
        raise UserError(
            f"{task.key} belongs to another project: look it up in its project's channel."
        )
    return task


def _require_lead_or_manager(request: Request, project: Project) -> None:
    if projects.role_of(request.session, project, request.actor) not in (Role.LEAD, Role.MANAGER):
        raise UserError(f"Only {project.key}'s leads and managers create and assign tasks.")


def _today(project: Project, now: datetime) -> date:
    return now.astimezone(ZoneInfo(project.timezone)).date()


def _day(day: date) -> str:
    return day.strftime("%a %d %b %Y")


def _amount(value) -> str:
    return "?" if value is None else format_number(value)


def _money(value, currency: str) -> str:
    return "no" if value is None else format_money(value, currency)
