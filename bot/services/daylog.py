"""`/log`: keep the site's daily log from Slack — weather, delays, manpower, notes — and read
a day of it (`rules.grammar.log` reads the line; `storage.daylog` keeps it).

Anyone on the project may log. A delay names a task, a crew of the project or the whole
project; a weather stoppage is also a weather delay for the whole project. What was typed is
kept as typed and escaped where it is shown. A command Slack delivers twice is recorded once
(its trigger id is the entries' source key).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.task_card import describe_wait
from bot.blocks.text import HEADER_LIMIT, SECTION_LIMIT, clip, number
from bot.blocks.text import day as short_day
from bot.notify.tick import project_calendar_in_force, rules_in_force
from bot.services.replies import Answer, UserError
from bot.services.request import Request
from rules.calendar import Calendar
from rules.grammar.log import ALL, Delay, LogError, LogLine, Manpower, Note, Weather, parse_log
from rules.slack_text import mrkdwn, plain
from rules.vocabulary import LogKind
from storage import daylog, projects
from storage.members import display_name
from storage.models import LogEntry, Project
from storage.tasks import find_task


def log(request: Request, text: str, source_key: str) -> Answer:
    """Record the entry `/log text` gives, or show the day it names; say what was understood."""
    project = request.project_here()
    if projects.role_of(request.session, project, request.actor) is None:
        raise UserError(
            f"Only {project.key}'s people keep its daily log: ask its manager to add you."
        )
    calendar = project_calendar_in_force(request.rules_path, project)
    today = calendar.local_date(request.now)
    delay_types = rules_in_force(request.rules_path).delay_types
    try:
        line = parse_log(plain(text), today, delay_types)
    except LogError as refusal:
        raise UserError(str(refusal)) from None
    if line.entry is None:
        return show(request, project, calendar, line.day)
    entries = _entries(request, project, calendar, line, source_key)
    daylog.add_entries(request.session, entries)
    said = (
        f"📝 Logged for {short_day(line.day)}: {_said(entries[0], calendar.zone, confirming=True)}"
    )
    shown = show(request, project, calendar, line.day)
    return Answer(text=f"{said}\n\n{shown.text}", blocks=[_section(said), *shown.blocks])


def show(request: Request, project: Project, calendar: Calendar, day: date) -> Answer:
    """Answer with the project's daily log of `day`."""
    entries = daylog.day_entries(request.session, project.id, day)
    start = calendar.start_of_day(day)
    reported = daylog.reported_manpower(
        request.session, project.id, start, calendar.start_of_day(day + timedelta(days=1))
    )
    title = clip(f"Daily log · {project.name} ({project.key}) · {short_day(day)}", HEADER_LIMIT)
    parts = _parts(entries, reported, calendar)
    if not parts:
        empty = f"Nothing logged for {short_day(day)} yet. Type `/log weather sunny 31°C` to start."
        return Answer(text=f"{title}\n{empty}", blocks=[HeaderBlock(text=title), _section(empty)])
    blocks: list[Block] = [HeaderBlock(text=title), *(_section(part) for part in parts)]
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text="Add to it: `/log weather|delay|manpower|note …`")]
        )
    )
    return Answer(text="\n".join([title, *parts]), blocks=blocks)


def _entries(
    request: Request, project: Project, calendar: Calendar, line: LogLine, key: str
) -> list[LogEntry]:
    entry = line.entry

    def row(kind: LogKind, suffix: str = "", **fields) -> LogEntry:
        return LogEntry(
            project_id=project.id,
            day=line.day,
            kind=kind,
            member_id=request.actor.id,
            recorded_at=request.now,
            source_key=f"{key}{suffix}",
            **fields,
        )

    if isinstance(entry, Weather):
        weather = row(
            LogKind.WEATHER,
            conditions=entry.conditions[:255] or None,
            precipitation_mm=entry.precipitation_mm,
            temperature_c=entry.temperature_c,
            **_window_fields(calendar, line.day, entry.stopped),
        )
        if entry.stopped is None:
            return [weather]
        stoppage = row(
            LogKind.DELAY,
            ":stoppage",
            delay_type="weather",
            text=entry.conditions or "weather stoppage",
            **_window_fields(calendar, line.day, entry.stopped),
        )
        return [weather, stoppage]
    if isinstance(entry, Delay):
        task_id, crew_id = _scope(request, project, entry.scope)
        window = _window_fields(calendar, line.day, entry.window)
        if not window:
            window = {"minutes": _minutes(entry.length)}
        return [
            row(
                LogKind.DELAY,
                task_id=task_id,
                crew_id=crew_id,
                delay_type=entry.delay_type,
                text=entry.reason,
                **window,
            )
        ]
    if isinstance(entry, Manpower):
        _, crew_id = _scope(request, project, entry.crew, crews_only=True)
        return [row(LogKind.MANPOWER, crew_id=crew_id, workers=entry.workers, hours=entry.hours)]
    assert isinstance(entry, Note)
    return [row(LogKind.NOTE, text=entry.text)]


def _window_fields(calendar: Calendar, day: date, window) -> dict:
    if window is None:
        return {}
    return {
        "starts_at": _at(calendar, day, window.start),
        "ends_at": _at(calendar, day, window.end),
        "minutes": _minutes(window.length),
    }


