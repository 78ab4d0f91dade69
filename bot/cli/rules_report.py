"""What `siteloop rules check` prints about a dry run of the tick."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.table import Table

from rules.rule import Via
from storage.tick import TickResult


def preview_report(result: TickResult, now: datetime, *, text: bool = False) -> list[Any]:
    """Return what `siteloop rules check` prints about a dry run: a table of the messages a
    tick would queue now (rule, task, step, who, how, when), their texts if asked, a total.

    Strings are plain text (no rich markup), to print unwrapped; the rest are rich renderables.
    """
    untold = [
        f"Would tell nobody: {item} (nobody has that role here; give one with `/siteloop role`)."
        for item in result.untold
    ]
    if not result.queued:
        return [
            f"Nothing would be sent now ({result.tasks_evaluated} tasks and "
            f"{result.projects_evaluated} projects due for evaluation).",
            *untold,
        ]
    table = Table(title="What would fire now (nothing was sent or stored)")
    for column in ("Rule", "Task", "Step", "Notify", "How", "When"):
        table.add_column(column)
    for item in result.queued:
        how = "dm" if item.via == Via.DM else f"{item.via} in {item.target}"
        when = "now"
        if item.at > now:
            when = item.at.astimezone(ZoneInfo(item.timezone)).strftime("%a %d %b %H:%M")
        who = ", ".join(item.people) or item.target
        table.add_row(
            item.rule_id,
            item.subject,
            f"{item.step} {item.kind}",
            f"{item.notify}: {who}",
            how,
            when,
        )
    lines: list[Any] = [table]
    if text:
        lines += [f"{item.subject} → {item.target}: {item.text}" for item in result.queued]
    lines += untold
    lines.append(
        f"{len(result.queued)} messages would be queued: {result.opened} alerts would open, "
        f"{result.escalated} escalate, {result.repeated} repeat, {result.resolved} resolve."
    )
    return lines
