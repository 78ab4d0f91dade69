"""Reading the card's modals with the `/update` and `/blocked` grammar (pure).

A submitted modal is checked field by field (each bad value is said under its own input,
in the words the commands use), then its fields are written out as the equivalent command
line — `TWR-42 60% 12 m³ cost:1500 formwork done` — and read by `parse_report`, so a modal
records exactly what that command would. Where the command would record part of a report
and say what it ignored, a modal asks for a fix instead: the person is still there to make it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from bot.blocks.task_modals import COST, NOTE, PERCENT, QUANTITY, REASON
from bot.blocks.text import clip
from rules.grammar.numbers import (
    AmountError,
    NumberError,
    QuantityError,
    format_number,
    parse_amount,
    parse_quantity,
    read_number,
)
from rules.grammar.parsed import ParsedReport, ReportContext
from rules.grammar.report import parse_report
from rules.grammar.summary import explain_problems
from rules.slack_text import mrkdwn

ERROR_LIMIT = 500
NOTHING = "Fill in at least one: a percent, a quantity, a cost or a note."
Form = tuple[ParsedReport | None, dict[str, str]]


def read_update_form(
    values: Mapping[str, str],
    *,
    key: str,
    unit: str | None,
    known_keys: Collection[str] = (),
) -> Form:
    """Return the report an Update… modal makes, or the errors to show, by block id.

    Args:
        values: the typed text by block id ("" or absent when left empty).
        key: the task's reference, e.g. "TWR-42".
        unit: the unit the task is counted in, if any (a bare quantity is taken in it).
        known_keys: the workspace's project keys (as for `/update`).
    """
    errors: dict[str, str] = {}
    words = [key]
    for block, read in ((PERCENT, _percent), (QUANTITY, lambda t: _quantity(t, key, unit))):
        text = (values.get(block) or "").strip()
        if text:
            written, problem = read(text)
            _add(words, errors, block, written, problem)
    cost = (values.get(COST) or "").strip()
    if cost:
        _add(words, errors, COST, *_cost(cost))
    note = (values.get(NOTE) or "").strip()
    if not (len(words) > 1 or note or errors):
        return None, {PERCENT: NOTHING}
    if errors:
        return None, errors
    parsed = parse_report(
        # A modal's input is what the person typed: escape it as Slack escapes typed text.
        mrkdwn(" ".join([*words, note]).strip()),
        project_key=key.split("-")[0],
        context=ReportContext.UPDATE,
        known_keys=known_keys,
    )
    return _checked(parsed, key, NOTE if note else PERCENT)


def read_blocked_form(
    values: Mapping[str, str], *, key: str, known_keys: Collection[str] = ()
) -> Form:
    """Return the report a Blocked… modal makes (read as `/blocked KEY reason`), or its errors."""
    reason = (values.get(REASON) or "").strip()
    if not reason:
        return None, {REASON: "Say what is blocking the task, e.g. waiting for rebar delivery."}
    parsed = parse_report(
        f"{key} {mrkdwn(reason)}",
        project_key=key.split("-")[0],
        context=ReportContext.BLOCKED,
        known_keys=known_keys,
    )
    return _checked(parsed, key, REASON)


def _checked(parsed: ParsedReport, key: str, block: str) -> Form:
    """Return the report, or an error under `block` for what the grammar refused or ignored."""
    if not parsed.ok:
        return None, {block: clip(explain_problems(parsed), ERROR_LIMIT)}
    others = [ref for ref in parsed.keys if ref != key]
    if others:
        return None, {block: f"This form reports on {key} only: leave {others[0]} out."}
    if parsed.ignored:
        return None, {block: clip(" ".join(parsed.ignored), ERROR_LIMIT)}
    return parsed, {}


def _add(
    words: list[str], errors: dict[str, str], block: str, written: str | None, problem: str | None
) -> None:
    if problem is not None:
        errors[block] = clip(problem, ERROR_LIMIT)
    elif written:
        words.append(written)


def _percent(text: str) -> tuple[str | None, str | None]:
    """Return a percent as `/update` writes it ("60%"), or why it is not one."""
    number = text.removesuffix("%").strip()
    try:
        value = read_number(number)
    except NumberError as error:
        return None, f"{error}. Give a percent from 0 to 100, like 60."
    if value > 100:
        return None, f"{format_number(value)}% is more than 100%: give a percent from 0 to 100"
    return f"{format_number(value)}%", None


def _quantity(text: str, key: str, unit: str | None) -> tuple[str | None, str | None]:
    """Return a quantity with its unit ("12 m³"); a bare number is in the task's unit."""
    written = f"{text} {unit}" if unit and _is_number(text) else text
    try:
        value, read_unit = parse_quantity(written)
    except QuantityError as error:
        return None, str(error)
    if unit and read_unit != unit:
        return None, f"{key} is counted in {unit}, not {read_unit}: give the quantity in {unit}."
    return f"{format_number(value)} {read_unit}", None


def _cost(text: str) -> tuple[str | None, str | None]:
    """Return a cost as `/update` writes it ("cost:1500"), or why it is not an amount."""
    try:
        parse_amount(text)
    except AmountError as error:
        return None, str(error)
    return f"cost:{text}", None


def _is_number(text: str) -> bool:
    try:
        read_number(text)
    except NumberError:
        return False
    return True
