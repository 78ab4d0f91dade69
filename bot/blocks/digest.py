"""The end-of-day digest in words and in Block Kit (pure).

It reads a `rules.digest.Digest` as a site manager reads the day: who reported, what moved,
what went in and what it cost, where the project stands (the health's own figures, worded
as `/siteloop status` words them), how the alerts went, and what tomorrow brings. People are
named, not mentioned: a digest in the channel must not ping everyone who reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.health import (
    MAX_LISTED,
    HealthView,
    late_and_blocked,
    progress_part,
    value_part,
)
from bot.blocks.task_card import describe_wait
from bot.blocks.text import HEADER_LIMIT, SECTION_LIMIT, clip, day, day_and_time, money, number
from rules.digest import Digest, Move
from rules.facts import TaskFacts
from rules.slack_text import mrkdwn


def digest_title(view: HealthView, digest: Digest) -> str:
    """Return the digest's heading: "Tower A (TWR) · end of day Fri 04 Dec"."""
    return f"{view.name} ({view.key}) · end of day {day(digest.day)}"


def digest_text(view: HealthView, digest: Digest, names: Mapping[str, str]) -> str:
    """Return the digest as one plain text (the notification, the fallback and the CLI's)."""
    return "\n\n".join([f"*{mrkdwn(digest_title(view, digest))}*", *_parts(view, digest, names)])


def digest_blocks(view: HealthView, digest: Digest, names: Mapping[str, str]) -> list[Block]:
    """Return the digest laid out: a header, a section per part, when it was drawn up."""
    blocks: list[Block] = [HeaderBlock(text=clip(digest_title(view, digest), HEADER_LIMIT))]
    for n, part in enumerate(_parts(view, digest, names)):
        if n == 3:  # the day above, the project below
            blocks.append(DividerBlock())
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(part, SECTION_LIMIT))))
    when = day_and_time(digest.health.now.astimezone(view.zone))
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text=f"As of {when}. The S-curve is in the thread.")]
        )
    )
    return blocks


def _parts(view: HealthView, digest: Digest, names: Mapping[str, str]) -> list[str]:
    return [
        _reports(digest, names),
        _moves(view, digest.moves),
        _work(view, digest),
        progress_part(digest.health) + "\n" + value_part(view, digest.health),
        "\n".join(late_and_blocked(view, digest.health)),
        _alerts(digest),
        _tomorrow(view, digest),
    ]


def _reports(digest: Digest, names: Mapping[str, str]) -> str:
    if digest.is_quiet:
        return "*Reports*\nNo reports today."
    people = ", ".join(f"{mrkdwn(names.get(user, user))} {n}" for user, n in digest.reporters)
    heard = f"{_count(digest.reports, 'report')}"
    if digest.reporters:
        heard += f" from {_count(len(digest.reporters), 'person', 'people')}: {people}"
    return f"*Reports*\n{heard}"


def _moves(view: HealthView, moves: tuple[Move, ...]) -> str:
    if not moves:
        return "*Progress today*\nNo task moved."
    lines = [
        f"• {m.task.key} {mrkdwn(view.titles.get(m.task.id, ''))} "
        f"{number(m.before, 1)}% → {number(m.after, 1)}%"
        for m in moves
    ]
    more = len(lines) - 2 * MAX_LISTED
    shown = lines[: 2 * MAX_LISTED] + ([f"…and {more} more"] if more > 0 else [])
    return "\n".join(["*Progress today*", *shown])


def _work(view: HealthView, digest: Digest) -> str:
    installed = " · ".join(
        f"{number(total, 2)} {mrkdwn(unit)}" for unit, total in digest.quantities
    )
    return (
        f"*Installed*\n{installed or 'nothing reported'}\n"
        f"Crew-hours {number(digest.crew_hours, 1)} · cost recorded "
        f"{money(digest.cost, view.currency)}"
    )


def _alerts(digest: Digest) -> str:
    answer = _median(digest.median_answer)
    return (
        f"*Alerts today*\n{digest.alerts_opened} opened · {digest.alerts_answered} answered"
        f"{answer} · {digest.alerts_resolved} resolved"
    )


def _median(wait: timedelta | None) -> str:
    return "" if wait is None else f" (median answer {describe_wait(wait)})"


def _tomorrow(view: HealthView, digest: Digest) -> str:
    if digest.next_day is None:
        return "*Next working day*\nnone in the calendar"
    heading = f"*Next working day, {day(digest.next_day)}*"
    return "\n".join(
        [
            heading,
            _named(view, "Starts", digest.starting),
            _named(view, "Due", digest.due),
        ]
    )


def _named(view: HealthView, label: str, tasks: tuple[TaskFacts, ...]) -> str:
    if not tasks:
        return f"{label}: none"
    names = [f"{t.key} {mrkdwn(view.titles.get(t.id, ''))}" for t in tasks[:MAX_LISTED]]
    more = f", and {len(tasks) - MAX_LISTED} more" if len(tasks) > MAX_LISTED else ""
    return f"{label}: " + ", ".join(names) + more


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
