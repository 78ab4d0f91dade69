"""The end-of-day digest: drawn up, queued once per project and day, its chart in its thread.

- `queue_due_digests` (run after every rule tick) queues, for each project whose digest is on,
  the digest of its latest working day whose digest time has passed: today once the day's
  last shift ends (or the rules file's `digest: {at: "HH:MM"}`), else the last working day
  before. Each project and day is posted once (the outbox's dedupe key); a siteloop that was
  down at the time posts the missed digest when it is back, once, not one per missed day.
- Once Slack has the digest, `digest_delivered` (the dispatcher's after-sent step) queues its
  S-curve as a reply in the digest's thread; `add_chart` (the chart's before-send step) draws
  the PNG just before it is uploaded, so the outbox keeps no image bytes.

`draw_up` is the one way a digest is written: the tick, `siteloop digest` and the tests use it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.digest import digest_blocks, digest_text, digest_title
from bot.blocks.health import HealthView
from bot.blocks.text import full_day
from bot.charts.scurve import render_s_curve
from bot.notify.tick import project_calendar_in_force
from rules.calendar import Calendar
from rules.rulebook import DigestPlan, Rulebook
from rules.vocabulary import OutboxKind
from storage import home, outbox, projects
from storage.db import session_scope
from storage.digest import DigestRead, read_digest
from storage.models import OutboxMessage, Project
from storage.scurve import read_s_curve
from storage.tick import project_calendar

log = logging.getLogger("digest")

# How far back a siteloop that was down looks for the working day it missed.
LOOKBACK_DAYS = 14


@dataclass(frozen=True)
class DraftDigest:
    """A day's digest written out for a reader in `view.zone`."""

    read: DigestRead
    view: HealthView
    text: str
    blocks: list[dict[str, Any]]

    @property
    def title(self) -> str:
        return digest_title(self.view, self.read.digest)


def draw_up(
    session: Session,
    project: Project,
    calendar: Calendar,
    plan: DigestPlan,
    day: date,
    now: datetime,
    zone: ZoneInfo | None = None,
) -> DraftDigest:
    """Return `project`'s digest of local `day` under `plan`, as it stands at `now` or, once
    its time has passed, at its time (a digest posted late says what it would have said);
    times in `zone` (default: the site's)."""
    read = read_digest(session, project, calendar, day, digest_span(plan, calendar, day, now))
    view = HealthView(
        key=project.key,
        name=project.name,
        currency=project.currency,
        zone=zone or ZoneInfo(project.timezone),
        titles=read.health.titles,
    )
    blocks = [b.to_dict() for b in digest_blocks(view, read.digest, read.names)]
    return DraftDigest(read, view, digest_text(view, read.digest, read.names), blocks)


def digest_span(
    plan: DigestPlan, calendar: Calendar, day: date, now: datetime
) -> tuple[datetime, datetime]:
    """Return what the digest of `day` covers at `now`: from the previous digest to this
    one's time, or to `now` before then."""
    start, end = plan.span(day, calendar)
    return start, max(start, min(now, end))


def due_day(plan: DigestPlan, calendar: Calendar, now: datetime, since: date) -> date | None:
    """Return the latest working day, on or after `since`, whose digest time has passed at
    `now`; None if there is none within the lookback."""
    today = calendar.local_date(now)
    for back in range(LOOKBACK_DAYS + 1):
        day = today - timedelta(days=back)
        if day < since:
            return None
        instant = plan.instant_on(day, calendar)
        if instant is not None and instant <= now:
            return day
    return None


def dedupe_key(project_id: int, day: date) -> str:
    return f"digest:{project_id}:{day.isoformat()}"


def queue_due_digests(sessions: sessionmaker[Session], rulebook: Rulebook, now: datetime) -> int:
    """Queue every project's due digest that is not queued yet; return how many were queued.

    Each digest is drawn up in a read-only session and queued in a short transaction of its
    own (the dedupe key makes a concurrent replica's copy the same message).
    """
    with session_scope(sessions, read_only=True) as session:
        due = _due(session, rulebook, now)
    queued = 0
    for project_id, day, target in due:
        try:
            with session_scope(sessions) as session:
                project = session.get_one(Project, project_id)
                calendar = project_calendar(rulebook, project.key, project.calendar)
                plan = rulebook.digest_for(project.key) or DigestPlan()
                queued += queue_digest(session, project, calendar, plan, day, now, target)
        except Exception:  # one project's fault must not hold back the others' digests
            log.exception("could not queue the digest of project %s for %s", project_id, day)
    return queued


