"""`siteloop report --html`: everything the weekly site meeting looks at, gathered once.

The project's health (`rules.health`), the same for each crew and each cost code, why each
late or blocked task is held up (the report that blocked it, or the latest word on it), the
loop metrics and the S-curve, read in one read-only session and handed to `bot.pages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.services.digest import chart_png
from bot.services.loop_report import project_report
from rules.calendar import Calendar
from rules.health import ProjectHealth, health_by_group
from rules.vocabulary import UpdateKind
from storage.health import HealthRead, Said, cost_codes_of, crews_of, latest_notes, read_health
from storage.loop_metrics import LoopReport
from storage.members import display_name
from storage.models import Member, Project

NO_CREW = "No crew"
NO_CODE = "No cost code"


@dataclass(frozen=True)
class SiteReport:
    """A project's report at `now`, for a reader in `zone`."""

    name: str
    key: str
    currency: str
    zone: ZoneInfo
    now: datetime
    read: HealthRead
    crews: dict[str, ProjectHealth]  # by crew name, "No crew" last
    codes: dict[str, ProjectHealth]  # by cost code, "No cost code" last; {} when none has one
    reasons: dict[int, Said]  # by task id: what blocked it, or the latest word on a late task
    names: dict[str, str]  # people's names by Slack user id
    loop: LoopReport
    chart: bytes  # the S-curve, PNG

    @property
    def health(self) -> ProjectHealth:
        return self.read.health


def site_report(
    session: Session,
    project: Project,
    calendar: Calendar,
    now: datetime,
    zone: ZoneInfo | None = None,
    since: date | None = None,
) -> SiteReport:
    """Return `project`'s report at `now`, times in `zone` (default: the site's), its loop
    metrics over the alerts opened `since` (default: all)."""
    read = read_health(session, project, calendar, now)
    crew_of = crews_of(session, project)
    grouped = {t.id: crew_of.get(t.id, NO_CREW) for t in read.tasks}
    crews = health_by_group(read.tasks, grouped, calendar, now)
    if NO_CREW in crews:  # the unassigned work comes after the crews
        crews[NO_CREW] = crews.pop(NO_CREW)
    code_of = cost_codes_of(session, project)
    codes: dict[str, ProjectHealth] = {}
    if code_of:
        coded = {t.id: code_of.get(t.id, NO_CODE) for t in read.tasks}
        codes = health_by_group(read.tasks, coded, calendar, now)
        if NO_CODE in codes:
            codes[NO_CODE] = codes.pop(NO_CODE)
    health = read.health
    blocked = latest_notes(session, [b.task.id for b in health.blocked], UpdateKind.BLOCKED)
    late = latest_notes(session, [t.id for t in health.late if t.id not in blocked])
    people = {t.assignee_user_id for t in read.tasks if t.assignee_user_id}
    members = session.scalars(sa.select(Member).where(Member.slack_user_id.in_(people)))
    return SiteReport(
        name=project.name,
        key=project.key,
        currency=project.currency,
        zone=zone or ZoneInfo(project.timezone),
        now=now,
        read=read,
        crews=crews,
        codes=codes,
        reasons={**late, **blocked},
        names={m.slack_user_id: display_name(m) for m in members},
        loop=project_report(session, project, since),
        chart=chart_png(session, project, calendar, now),
    )
