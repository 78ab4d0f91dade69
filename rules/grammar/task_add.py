"""`/task add <title> [@assignee] [crew:NAME] [at:LOCATION] [start:DATE] [due:DATE]
[budget:AMOUNT] [qty:NUMBER UNIT] [code:COST-CODE]`, read into a `TaskDraft`.

- The title is the text left once the options and the mention are taken out.
- The assignee is a Slack mention (`<@U123|bob>`, as Slack escapes it); a plain `@bob` that
  Slack did not turn into a mention is someone Slack does not know, and is a problem.
- `key:value` options may be written `key: value`; a value with spaces is quoted:
  `at:"Level 3 east"` (straight or curly quotes, as phones type them).
- Dates: see `rules.dates`; amounts and quantities: see `rules.grammar.numbers`.
- Every problem is collected (an unknown `key:` suggests the known ones; start after due;
  an empty title shows the usage), so one answer lists all that needs fixing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypedDict

from rules.dates import DateError, parse_date
from rules.grammar.numbers import (
    AmountError,
    QuantityError,
    canonical_unit,
    parse_amount,
    parse_quantity,
)
from rules.slack_text import plain
from rules.task_refs import mask_slack_escapes

MAX_TEXT = 4000
TITLE_MAX = 500  # storage: tasks.title
NAME_MAX = 255  # storage: tasks.location, crews.name
CODE_MAX = 64  # storage: tasks.cost_code
OPTION_KEYS = ("crew", "at", "start", "due", "budget", "qty", "code")
USAGE = (
    "`/task add <title> [@assignee] [crew:NAME] [at:LOCATION] [start:DATE] [due:DATE] "
    "[budget:AMOUNT] [qty:NUMBER UNIT]`, e.g. "
    "`/task add Pour slab L3 @bob due:2026-12-04 budget:12000 qty:40m3`"
)

_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|(?P<name>[^<>\n]*))?>")
_PLAIN_MENTION = re.compile(r"(?<!\S)@(?P<name>[^\s@<>]+)")
_KEY = re.compile(r"(?<!\S)(?P<key>[A-Za-z]{1,20}):")
_QUOTES = {'"': '"', "“": "”", "„": "“", "'": "'", "‘": "’", "«": "»"}


@dataclass(frozen=True)
class TaskDraft:
    """A task as `/task add` described it, and what is wrong with the description.

    `assignee` is a Slack user id (`assignee_name` the name Slack showed with it); `crew` and
    `location` are as written; `start`/`due` are resolved dates; `budget` is an amount in the
    project's currency; `quantity` (> 0) comes with its canonical `unit`.
    """

    title: str = ""
    assignee: str | None = None
    assignee_name: str | None = None
    crew: str | None = None
    location: str | None = None
    start: date | None = None
    due: date | None = None
    budget: Decimal | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    cost_code: str | None = None  # the cost account it is budgeted under: "03-300"
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Return whether the task can be created (no problems)."""
        return not self.problems


def parse_task_add(text: str, *, today: date) -> TaskDraft:
    """Return the task `text` describes (the text after `/task add`), never raising.

    Args:
        text: as Slack delivers it (escaped mentions `<@U123|bob>`).
        today: the current date in the project's timezone, for relative dates.
    """
    if len(text) > MAX_TEXT:
        return TaskDraft(problems=(f"too long: {len(text):,} characters, at most {MAX_TEXT:,}",))
    if not text.strip():
        return TaskDraft(problems=(f"empty: type {USAGE}",))
    reading = _Reading(text, mask_slack_escapes(text))
    options = reading.take_options()
    assignee, name = reading.take_assignee()
    values = _values(options, today, reading.problems)
    title = reading.title()
    reading.problems.extend(_checks(title, values))
    return TaskDraft(
        title=title,
        assignee=assignee,
        assignee_name=name,
        **values,
        problems=tuple(reading.problems),
    )