def queue_digest(
    session: Session,
    project: Project,
    calendar: Calendar,
    plan: DigestPlan,
    day: date,
    now: datetime,
    target: str,
) -> int:
    """Queue `project`'s digest of `day` to `target`, once; return 1 if it was new, else 0."""
    key = dedupe_key(project.id, day)
    if session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return 0
    draft = draw_up(session, project, calendar, plan, day, now)
    at = digest_span(plan, calendar, day, now)[1]  # the chart is drawn as of the same instant
    payload = {
        "method": outbox.POST_MESSAGE,
        "args": {"text": draft.text, "blocks": draft.blocks, "unfurl_links": False},
        "chart": {"project_id": project.id, "day": day.isoformat(), "at": at.isoformat()},
    }
    outbox.enqueue(
        session,
        kind=OutboxKind.DIGEST,
        target=target,
        payload=payload,
        now=now,
        project_id=project.id,
        dedupe_key=key,
    )
    return 1


def _due(session: Session, rulebook: Rulebook, now: datetime) -> list[tuple[int, date, str]]:
    """Return (project id, day, where to post) of each digest due and not queued yet."""
    wanted: dict[str, tuple[int, date, str]] = {}
    for project in session.scalars(sa.select(Project).order_by(Project.id)):
        plan = rulebook.digest_for(project.key)
        if plan is None:
            continue
        calendar = project_calendar(rulebook, project.key, project.calendar)
        since = calendar.local_date(project.created_at)
        day = due_day(plan, calendar, now, since)
        target = digest_target(session, plan, project)
        if day is not None and target is not None:
            wanted[dedupe_key(project.id, day)] = (project.id, day, target)
    if not wanted:
        return []
    taken = set(
        session.scalars(
            sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(wanted))
        )
    )
    return [due for key, due in wanted.items() if key not in taken]


def digest_target(session: Session, plan: DigestPlan, project: Project) -> str | None:
    """Return where `project`'s digest goes: the plan's channel, else the project's first
    linked channel; None when it has none."""
    if plan.to:
        return plan.to
    channels = projects.channels_of(session, project)
    return channels[0].slack_channel_id if channels else None


def chart_filename(key: str, day: str) -> str:
    """Return the chart's file name, which tells it apart in its thread:
    TWR-s-curve-2026-12-04.png."""
    return f"{key}-s-curve-{day}.png"


def digest_delivered(session: Session, job: Any, channel: str, ts: str, now: datetime) -> None:
    """After-sent step for digests: queue the S-curve as a reply in the digest's thread."""
    chart = job.payload.get("chart")
    project = session.get(Project, chart["project_id"]) if chart else None
    if project is None:
        return
    day_label = full_day(date.fromisoformat(chart["day"]))
    outbox.enqueue(
        session,
        kind=OutboxKind.DIGEST_CHART,
        target=channel,
        thread_ts=ts,
        payload={
            "method": outbox.UPLOAD_FILE,
            "args": {
                "filename": chart_filename(project.key, chart["day"]),
                "title": f"{project.name} ({project.key}) · S-curve to {day_label}",
                "alt_txt": "S-curve: planned value, earned value and actual cost over time",
            },
            "chart": chart,
        },
        now=now,
        project_id=project.id,
        dedupe_key=f"digest-chart:{project.id}:{chart['day']}",
    )


def chart_delivered(session: Session, job: Any, channel: str, ts: str, now: datetime) -> None:
    """After-sent step for charts: the project's people see the new S-curve on their Home."""
    chart = job.payload.get("chart")
    if chart:
        home.ask_for_project(session, chart["project_id"])


def chart_png(session: Session, project: Project, calendar: Calendar, at: datetime) -> bytes:
    """Return `project`'s S-curve at `at` as a PNG, days in the site's time zone."""
    curve = read_s_curve(session, project, calendar, at)
    title = f"{project.name} ({project.key}) · S-curve"
    return render_s_curve(curve, title, project.currency, ZoneInfo(project.timezone))


def chart_step(rules_path: Path | None):
    """Return the before-send step that draws a digest's chart (on the rules in force)."""

    def add_chart(
        sessions: sessionmaker[Session], client: WebClient, job: Any
    ) -> Mapping[str, Any] | None:
        chart = job.payload["chart"]
        with session_scope(sessions, read_only=True) as session:
            project = session.get_one(Project, chart["project_id"])
            calendar = project_calendar_in_force(rules_path, project)
            png = chart_png(session, project, calendar, datetime.fromisoformat(chart["at"]))
        return {**job.payload, "args": {**job.payload["args"], "content": png}}

    return add_chart
