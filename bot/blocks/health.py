"""A project's health in words and in Block Kit, for `/siteloop status` (pure).

It shows a `rules.health.ProjectHealth` as a manager reads it: progress against the plan for
today, earned value, what is late, blocked and due this week, the open alerts and who has
gone quiet. Amounts are in the project's currency, times in the reader's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    ImageBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.task_card import STATUS_LABELS, describe_wait
from bot.blocks.text import (
    HEADER_LIMIT,
    SECTION_LIMIT,
    clip,
    day,
    day_and_time,
    money,
    number,
    signed_money,
)
from rules.earned_value import EarnedValue
from rules.facts import TaskFacts
from rules.health import ProjectHealth
from rules.slack_text import mrkdwn
from storage.digest import PostedChart

MAX_LISTED = 8  # tasks named per list; the rest are counted (`/tasks late` lists them all)


@dataclass(frozen=True)
class HealthView:
    """What the layout needs besides the health: whose project, in what money and time."""

    key: str
    name: str
    currency: str
    zone: ZoneInfo
    titles: dict[int, str]


def health_text(view: HealthView, health: ProjectHealth) -> str:
    """Return the health as one plain text (the notification and fallback)."""
    return "\n".join(_lines(view, health))


def health_blocks(view: HealthView, health: ProjectHealth) -> list[Block]:
    """Return the health laid out: a header, then one section per part."""
    heading = clip(f"{view.name} ({view.key})", HEADER_LIMIT)
    blocks: list[Block] = [HeaderBlock(text=heading)]
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=clip(part, SECTION_LIMIT)))
        for part in _parts(view, health)
    ]
    when = day_and_time(health.now.astimezone(view.zone))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"As of {when}.")]))
    return blocks


def s_curve_blocks(view: HealthView, chart: PostedChart | None) -> list[Block]:
    """Return the project's S-curve as Slack has it (the file of its latest end-of-day digest),
    or a line saying when the first one comes."""
    if chart is None:
        note = "The S-curve comes with the end-of-day digest, in the project's channel."
        return [ContextBlock(elements=[MarkdownTextObject(text=note)])]
    return [
        ImageBlock(
            slack_file={"id": chart.file_id},
            alt_text="S-curve: planned value, earned value and actual cost over time",
            title=clip(f"{view.key} S-curve to {day(chart.day)}", HEADER_LIMIT),
        )
    ]


def _lines(view: HealthView, health: ProjectHealth) -> list[str]:
    when = day_and_time(health.now.astimezone(view.zone))
    return [f"{mrkdwn(view.name)} ({view.key}), as of {when}", *_parts(view, health)]


def _parts(view: HealthView, health: ProjectHealth) -> list[str]:
    return [
        progress_part(health),
        value_part(view, health),
        _tasks(view, health),
        _alerts(health),
        _reporting(view, health),
    ]


def progress_part(health: ProjectHealth) -> str:
    done = percent_text(health.percent_complete)
    planned = percent_text(health.planned_percent)
    return f"*Progress*\n{done} done · the plan says {planned} by now"


def value_part(view: HealthView, health: ProjectHealth) -> str:
    def amount(value: Decimal) -> str:
        return money(value, view.currency)

    text = (
        f"*Earned value*\n{amount(health.earned_value)} earned · "
        f"{amount(health.planned_value)} planned · {amount(health.actual_cost)} spent\n"
        f"CPI {index_text(health.cpi)} · SPI {index_text(health.spi)}"
    )
    if health.budget_at_completion > 0:
        text += "\n" + forecast_text(health.value, view.currency)
    return text


def forecast_text(value: EarnedValue, currency: str) -> str:
    """Return where the budget is heading:
    "Budget $1,500 · EAC $1,800 · ETC $1,200 · VAC -$300 · TCPI 1.11"."""
    # Forecasts read in whole units: their cents would claim a precision they do not have.
    eac = "–" if value.eac is None else money(round(value.eac), currency)
    etc = "–" if value.etc is None else money(round(value.etc), currency)
    vac = "–" if value.vac is None else signed_money(round(value.vac), currency)
    return (
        f"Budget {money(value.bac, currency)} · EAC {eac} · ETC {etc} · VAC {vac} · "
        f"TCPI {index_text(value.tcpi)}"
    )


def _tasks(view: HealthView, health: ProjectHealth) -> str:
    counts = ", ".join(
        f"{n} {STATUS_LABELS[status].lower()}"
        for status, n in sorted(health.tasks_by_status.items(), key=lambda item: -item[1])
    )
    due = [(t, f"due {_finish(t)}") for t in health.due_this_week]
    lines = [f"*Tasks*\n{health.open_tasks} open ({counts or 'none yet'})"]
    lines += late_and_blocked(view, health)
    lines += listed_part(view, "Due this week", due)
    return "\n".join(lines)


def late_and_blocked(view: HealthView, health: ProjectHealth) -> list[str]:
    """Return the lines listing the late tasks, then the blocked ones and for how long."""
    late = [(t, f"was due {_finish(t)}") for t in health.late]
    blocked = [(b.task, _blocked_for(health.now, b.since)) for b in health.blocked]
    return listed_part(view, "Late", late) + listed_part(view, "Blocked", blocked)


def listed_part(view: HealthView, label: str, listed: list[tuple[TaskFacts, str]]) -> list[str]:
    """Return a list's lines: its label and count, a line a task (what is said of it), and
    how many more when it is long."""
    if not listed:
        return [f"{label}: none"]
    shown = [f"• {t.key} {mrkdwn(view.titles.get(t.id, ''))} — {said}" for t, said in listed]
    lines = [f"{label} ({len(shown)}):", *shown[:MAX_LISTED]]
    if len(shown) > MAX_LISTED:
        lines.append(f"…and {len(shown) - MAX_LISTED} more")
    return lines


def _blocked_for(now: datetime, since: datetime | None) -> str:
    return "blocked" if since is None else f"blocked for {describe_wait(now - since)}"


def _alerts(health: ProjectHealth) -> str:
    if not health.open_alerts:
        return "*Open alerts*\nnone"
    lines = [
        f"• `{group.rule_id}` {group.count} · the oldest open for "
        f"{describe_wait(health.now - group.oldest_opened_at)}"
        for group in health.open_alerts
    ]
    return "\n".join(["*Open alerts*", *lines])


def _reporting(view: HealthView, health: ProjectHealth) -> str:
    last = health.last_report_at
    heard = "no report yet" if last is None else f"last report {_ago(health.now, last, view)}"
    quiet = [f"<@{user}> {n}" for user, n in health.quietest[:3]]
    said = f"*Reporting*\n{heard}"
    if quiet:
        said += "\nfewest reports this week: " + ", ".join(quiet)
    return said


def _ago(now: datetime, then: datetime, view: HealthView) -> str:
    return f"{describe_wait(now - then)} ago ({day_and_time(then.astimezone(view.zone))})"


def _finish(task: TaskFacts) -> str:
    return day(task.planned_finish) if task.planned_finish else "—"


def percent_text(value: Decimal | None) -> str:
    return "–" if value is None else f"{number(value, 1)}%"


def index_text(value: Decimal | None) -> str:
    return "–" if value is None else number(value, 2)