@dataclass
class _Reading:
    """One pass over the text: the spans taken out of the title, and the problems met."""

    text: str
    masked: str
    removed: list[tuple[int, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def take_options(self) -> dict[str, str]:
        """Take the `key:value` options out; return the value of each known key."""
        options: dict[str, str] = {}
        position = 0
        while (match := _KEY.search(self.masked, position)) is not None:
            key = match.group("key").lower()
            position = match.end()
            if key not in OPTION_KEYS:
                self._unknown(key, match)
                continue
            value, end = self._value(key, match.end())
            position = end
            self.removed.append((match.start(), end))
            if value is None:
                continue
            if key in options and options[key] != value:
                self.problems.append(f"two {key}: values ({options[key]} and {value}): give one")
            options.setdefault(key, value)
        return options

    def _unknown(self, key: str, match: re.Match[str]) -> None:
        """Record an unknown `key:value` (a word followed by a colon and a space is title)."""
        following = self.masked[match.end() : match.end() + 1]
        if not following or following.isspace() or following == "/":
            return
        close = difflib.get_close_matches(key, OPTION_KEYS, n=1, cutoff=0.6)
        guess = f"did you mean `{close[0]}:`? " if close else ""
        known = " ".join(f"{name}:" for name in OPTION_KEYS)
        self.problems.append(f"unknown `{key}:` — {guess}I know {known}")

    def _value(self, key: str, start: int) -> tuple[str | None, int]:
        """Return the value written at `start` (quoted, or one word) and where it ends."""
        blank = re.compile(r"[ \t\u00a0]*").match(self.masked, start)
        position = blank.end() if blank else start
        opening = self.masked[position : position + 1]
        if opening in _QUOTES:
            end = self.text.find(_QUOTES[opening], position + 1)
            if end < 0:
                self.problems.append(f'{key}: close the quote, like {key}:"Level 3 east"')
                return None, len(self.text)
            value = " ".join(self.text[position + 1 : end].split())
            if not value:
                self._missing(key)
                return None, end + 1
            return value, end + 1
        word = re.compile(r"\S+").match(self.masked, position)
        if word is None or _KEY.match(self.masked, position):
            self._missing(key)
            return None, position
        end = word.end()
        if key == "qty":
            end = self._unit_after(word.group(), end)
        return self.text[position:end], end

    def _unit_after(self, number: str, end: int) -> int:
        """Return where `qty:40 m3` ends: a number followed by a unit takes the unit too."""
        unit = re.compile(r"[ \t]+(\S+(?: m)?)").match(self.masked, end)
        if re.fullmatch(r"[0-9.,]+", number) and unit and canonical_unit(unit.group(1)):
            return unit.end()
        return end

    def _missing(self, key: str) -> None:
        examples = {
            "crew": "crew:concrete",
            "at": 'at:"Level 3 east"',
            "start": "start:mon",
            "due": "due:2026-12-04",
            "budget": "budget:12000",
            "qty": "qty:40m3",
            "code": "code:03-300",
        }
        self.problems.append(f"{key}: needs a value, e.g. {examples[key]}")

    def take_assignee(self) -> tuple[str | None, str | None]:
        """Take the mentions out; return the assignee's user id and name, if one was named."""
        mentions = list(_MENTION.finditer(self.text))
        self.removed.extend(mention.span() for mention in mentions)
        for typed in _PLAIN_MENTION.finditer(self.masked):
            if not _inside(typed.start(), self.removed):
                self.problems.append(
                    f"@{typed.group('name')}: I don't know who that is — pick the person from "
                    "Slack's @ list"
                )
        people = list(dict.fromkeys(mention.group("id") for mention in mentions))
        if len(people) > 1:
            named = " and ".join(f"<@{person}>" for person in people)
            self.problems.append(f"one assignee per task: {named} — name one")
        if not mentions:
            return None, None
        return mentions[0].group("id"), mentions[0].group("name") or None

    def title(self) -> str:
        """Return the text left once options and mentions are out, as the person meant it."""
        kept = list(self.text)
        for start, end in self.removed:
            kept[start:end] = " " * (end - start)
        return " ".join(plain("".join(kept)).split()).strip(" ,;:-–—|")


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


class DraftValues(TypedDict):
    """The values of a new task's options, each None when not given or not readable."""

    crew: str | None
    location: str | None
    start: date | None
    due: date | None
    budget: Decimal | None
    quantity: Decimal | None
    unit: str | None
    cost_code: str | None


def _values(options: dict[str, str], today: date, problems: list[str]) -> DraftValues:
    """Return the typed values of the options; record what cannot be read."""

    def day(key: str) -> date | None:
        try:
            return parse_date(options[key], today=today) if key in options else None
        except DateError as error:
            problems.append(f"{key}: {error}")
            return None

    values = DraftValues(
        crew=plain(options["crew"]) if "crew" in options else None,
        location=plain(options["at"]) if "at" in options else None,
        start=day("start"),
        due=day("due"),
        budget=None,
        quantity=None,
        unit=None,
        cost_code=plain(options["code"]) if "code" in options else None,
    )
    try:
        if "budget" in options:
            values["budget"] = parse_amount(options["budget"])
    except AmountError as error:
        problems.append(f"budget: {error}")
    try:
        if "qty" in options:
            values["quantity"], values["unit"] = parse_quantity(options["qty"])
    except QuantityError as error:
        problems.append(f"qty: {error}")
    return values


def _checks(title: str, values: DraftValues) -> list[str]:
    """Return what is wrong with the draft as a whole: title, lengths, start after due."""
    problems = []
    if not title:
        problems.append(f"no title: type {USAGE}")
    elif len(title) > TITLE_MAX:
        problems.append(f"the title is {len(title):,} characters long, at most {TITLE_MAX}")
    for value, shown in ((values["crew"], "crew"), (values["location"], "at")):
        if isinstance(value, str) and len(value) > NAME_MAX:
            problems.append(f"{shown}: at most {NAME_MAX} characters")
    code = values["cost_code"]
    if isinstance(code, str) and len(code) > CODE_MAX:
        problems.append(f"code: at most {CODE_MAX} characters")
    start, due = values["start"], values["due"]
    if isinstance(start, date) and isinstance(due, date) and start > due:
        problems.append(f"start {start.isoformat()} is after due {due.isoformat()}")
    return problems
