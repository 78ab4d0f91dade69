"""`/tasks [mine|@person|blocked|late|all|CREW]`: a project's tasks, most urgent first."""

from datetime import date
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import SECTION_LIMIT, day
from bot.services.replies import Answer, UserError
from bot.services.request import Request
from rules.grammar.numbers import format_number
from rules.slack_text import mrkdwn
from rules.task_refs import extract_mentions
from rules.vocabulary import TaskStatus
from storage import projects
from storage.members import display_name, find_member
from storage.models import Project, Task
from storage.tasks import TaskFilter, list_tasks

# Enough to scan on a phone, and far inside Slack's 50 blocks: 8 sections of ~3,000 characters.
MAX_SHOWN = 60
NARROW = (
    "Narrow it down: `/tasks blocked`, `/tasks late`, `/tasks mine`, `/tasks @person` "
    "or `/tasks CREW`."
)
MARKS = {TaskStatus.BLOCKED: "⛔", TaskStatus.DONE: "✅", TaskStatus.CANCELLED: "✖️"}


def list_for(request: Request) -> Answer:
    """Return the tasks the person asked for, as an ephemeral Block Kit list."""
    project = request.project_here()
    today = request.now.astimezone(ZoneInfo(project.timezone)).date()
    wanted, title = _filter(request, project, today)
    tasks, total = list_tasks(request.session, project, wanted, MAX_SHOWN)
    if not tasks:
        return Answer(f"No {title} on {project.key}.")
    lines = [task_line(task, project, today) for task in tasks]
    heading = f"{project.key}: {total} {title}"
    blocks: list[Block] = [HeaderBlock(text=heading[:150])]
    blocks += [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in _chunks(lines)]
    if total > len(tasks):
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"Showing the {len(tasks)} most urgent. {NARROW}")
                ]
            )
        )
    return Answer("\n".join([heading, *lines]), blocks)


def _filter(request: Request, project: Project, today: date) -> tuple[TaskFilter, str]:
    word = request.args[0].lower() if request.args else ""
    mentioned = extract_mentions(" ".join(request.args))
    if not word:
        return TaskFilter(), "open tasks"
    if word == "mine":
        return TaskFilter(assignee_id=request.actor.id), "open tasks assigned to you"
    if mentioned:
        person = find_member(request.session, mentioned[0])
        name = display_name(person) if person else f"<@{mentioned[0]}>"
        return TaskFilter(assignee_id=person.id if person else -1), f"open tasks assigned to {name}"
    if word == "blocked":
        return TaskFilter(statuses=(TaskStatus.BLOCKED,)), "blocked tasks"
    if word == "late":
        return TaskFilter(due_before=today), "late tasks"
    if word == "all":
        return TaskFilter(include_closed=True), "tasks"
    crew = projects.find_crew(request.session, project, " ".join(request.args))
    if crew is None:
        raise UserError(
            f"I don't know `{' '.join(request.args)[:40]}`. Type `/tasks`, `/tasks mine`, "
            "`/tasks @person`, `/tasks blocked`, `/tasks late`, `/tasks all`, or a crew's name."
        )
    return TaskFilter(crew_id=crew.id), f"open tasks of the {crew.name} crew"


def task_line(task: Task, project: Project, today: date) -> str:
    """Return one task as a list shows it: key, title, who, percent, blocked, due (late)."""
    parts = [f"{MARKS.get(task.status, '•')} *{project.key}-{task.number}* {_cut(task.title, 80)}"]
    parts.append(display_name(task.assignee) if task.assignee else "unassigned")
    parts.append(f"{format_number(task.percent_complete)}%")
    if task.status == TaskStatus.BLOCKED:
        parts.append("blocked")
    if task.planned_finish is not None:
        late = (today - task.planned_finish).days
        due = f"due {day(task.planned_finish)}"
        parts.append(
            f"{due} ({late} day{'s' if late != 1 else ''} late)"
            if late > 0 and task.status != TaskStatus.DONE
            else due
        )
    return " · ".join(parts)


def _chunks(lines: list[str]) -> list[str]:
    chunks, current = [], ""
    for line in lines:
        if current and len(current) + 1 + len(line) > SECTION_LIMIT:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return [*chunks, current]


def _cut(text: str, limit: int) -> str:
    return mrkdwn(text if len(text) <= limit else text[: limit - 1] + "…")
