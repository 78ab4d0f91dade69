"""The site report as one self-contained HTML page, printable on A4 (pure).

No network is needed to open it: the stylesheet is inline and the S-curve is embedded as a
data URL. What people typed (titles, names, notes) is escaped once, by Jinja2's autoescape.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment, PackageLoader, select_autoescape

from bot.blocks.health import index_text, percent_text
from bot.blocks.loop_report import RULE_COLUMNS, duration, ended_text
from bot.blocks.task_card import STATUS_LABELS, describe_wait
from bot.blocks.text import day_and_time, full_day, money, signed_money
from bot.services.site_report import SiteReport
from rules.health import ProjectHealth

_PAGES = Environment(
    loader=PackageLoader("bot.pages"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Figures:
    """One line of numbers: the project's, or a crew's."""

    name: str
    open_tasks: int
    tasks: int
    done: str
    planned: str
    pv: str
    ev: str
    ac: str
    cpi: str
    spi: str
    bac: str
    eac: str
    vac: str
    tcpi: str


@dataclass(frozen=True)
class HeldUp:
    """A late or blocked task, and why."""

    key: str
    title: str
    who: str
    due: str
    state: str
    reason: str


def render_site_report(report: SiteReport) -> str:
    """Return the report as an HTML document."""
    health = report.health
    return _PAGES.get_template("site_report.html").render(
        report=report,
        title=f"{report.name} ({report.key}) · site report",
        as_of=f"{full_day(report.now.astimezone(report.zone).date())} "
        f"{report.now.astimezone(report.zone):%H:%M} ({report.zone.key})",
        project=_figures(report, "The project", health),
        status_counts=", ".join(
            f"{n} {STATUS_LABELS[status].lower()}"
            for status, n in sorted(health.tasks_by_status.items(), key=lambda item: -item[1])
        ),
        crews=[_figures(report, name, crew) for name, crew in report.crews.items()],
        codes=[_figures(report, code, group) for code, group in report.codes.items()],
        held_up=_held_up(report),
        alerts=[
            (group.rule_id, group.count, describe_wait(health.now - group.oldest_opened_at))
            for group in health.open_alerts
        ],
        last_report=_when(report, health.last_report_at),
        metrics=report.loop,
        stages=[
            (stage, spread.count, duration(spread.median), duration(spread.p90))
            for stage, spread in report.loop.stages
        ],
        rule_columns=RULE_COLUMNS,
        rules=[
            (c.rule_id, [getattr(c, column) for column in RULE_COLUMNS]) for c in report.loop.rules
        ],
        ended=ended_text(report.loop) if report.loop.alerts else "no alert yet",
        chart=base64.b64encode(report.chart).decode("ascii"),
    )


def _figures(report: SiteReport, name: str, health: ProjectHealth) -> Figures:
    def amount(value) -> str:
        return money(value, report.currency)

    value = health.value
    return Figures(
        name=name,
        open_tasks=health.open_tasks,
        tasks=sum(health.tasks_by_status.values()),
        done=percent_text(health.percent_complete),
        planned=percent_text(health.planned_percent),
        pv=amount(health.planned_value),
        ev=amount(health.earned_value),
        ac=amount(health.actual_cost),
        cpi=index_text(health.cpi),
        spi=index_text(health.spi),
        bac=amount(value.bac),
        eac="–" if value.eac is None else amount(round(value.eac)),  # whole units, as forecasts
        vac="–" if value.vac is None else signed_money(round(value.vac), report.currency),
        tcpi=index_text(value.tcpi),
    )


def _held_up(report: SiteReport) -> list[HeldUp]:
    health = report.health
    blocked = {b.task.id: b for b in health.blocked}
    tasks = [*health.late, *(b.task for b in health.blocked if b.task not in health.late)]
    rows = []
    for task in tasks:
        states = []
        if task in health.late:
            states.append("late")
        if task.id in blocked:
            since = blocked[task.id].since
            states.append(
                f"blocked for {describe_wait(health.now - since)}" if since else "blocked"
            )
        said = report.reasons.get(task.id)
        rows.append(
            HeldUp(
                key=task.key,
                title=report.read.titles.get(task.id, ""),
                who=report.names.get(task.assignee_user_id or "", "unassigned"),
                due=full_day(task.planned_finish) if task.planned_finish else "—",
                state=", ".join(states),
                reason=f"“{said.note}” ({_when(report, said.at)})" if said else "no word yet",
            )
        )
    return rows


def _when(report: SiteReport, at: datetime | None) -> str:
    return "—" if at is None else day_and_time(at.astimezone(report.zone))
