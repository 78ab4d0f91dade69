"""The values a report carries: percent, quantity, cost, crew size and hours, as crews type them.

- percent: `60%`, `60 %`, `60 percent`, `60 pct`, `60% done`, `62.5%` → 0–100, two decimals.
- quantity: `12 m3`, `12m³`, `12 m^3`, `40 m2`, `300 m`, `2.5 t`, `8 pcs`, `+12 m3` → more than
  0, three decimals, with its canonical unit (units: `rules.grammar.numbers`). `0 m3` is said
  back as not recorded.
- cost: `cost:1500`, `cost 1500`, `cost: $1,500`, `$1,500`, `1500$`, `€200`, `£90`,
  `USD 1500`, `1500 usd`, `15,000,000 VND`, `15.000.000₫`, `15000đ`, `$12k`, `cost 1.5m`
  → 0 to 999,999,999,999.99, to the cent.
- crew size: `6 workers`, `6 men`, `6 people`, `6 pax`, `6 guys`, `6 labourers`, `6 hands`,
  `crew 6`, `crew of 6`, `crew:6`, `team of 6`, `manpower 6` → a whole number, 0–10,000.
- hours: `8h`, `8 h`, `8 hr`, `8 hrs`, `8 hours`, `7.5h` → 0–1,000, two decimals.

A number glued to a word (`L3`), a time (`7:30`), a date (`2026-12-04`) or a bare number
(`12`) is never a value. A minus sign before a value (`-5 m3`) is refused: corrections go
through a lead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rules.grammar.numbers import (
    CURRENCY_CODES,
    NUMBER,
    UNIT,
    AmountError,
    NumberError,
    QuantityError,
    canonical_unit,
    currency_of,
    format_money,
    format_number,
    money,
    quantity,
    read_number,
)

MANPOWER_MAX = 10_000
HOURS_MAX = Decimal(1000)

_SP = r"[ \t\u00a0]*"
# A value's number never follows a word, a point, a colon (7:30), a slash, `word-` (dates) or
# a digit and a comma (the `500` of `1,500`) — unless that digit ends a unit (`12m3,6 workers`).
_AT = r"(?<![\w.:/])(?:(?<![0-9],)|(?<=[^\W\d_][0-9],))(?<!\w-)"
_NEG = r"(?P<neg>(?<![^\s(\ue000])-[ \t]?)?"
_END = r"(?![^\W_])"
_PEOPLE = r"(?:workers?|men|people|persons?|pax|guys|labou?rers?|hands|crew)"
_CODE = rf"(?:{'|'.join(CURRENCY_CODES)}){_END}"
_MULT = r"(?P<mult>k|mn|m|bn)?"
_SUFFIX = rf"(?P<suf>[$€£₫]|đ|{_CODE})"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_PERCENT = _compile(
    rf"{_NEG}{_AT}(?P<n>{NUMBER}){_SP}(?:[%％]|(?:percent|per cent|pct){_END})"
    rf"(?:{_SP}(?P<done>done|complete|completed|finished){_END})?"
)
# Each cost form ends at a word's end, so `$12m3` or `cost 8h` are not costs.
_COST_WORD = _compile(
    rf"(?<![^\W_])costs?{_END}{_SP}[:=]?{_SP}(?P<neg>-)?{_SP}(?P<pre>[$€£₫]|{_CODE})?{_SP}"
    rf"(?P<n>{NUMBER}){_MULT}(?:{_SP}{_SUFFIX})?{_END}"
)
_COST_PREFIX = _compile(
    rf"{_NEG}(?P<pre>[$€£₫]|(?<![^\W_]){_CODE}){_SP}(?P<neg2>-)?(?P<n>{NUMBER}){_MULT}{_END}"
)
_COST_SUFFIX = _compile(rf"{_NEG}{_AT}(?P<n>{NUMBER}){_MULT}{_SP}{_SUFFIX}{_END}")
_CREW_FIRST = _compile(
    rf"(?<![^\W_])(?:crew|team|manpower|headcount){_SP}(?:of|[:=])?{_SP}(?P<neg>-)?"
    rf"(?P<n>{NUMBER})(?![^\W_.])(?:{_SP}{_PEOPLE}{_END})?"
)
_CREW_AFTER = _compile(rf"{_NEG}{_AT}(?P<n>{NUMBER}){_SP}{_PEOPLE}{_END}")
_HOURS = _compile(rf"{_NEG}{_AT}(?P<n>{NUMBER}){_SP}(?:h|hrs?|hours?){_END}")
_QUANTITY = _compile(rf"{_NEG}\+?{_AT}(?P<n>{NUMBER}){_SP}(?P<unit>{UNIT}){_END}")


@dataclass(frozen=True)
class Found:
    """A value found in a report at `span`, shown back as `shown`.

    `problem` makes the whole report invalid (a malformed or out-of-range number); `skip` says
    why a readable value is not recorded.
    """

    field: str
    shown: str
    value: object
    span: tuple[int, int]
    problem: str | None = None
    skip: str | None = None
    done: bool = False


Reader = Callable[[re.Match[str]], Found]


def _found(
    match: re.Match[str],
    field: str,
    shown: str,
    value: object,
    *,
    skip: str | None = None,
    done: bool = False,
) -> Found:
    return Found(field, shown, value, match.span(), skip=skip, done=done)


def _refused(match: re.Match[str], field: str, problem: str) -> Found:
    return Found(field, match.group().strip(), None, match.span(), problem=problem)


def _negative(match: re.Match[str]) -> bool:
    return bool(match.groupdict().get("neg") or match.groupdict().get("neg2"))


def _read_percent(match: re.Match[str]) -> Found:
    written = match.group().strip()
    try:
        value = read_number(match.group("n"))
    except NumberError as error:
        return _refused(match, "percent", str(error))
    if _negative(match):
        return _refused(
            match, "percent", f"{written} is less than 0%: give a percent from 0 to 100"
        )
    if value > 100:
        return _refused(
            match,
            "percent",
            f"{format_number(value)}% is more than 100%: give a percent from 0 to 100",
        )
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _found(
        match, "percent", f"{format_number(value)}%", value, done=bool(match.group("done"))
    )


def _read_cost(match: re.Match[str]) -> Found:
    written = match.group().strip()
    groups = match.groupdict()
    currency = currency_of(groups.get("pre") or groups.get("suf"))
    if _negative(match):
        return _refused(match, "cost", f"{written}: a cost can't be negative")
    try:
        value = money(match.group("n"), match.group("mult"), currency=currency)
    except AmountError as error:
        return _refused(match, "cost", f"cost {error}")
    return _found(match, "cost", format_money(value, currency), (value, currency))


def _read_crew(match: re.Match[str]) -> Found:
    written = match.group().strip()
    try:
        value = read_number(match.group("n"))
    except NumberError as error:
        return _refused(match, "manpower", str(error))
    if _negative(match):
        return _refused(match, "manpower", f"{written}: a crew size can't be negative")
    if value != value.to_integral_value():
        return _refused(match, "manpower", f"{written}: give a whole number of people")
    if value > MANPOWER_MAX:
        return _refused(
            match,
            "manpower",
            f"{written}: more than {MANPOWER_MAX:,} people on one task — check the number",
        )
    return _found(match, "manpower", f"{int(value)} workers", int(value))


def _read_hours(match: re.Match[str]) -> Found:
    written = match.group().strip()
    try:
        value = read_number(match.group("n"))
    except NumberError as error:
        return _refused(match, "hours", str(error))
    if _negative(match):
        return _refused(match, "hours", f"{written}: hours can't be negative")
    if value > HOURS_MAX:
        return _refused(
            match, "hours", f"{written} is more than 1,000 hours: give the hours worked"
        )
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _found(match, "hours", f"{format_number(value)} h", value)


def _read_quantity(match: re.Match[str]) -> Found:
    written = match.group().strip()
    unit = canonical_unit(match.group("unit")) or match.group("unit")
    if _negative(match):
        return _refused(
            match, "quantity", f"{written}: a quantity can't be negative — ask a lead to correct it"
        )
    try:
        value = quantity(match.group("n"))
    except QuantityError as error:
        return _refused(match, "quantity", str(error))
    shown = f"{format_number(value)} {unit}"
    skip = f"{shown} adds nothing: not recorded" if value == 0 else None
    return _found(match, "quantity", shown, (value, unit), skip=skip)


# The order matters: costs first (`$12m` is money, not metres), crew sizes before quantities
# (`6 men` is not 6 m), percent before anything else that could take its number.
VALUE_READERS: tuple[tuple[re.Pattern[str], Reader], ...] = (
    (_COST_WORD, _read_cost),
    (_COST_PREFIX, _read_cost),
    (_COST_SUFFIX, _read_cost),
    (_PERCENT, _read_percent),
    (_CREW_FIRST, _read_crew),
    (_CREW_AFTER, _read_crew),
    (_HOURS, _read_hours),
    (_QUANTITY, _read_quantity),
)
