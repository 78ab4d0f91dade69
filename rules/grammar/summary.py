"""What the bot answers after a report: one compact line of what was recorded, or why nothing was.

    TWR-42 Pour slab L3 · 35% → 60% · +12 m³ · "formwork done"
    Not recorded: two costs ($1,500 and $2,000): recorded neither — send one

The answer is Slack text, escaped here (`rules.slack_text`): the title and the note are stored
as the person meant them; the ignored parts and problems quote what Slack delivered, so they
are read as the person meant them first — a quoted `<!channel>` then shows as `@channel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rules.grammar.numbers import format_money, format_number
from rules.grammar.parsed import ParsedReport
from rules.grammar.status import StatusIntent
from rules.slack_text import mrkdwn, plain

_TITLE_MAX = 60
_NOTE_MAX = 100
_STATUS_SHOWN = {
    StatusIntent.DONE: "done ✅",
    StatusIntent.STARTED: "started",
    StatusIntent.UNBLOCKED: "unblocked",
    StatusIntent.ACK: "acknowledged",
}


@dataclass(frozen=True)
class TaskSnapshot:
    """A task as the confirmation shows it, before or after a report was applied."""

    key: str
    title: str
    percent: Decimal | None = None
    unit: str | None = None


def summarise(before: TaskSnapshot, after: TaskSnapshot, parsed: ParsedReport) -> str:
    """Return the confirmation of what `parsed` recorded on a task, e.g.
    `TWR-42 Pour slab L3 · 35% → 60% · +12 m³ · "formwork done"`, with one more line per part
    that was not recorded.

    Args:
        before: the task before the report was applied.
        after: the task after it (its key and title are the ones shown).
        parsed: the report, as `parse_report` read it.
    """
    parts = [f"{after.key} {mrkdwn(_cut(after.title, _TITLE_MAX))}"]
    if parsed.percent is not None or before.percent != after.percent:
        parts.append(_percent_change(before.percent, after.percent))
    parts.extend(_status(parsed))
    if parsed.quantity is not None:
        parts.append(_quantity(parsed, after.unit or before.unit))
    if parsed.cost is not None:
        parts.append(f"cost +{format_money(parsed.cost, parsed.currency)}")
    if parsed.manpower is not None:
        parts.append(f"{parsed.manpower} {'worker' if parsed.manpower == 1 else 'workers'}")
    if parsed.hours is not None:
        parts.append(f"{format_number(parsed.hours)} h")
    if parsed.note and parsed.status is not StatusIntent.BLOCKED:
        parts.append(f'"{mrkdwn(_cut(parsed.note, _NOTE_MAX))}"')
    ignored = (f"Not recorded: {_quoted(item)}" for item in parsed.ignored)
    return "\n".join([" · ".join(parts), *ignored])


def explain_problems(parsed: ParsedReport) -> str:
    """Return why nothing was recorded for `parsed`, one problem per line ("" if it is fine)."""
    if not parsed.problems:
        return ""
    problems = [_quoted(problem) for problem in parsed.problems]
    if len(problems) == 1:
        return f"Nothing recorded: {problems[0]}"
    return "\n".join(["Nothing recorded:", *(f"• {problem}" for problem in problems)])


def _quoted(explanation: str) -> str:
    """Return an explanation quoting Slack's text as the person meant it, escaped once."""
    return mrkdwn(plain(explanation))


def _percent_change(before: Decimal | None, after: Decimal | None) -> str:
    """Return `35% → 60%`, `60% (unchanged)`, or just `60%` when the old value is unknown."""
    if after is None:
        return f"{_percent(before)} (unchanged)"
    if before is None:
        return _percent(after)
    if before == after:
        return f"{_percent(after)} (unchanged)"
    return f"{_percent(before)} → {_percent(after)}"


def _percent(value: Decimal | None) -> str:
    return "?%" if value is None else f"{format_number(value)}%"


def _status(parsed: ParsedReport) -> list[str]:
    """Return how the status change is shown, if the report made one."""
    if parsed.status is None:
        return []
    if parsed.status is StatusIntent.BLOCKED:
        said = parsed.reason
        reason = f': "{mrkdwn(_cut(said, _NOTE_MAX))}"' if said else " (no reason given)"
        return [f"blocked{reason}"]
    return [_STATUS_SHOWN[parsed.status]]


def _quantity(parsed: ParsedReport, task_unit: str | None) -> str:
    """Return `+12 m³`, saying so when the task is counted in another unit."""
    shown = f"+{format_number(parsed.quantity or Decimal(0))} {parsed.unit}"
    if task_unit and parsed.unit != task_unit:
        return f"{shown} (the task counts {task_unit})"
    return shown


def _cut(text: str, limit: int) -> str:
    """Return `text`, shortened to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
