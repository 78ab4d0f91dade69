"""`siteloop import tasks FILE.csv --project KEY`: a schedule from a spreadsheet becomes tasks.

1. Read every row (`rules.schedule_rows`) and check it against the project (crews are created
   as needed; assignees must be known by Slack id or email).
2. If any row is invalid, nothing is imported unless the caller skips invalid rows.
3. Each valid row updates its task — matched by external id, then key, then title — or creates
   one, so importing the same file again updates instead of duplicating.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from rules.schedule_rows import ScheduleRow, map_headers, read_row
from rules.vocabulary import TaskStatus
from storage import projects
from storage.members import save_member
from storage.models import Member, Project, Task
from storage.tasks import create_task

_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


class ScheduleError(Exception):
    """The file can't be read as a schedule at all (missing, empty, no title column)."""


@dataclass
class Schedule:
    """A read spreadsheet: its rows, and the headers that meant nothing to siteloop."""

    rows: list[ScheduleRow]
    ignored_headers: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0


def read_schedule(path: Path, *, day_first: bool | None) -> Schedule:
    """Return the rows of a CSV export (comma, semicolon or tab separated; UTF-8, BOM or not)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScheduleError(f"{path} does not exist") from None
    except UnicodeDecodeError:
        raise ScheduleError(
            f"{path} is not UTF-8 text: export it from the spreadsheet as CSV UTF-8"
        ) from None
    if not text.strip():
        raise ScheduleError(f"{path} is empty")
    header = text.splitlines()[0]
    # Spreadsheets in comma-decimal locales export with semicolons (or tabs).
    dialect = csv.excel if "," in header else csv.Sniffer().sniff(header, delimiters=",;\t")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns, ignored = map_headers(reader.fieldnames or [])
    if "title" not in columns:
        raise ScheduleError(
            f"{path} has no title column: name one `title` (or task name, activity, description)"
        )
    rows = [
        read_row(number, row, columns, day_first=day_first)
        for number, row in enumerate(reader, start=2)
    ]
    return Schedule(rows, ignored)


def check_rows(
    session: Session, project: Project, rows: Iterable[ScheduleRow]
) -> list[ScheduleRow]:
    """Return the rows with the problems only the database can see (keys, assignees) added."""
    checked = []
    for row in rows:
        problems = list(row.problems)
        if row.key and not row.key.startswith(f"{project.key}-"):
            problems.append(f"key: {row.key} belongs to another project, not {project.key}")
        elif row.key and _by_number(session, project, row.key) is None:
            problems.append(f"key: there is no task {row.key}; leave the key empty to create one")
        if row.assignee and not _known_assignee(session, row.assignee):
            problems.append(
                f"assignee: nobody known as {row.assignee} (use a Slack user id like U0123ABC, "
                "or the email of someone siteloop has met)"
            )
        checked.append(replace(row, problems=tuple(problems)))
    return checked


def import_rows(
    session: Session,
    project: Project,
    rows: list[ScheduleRow],
    now: datetime,
    progress: Callable[[], None] = lambda: None,
) -> ImportResult:
    """Create or update a task per valid row (invalid rows are counted as skipped)."""
    result = ImportResult()
    for row in rows:
        progress()
        if not row.ok:
            result.skipped += 1
            continue
        task = _existing(session, project, row)
        values = _values(session, project, row, now)
        if task is None:
            task = create_task(session, project.id, row.title, now=now, external_id=row.external_id)
            result.created += 1
        else:
            result.updated += 1
        newly_assigned = values["assignee_id"] not in (None, task.assignee_id)
        for name, value in values.items():
            setattr(task, name, value)
        task.title, task.updated_at, task.next_check_at = row.title, now, now
        if newly_assigned:
            task.assigned_at = now
            if task.status == TaskStatus.PLANNED:
                task.status = TaskStatus.ASSIGNED
    session.flush()
    return result


def _values(session: Session, project: Project, row: ScheduleRow, now: datetime) -> dict:
    crew = None
    if row.crew:
        crew = projects.find_crew(session, project, row.crew) or projects.create_crew(
            session, project, name=row.crew[:255], lead=None
        )
    assignee = _assignee(session, row.assignee, now) if row.assignee else None
    return {
        "location": row.location,
        "crew_id": crew.id if crew else None,
        "assignee_id": assignee.id if assignee else None,
        "planned_start": row.start,
        "planned_finish": row.due,
        "budget": row.budget,
        "planned_qty": row.quantity,
        "unit": row.unit,
        "cost_code": row.cost_code,
    }


def _existing(session: Session, project: Project, row: ScheduleRow) -> Task | None:
    if row.external_id:
        found = session.scalars(
            sa.select(Task).where(
                Task.project_id == project.id, Task.external_id == row.external_id
            )
        ).first()
        if found is not None:
            return found
    if row.key:
        return _by_number(session, project, row.key)
    same_title = session.scalars(
        sa.select(Task)
        .where(Task.project_id == project.id, sa.func.lower(Task.title) == row.title.lower())
        .limit(2)
    ).all()
    return same_title[0] if len(same_title) == 1 and not row.external_id else None


def _by_number(session: Session, project: Project, key: str) -> Task | None:
    number = int(key.split("-")[1])
    return session.scalars(
        sa.select(Task).where(Task.project_id == project.id, Task.number == number)
    ).first()


def _known_assignee(session: Session, written: str) -> bool:
    if _SLACK_ID.match(written):
        return True  # enrolled on import; their profile is read on their first contact
    return _by_email(session, written) is not None


def _assignee(session: Session, written: str, now: datetime) -> Member | None:
    if _SLACK_ID.match(written):
        return save_member(session, written, None, now)
    return _by_email(session, written)


def _by_email(session: Session, email: str) -> Member | None:
    return session.scalars(
        sa.select(Member).where(sa.func.lower(Member.email) == email.lower())
    ).first()
