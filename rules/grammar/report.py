"""The report grammar: one line from the field, read the same way wherever it was typed.

`parse_report` is shared by `/update`, `/blocked`, `/done`, channel posts and thread replies.
It is pure: it never raises on what a person typed, and everything it could not use is said
back — `problems` (the report is refused, nothing is recorded) or `ignored` (the rest is
recorded; these parts were ambiguous and were not).

What it reads, and where each vocabulary is documented:

- task references — `rules.task_refs`;
- percent, quantity, cost, crew size, hours — `rules.grammar.values` (units and currencies:
  `rules.grammar.numbers`);
- status words — `rules.grammar.status`;
- everything else is the note: the person's own words with references, values and bare status
  words taken out and punctuation tidied ("TWR-42 60% formwork done, 12 m3 poured" → note
  "formwork done, poured"). The untouched text is kept as `raw`.

What it returns is a `rules.grammar.parsed.ParsedReport`; the confirmation (`summarise`) and
the refusal (`explain_problems`) are built from it in `rules.grammar.summary`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from rules.grammar.numbers import format_number
from rules.grammar.parsed import ParsedReport, ReportContext
from rules.grammar.status import (
    Hint,
    StatusIntent,
    StatusWord,
    find_status_words,
    resolve_intents,
)
from rules.grammar.values import VALUE_READERS, Found
from rules.slack_text import plain
from rules.task_refs import TaskRef, mask_slack_escapes, scan_task_refs
from rules.vocabulary import UpdateKind

__all__ = ["MAX_TEXT", "parse_report"]

MAX_TEXT = 4000
_MASK = "\ue000"
# Words that alone make no note ("TWR-42 at 60%" has nothing more to say).
_EMPTY_WORDS = frozenset(
    {"about", "and", "approx", "approximately", "around", "at", "is", "are", "now", "of"}
    | {"so", "far", "to", "with", "the"}
)


class ReportValues(TypedDict):
    """The values a report gives, each None when absent or not recorded."""

    percent: Decimal | None
    quantity: Decimal | None
    unit: str | None
    cost: Decimal | None
    currency: str | None
    manpower: int | None
    hours: Decimal | None


def parse_report(
    text: str,
    *,
    project_key: str | None = None,
    context: ReportContext,
    known_keys: Collection[str] | None = None,
) -> ParsedReport:
    """Return what `text` reports, never raising on anything a person may type.

    Args:
        text: the text as Slack delivers it (escaped: `<@U123|bob>`, `&amp;`), without the
            command name; the note and reason come back as the person meant them.
        project_key: the project of the channel it was typed in, if any: then `#42` (and, in a
            command, a leading `42`) name a task of this project.
        context: where it was typed (`ReportContext`).
        known_keys: the workspace's project keys; when given, `KEY-N` with another key is an
            ordinary word (`zone-2`), and near misses (`TRW-42` for `TWR-42`) are pointed out.

    Steps: refuse empty and over-long texts; take out task references; read the values (each
    field once — two different values of a field record neither); read status words opening
    a clause; let the command decide the status where it does; tidy the rest into the note;
    check that a command names a task and that there is something to record; infer the kind.
    """
    usage_key = f"{(project_key or 'TWR').upper()}-42"
    if len(text) > MAX_TEXT:
        return _refusal(
            text,
            context,
            f"too long: {len(text):,} characters, at most {MAX_TEXT:,} "
            "— send the numbers and a short note",
        )
    if not text.strip():
        return _refusal(text, context, f"empty: type {_usage(context, usage_key)}")
    reading = _Reading(text)
    refs = reading.take_refs(project_key, known_keys, leading_number=context.is_command)
    values = reading.take_values()
    status = reading.take_status(context, values["percent"])
    note = reading.note()
    problems = reading.problems or _missing(
        context, refs, values, status, note, usage_key, reading.ignored
    )
    return ParsedReport(
        raw=text,
        context=context,
        refs=refs,
        **values,
        status=status,
        reason=(note or None) if status is StatusIntent.BLOCKED else None,
        note=note,
        kind=_kind(status, values),
        problems=tuple(problems),
        ignored=tuple(reading.ignored),
    )


def _refusal(text: str, context: ReportContext, problem: str) -> ParsedReport:
    return ParsedReport(raw=text, context=context, problems=(problem,))


def _usage(context: ReportContext, key: str) -> str:
    """Return an example of what to type in `context`."""
    return {
        ReportContext.UPDATE: f"`/update {key} 60% what you did`",
        ReportContext.BLOCKED: f"`/blocked {key} what is blocking it`",
        ReportContext.DONE: f"`/done {key} what was finished`",
    }.get(context, f"`{key} 60% what you did`")


def _missing(
    context: ReportContext,
    refs: tuple[TaskRef, ...],
    values: ReportValues,
    status: StatusIntent | None,
    note: str,
    key: str,
    ignored: list[str],
) -> list[str]:
    """Return what a report lacks: the task (in a command), or anything to record."""
    if not refs and context.is_command:
        return [f"which task? start with its reference: {_usage(context, key)}"]
    if not refs and context is ReportContext.POST:
        return []  # chatter: not a report, nothing to complain about
    if status is None and not note and all(value is None for value in values.values()):
        if ignored:
            return list(ignored)  # what made it empty says more than "nothing to record"
        return [
            f"nothing to record: add a percent, a quantity, a status or a few words — "
            f"{_usage(context, refs[0].key if refs else key)}"
        ]
    return []


def _kind(status: StatusIntent | None, values: ReportValues) -> UpdateKind:
    """Return the kind of update: status first, then progress, quantity, cost, a note."""
    by_status = {
        StatusIntent.DONE: UpdateKind.DONE,
        StatusIntent.BLOCKED: UpdateKind.BLOCKED,
        StatusIntent.UNBLOCKED: UpdateKind.UNBLOCKED,
    }
    if status in by_status:
        return by_status[status]
    progress = (values["percent"], values["manpower"], values["hours"])
    if status is StatusIntent.STARTED or any(value is not None for value in progress):
        return UpdateKind.PROGRESS
    if status is StatusIntent.ACK:
        return UpdateKind.ACK
    if values["quantity"] is not None:
        return UpdateKind.QUANTITY
    if values["cost"] is not None:
        return UpdateKind.COST
    return UpdateKind.NOTE


_FIELD_PLURALS = {
    "percent": "percents",
    "quantity": "quantities",
    "cost": "costs",
    "manpower": "crew sizes",
    "hours": "hour counts",
}
_COUNTS = {2: "two", 3: "three", 4: "four", 5: "five"}


@dataclass
class _Reading:
    """One pass over a report's text: what was taken out of it, and what went wrong."""

    text: str
    masked: str = ""
    removed: list[tuple[int, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.masked = mask_slack_escapes(self.text, _MASK)

    def take(self, span: tuple[int, int]) -> None:
        """Blank `span` out of the text still to read, and out of the note."""
        start, end = span
        self.masked = self.masked[:start] + _MASK * (end - start) + self.masked[end:]
        self.removed.append(span)

    def take_refs(
        self, project_key: str | None, known_keys: Collection[str] | None, *, leading_number: bool
    ) -> tuple[TaskRef, ...]:
        """Take the task references out; return each task once, in order."""
        scan = scan_task_refs(
            self.text, project_key=project_key, known_keys=known_keys, leading_number=leading_number
        )
        refs: dict[str, TaskRef] = {}
        for ref in scan.refs:
            self.take(ref.span)
            refs.setdefault(ref.key, ref)
        for ref in scan.unknown:
            suggestion = scan.suggestion(ref, known_keys or ())
            if suggestion:
                self.ignored.append(
                    f"{ref.written}: no project {ref.project} — did you mean {suggestion}?"
                )
        return tuple(refs.values())

    def take_values(self) -> ReportValues:
        """Take the values out; return each field's value (None: absent or not recorded)."""
        for pattern, read in VALUE_READERS:
            for match in list(pattern.finditer(self.masked)):
                self.found.append(read(match))
                self.take(match.span())
        in_order = sorted(self.found, key=lambda found: found.span)
        self.problems.extend(found.problem for found in in_order if found.problem)
        quantity, cost = self._one("quantity"), self._one("cost")
        return {
            "percent": self._one("percent"),
            "quantity": quantity[0] if quantity else None,
            "unit": quantity[1] if quantity else None,
            "cost": cost[0] if cost else None,
            "currency": cost[1] if cost else None,
            "manpower": self._one("manpower"),
            "hours": self._one("hours"),
        }

    def _one(self, name: str) -> Any:
        """Return the single value of field `name`; two different values record neither."""
        found = [f for f in self.found if f.field == name]
        self.ignored.extend(f.skip for f in found if f.skip and not f.problem)
        usable = [f for f in found if not f.problem and not f.skip]
        shown = list(dict.fromkeys(f.shown for f in usable))
        if len(shown) > 1:
            listed = f"{', '.join(shown[:-1])} and {shown[-1]}"
            count = _COUNTS.get(len(shown), str(len(shown)))
            none = "neither" if len(shown) == 2 else "none"
            self.ignored.append(
                f"{count} {_FIELD_PLURALS[name]} ({listed}): recorded {none} — send one"
            )
            return None
        return usable[0].value if usable else None

    def take_status(self, context: ReportContext, percent: Decimal | None) -> StatusIntent | None:
        """Read the status words; return the status the report sets, if any.

        `/blocked` and `/done` set their status whatever the words say; elsewhere the words
        (and a percent of 100) decide, see `resolve_intents`.
        """
        acks = context is ReportContext.ASSIGNMENT_REPLY
        words, hints = find_status_words(self.masked, acks=acks)
        if context is ReportContext.BLOCKED:
            if percent == 100:
                self.problems.append("100% means done: use /done")
            return self._commanded(StatusIntent.BLOCKED, words)
        if context is ReportContext.DONE:
            if percent is not None and percent != 100:
                self.problems.append(
                    f"/done means 100%, you wrote {format_number(percent)}% — "
                    "use /update for progress"
                )
            return self._commanded(StatusIntent.DONE, words)
        intents = [word.intent for word in words]
        if percent == 100:
            intents.append(StatusIntent.DONE)
        status, conflict = resolve_intents(intents)
        if conflict:
            self.ignored.append('both "done" and "blocked": status not changed — send one')
            return None
        if status is StatusIntent.DONE and percent is not None and percent != 100:
            shown = f"{format_number(percent)}%"
            self.ignored.append(
                f"done with {shown}: recorded {shown}, not done — "
                "to finish the task say done or 100%"
            )
            status = None
        self._drop(words)
        self._hint(hints, status, percent)
        return status

    def _commanded(self, status: StatusIntent, words: list[StatusWord]) -> StatusIntent:
        """Return the command's `status`, dropping the words that only repeat it."""
        self._drop([word for word in words if word.intent is status])
        return status

    def _drop(self, words: list[StatusWord]) -> None:
        """Take recognised status words out of the note (those naming a reason stay)."""
        self.removed.extend(word.drop for word in words if word.drop)

    def _hint(
        self, hints: list[Hint], status: StatusIntent | None, percent: Decimal | None
    ) -> None:
        """Say when "formwork done" or "pump blocked" was kept as words, not as the status."""
        for intent in (StatusIntent.DONE, StatusIntent.BLOCKED):
            clause = next((hint.clause for hint in hints if hint.intent is intent), None)
            if clause is None or status is intent:
                continue
            if intent is StatusIntent.DONE and percent is not None:
                continue  # "60% formwork done": the done part is formwork, plainly
            how = (
                'send "done" on its own' if intent is StatusIntent.DONE else 'start with "blocked"'
            )
            self.ignored.append(
                f'"{clause}" kept as a note — to mark the task {intent.value}, {how} '
                f"or use /{intent.value}"
            )

    def note(self) -> str:
        """Return the text without what was taken out of it, as the person meant it, tidied."""
        keep = [True] * len(self.text)
        for start, end in self.removed:
            keep[start:end] = [False] * (end - start)
        rest = "".join(char if kept else " " for char, kept in zip(self.text, keep, strict=True))
        return tidy(plain(rest))


def tidy(text: str) -> str:
    """Return `text` with whitespace collapsed and punctuation left orphaned by removals tidied."""
    text = " ".join(text.split())
    text = re.sub(r"\s+([,;:.!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    text = re.sub(r"[,;:]+(?=[.!?]|$)", "", text)
    text = " ".join(text.split()).strip(" ,;:-–—~+/|&").lstrip(".!?").strip()
    words = re.findall(r"[^\W_]+", text.lower())
    if all(word in _EMPTY_WORDS for word in words):
        return ""  # only emoji, punctuation or words like "at" and "now" are left
    return text
