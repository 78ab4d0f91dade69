"""`/siteloop report [YYYY-MM-DD]`: how fast this project's loop closes, for its people."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.blocks.loop_report import report_blocks, report_text
from bot.services.replies import Answer, UserError
from bot.services.request import Request
from storage.loop_metrics import LoopReport, alert_times, summarise
from storage.models import Project

USAGE = "Type `/siteloop report` for every alert, or `/siteloop report 2026-12-01` for those since."
_DATE = re.compile(r"^(?:since:)?(\d{4}-\d{2}-\d{2})$", re.IGNORECASE)


def report(request: Request) -> Answer:
    """Answer with the loop report of this channel's project (optionally since a date)."""
    project = request.project_here()
    since = parse_since(request.args)
    loop = project_report(request.session, project, since)
    return Answer(
        text=report_text(loop, project.key, project.name, since),
        blocks=report_blocks(loop, project.key, project.name, since),
    )


def project_report(session: Session, project: Project, since: date | None) -> LoopReport:
    """Return the loop report of `project`'s alerts opened since its local midnight of `since`."""
    start = None
    if since is not None:
        start = datetime.combine(since, time(), ZoneInfo(project.timezone))
    return summarise(alert_times(session, project.id, start))


def parse_since(args: list[str]) -> date | None:
    """Return the date a report starts from (`2026-12-01` or `since:2026-12-01`), or None."""
    if not args:
        return None
    match = _DATE.match(args[0]) if len(args) == 1 else None
    if match is None:
        raise UserError(USAGE)
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        raise UserError(f"`{args[0][:20]}` is not a date. {USAGE}") from None
