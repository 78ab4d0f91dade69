"""The loop report in words and in Block Kit, for `/siteloop report` and `siteloop report` (pure).

It shows a `storage.loop_metrics.LoopReport`: for each stage of the loop (signal → delivered →
answered → resolved) the median and 90th percentile over the alerts that reached it, what
became of each rule's alerts, and how many were resolved by fresh field data.
"""

from __future__ import annotations

from datetime import date, timedelta

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.task_card import describe_wait
from bot.blocks.text import HEADER_LIMIT, SECTION_LIMIT, clip, full_day
from rules.slack_text import mrkdwn
from storage.loop_metrics import LoopReport, Spread

RULE_COLUMNS = ("opened", "acknowledged", "answered", "resolved")
MAX_RULE_LINES = 40  # a section holds 3,000 characters


def duration(span: timedelta | None) -> str:
    """Return a duration as people say it ("25 min", "3 h 10 min"), or "—" when unknown."""
    return "—" if span is None else describe_wait(span)


def scope(project_name: str, since: date | None, alerts: int) -> str:
    """Return which alerts the report covers: "Tower A · 12 alerts opened since Tue 01 Dec"."""
    when = f" opened since {full_day(since)}" if since else ""
    noun = "alert" if alerts == 1 else "alerts"
    return f"{mrkdwn(project_name)} · {alerts} {noun}{when} · wall-clock times"


def stage_text(spread: Spread) -> str:
    """Return one stage in words: "median 25 min · p90 3 h · 8 alerts"."""
    if not spread.count:
        return "no alert got this far"
    noun = "alert" if spread.count == 1 else "alerts"
    return f"median {duration(spread.median)} · p90 {duration(spread.p90)} · {spread.count} {noun}"


def ended_text(report: LoopReport) -> str:
    """Return how the alerts ended, with shares of all of them."""
    parts = [
        (report.resolved_by_data, "resolved by fresh field data"),
        (report.closed_otherwise, "closed otherwise"),
        (report.still_open, "still open"),
    ]
    return " · ".join(f"{count} {what} ({report.share(count):.0%})" for count, what in parts)


def report_text(report: LoopReport, project_key: str, project_name: str, since: date | None) -> str:
    """Return the report as plain text (the fallback of the blocks)."""
    lines = [f"Loop metrics for {project_key}: {scope(project_name, since, report.alerts)}"]
    if not report.alerts:
        return lines[0]
    lines += [f"{name}: {stage_text(spread)}" for name, spread in report.stages]
    lines += [
        f"{counts.rule_id}: " + ", ".join(f"{getattr(counts, c)} {c}" for c in RULE_COLUMNS)
        for counts in report.rules
    ]
    lines.append(ended_text(report))
    return "\n".join(lines)


def report_blocks(
    report: LoopReport, project_key: str, project_name: str, since: date | None
) -> list[Block]:
    """Return the report's blocks: the stages as fields, the rules, how the alerts ended."""
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"Loop metrics · {project_key}", HEADER_LIMIT)),
        ContextBlock(elements=[MarkdownTextObject(text=scope(project_name, since, report.alerts))]),
    ]
    if not report.alerts:
        blocks.append(SectionBlock(text="No alerts yet: nothing to measure."))
        return blocks
    blocks.append(
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*{name}*\n{stage_text(spread)}")
                for name, spread in report.stages
            ]
        )
    )
    rules = [
        f"`{mrkdwn(c.rule_id)}` " + " · ".join(str(getattr(c, name)) for name in RULE_COLUMNS)
        for c in report.rules[:MAX_RULE_LINES]
    ]
    heading = "*By rule* (" + " · ".join(RULE_COLUMNS) + ")"
    blocks.append(SectionBlock(text=clip("\n".join([heading, *rules]), SECTION_LIMIT)))
    blocks.append(SectionBlock(text=f"*How they ended:* {ended_text(report)}"))
    return blocks