def _at(calendar: Calendar, day: date, moment: time) -> datetime:
    """Return the instant of a site time on a site day."""
    return datetime.combine(day, moment, tzinfo=calendar.zone)


def _minutes(length: timedelta) -> int:
    return max(1, int(length.total_seconds() // 60))


def _scope(
    request: Request, project: Project, scope: str, *, crews_only: bool = False
) -> tuple[int | None, int | None]:
    """Return (task id, crew id) of what a delay or manpower names; (None, None): the project."""
    if scope == ALL and not crews_only:
        return None, None
    if not crews_only and "-" in scope:
        task = find_task(request.session, scope)
        if task is None or task.project_id != project.id:
            raise UserError(
                f"{scope[:20]} is not a task of {mrkdwn(project.name)}: check its key "
                "(`/tasks all` lists them)."
            )
        return task.id, None
    crew = projects.find_crew(request.session, project, scope)
    if crew is not None:
        return None, crew.id
    crews = sorted(c.name for c in project.crews)
    known = ", ".join(mrkdwn(c) for c in crews) or "none yet (`/siteloop crew Concrete @lead`)"
    whole = "" if crews_only else ", a task's key (TWR-42) or `all` for the whole project"
    raise UserError(
        f"`{mrkdwn(scope[:40])}` is not a crew of {mrkdwn(project.name)}: "
        f"its crews are {known}{whole}."
    )


def _said(entry: LogEntry, zone: ZoneInfo, *, confirming: bool = False) -> str:
    """Return an entry as one line: what was understood."""
    if entry.kind is LogKind.WEATHER:
        parts = [mrkdwn(entry.conditions)] if entry.conditions else []
        if entry.precipitation_mm is not None:
            parts.append(f"{number(entry.precipitation_mm, 1)} mm")
        if entry.temperature_c is not None:
            parts.append(f"{number(entry.temperature_c, 1)} °C")
        if entry.starts_at is not None and entry.ends_at is not None:
            stopped = f"work stopped {_span(entry, zone)}"
            if confirming:  # in the log, the delay is listed under Delays
                stopped += ", a weather delay for the whole project"
            parts.append(stopped)
        return "weather " + " · ".join(parts)
    if entry.kind is LogKind.DELAY:
        reason = mrkdwn(entry.text or "")
        return f"{_scope_name(entry)} — {entry.delay_type} delay, {_length(entry, zone)}: {reason}"
    if entry.kind is LogKind.MANPOWER:
        hours = f" × {number(entry.hours, 2)} h" if entry.hours is not None else ""
        return f"{_scope_name(entry)} — {entry.workers} workers{hours}"
    return f"note: {mrkdwn(entry.text or '')}"


def _parts(entries: list[LogEntry], reported, calendar: Calendar) -> list[str]:
    def by(entry: LogEntry) -> str:
        return f" · {mrkdwn(display_name(entry.member))}" if entry.member else ""

    zone = calendar.zone
    weather = [e for e in entries if e.kind is LogKind.WEATHER]
    delays = [e for e in entries if e.kind is LogKind.DELAY]
    manpower = [e for e in entries if e.kind is LogKind.MANPOWER]
    notes = [e for e in entries if e.kind is LogKind.NOTE]
    parts = []
    if weather:
        parts.append(
            "*Weather*\n"
            + "\n".join(_said(e, zone).removeprefix("weather ") + by(e) for e in weather)
        )
    if delays:
        total = sum((e.minutes or 0 for e in delays), 0)
        lines = [f"• {_said(e, zone)}{by(e)}" for e in delays]
        parts.append(
            f"*Delays* ({describe_wait(timedelta(minutes=total))} in all)\n" + "\n".join(lines)
        )
    logged = {e.crew.name for e in manpower if e.crew is not None}
    lines = [f"• {_said(e, zone)} (logged){by(e)}" for e in manpower]
    for seen in reported:
        if seen.crew in logged:
            continue  # the crew's own count stands; its reports are not added to it
        crew = mrkdwn(seen.crew) if seen.crew else "No crew"
        reports = "report" if seen.reports == 1 else "reports"
        lines.append(
            f"• {crew} — up to {seen.workers} workers, {number(seen.worker_hours, 1)} worker-hours "
            f"(from {seen.reports} {reports})"
        )
    if lines:
        parts.append("*Manpower*\n" + "\n".join(lines))
    if notes:
        parts.append("*Notes*\n" + "\n".join(f"• {mrkdwn(e.text or '')}{by(e)}" for e in notes))
    return parts


def _scope_name(entry: LogEntry) -> str:
    if entry.task is not None:
        return f"{entry.task.key} {mrkdwn(entry.task.title)}"
    if entry.crew is not None:
        return mrkdwn(entry.crew.name)
    return "whole project"


def _length(entry: LogEntry, zone: ZoneInfo) -> str:
    length = describe_wait(timedelta(minutes=entry.minutes or 0))
    return f"{_span(entry, zone)} ({length})" if entry.starts_at is not None else length


def _span(entry: LogEntry, zone: ZoneInfo) -> str:
    """Return a window as the site reads it: 07:00–10:00."""
    assert entry.starts_at is not None and entry.ends_at is not None
    return f"{entry.starts_at.astimezone(zone):%H:%M}–{entry.ends_at.astimezone(zone):%H:%M}"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)))
