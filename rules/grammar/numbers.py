"""Numbers as field crews write them: amounts of money, quantities with units, and the
vocabulary of units and currencies shared by the report grammar and `/task add`.

Numbers: digits with an optional decimal point (`2.5`), and `,` only between groups of three
(`1,500`, `12,000,000`). A decimal comma (`2,5`) or a dotted thousand (`1.500`) could mean two
things, so it is refused with a message saying how to write it — never guessed. The one
exception is the dong, which has no decimals: `15.000.000 ₫` is fifteen million.

Units (canonical form ← accepted spellings, case-insensitive, with or without a space):

| unit  | written as                                                         |
|-------|--------------------------------------------------------------------|
| m³    | m3, m³, m^3, cbm, cum, cu m, cu.m, cubic m, cubic meter(s)/metre(s) |
| m²    | m2, m², m^2, sqm, sq m, sq.m, square meter(s)/metre(s)              |
| m     | m, lm, lin m, meter(s), metre(s)                                     |
| t     | t, ton(s), tonne(s)                                                  |
| kg    | kg, kgs, kilo(s)                                                     |
| l     | l, ltr, liter(s), litre(s)                                           |
| pcs   | pcs, pc, piece(s), nos, unit(s), ea                                  |
| bags  | bag(s)                                                               |
| sheets| sheet(s)                                                             |
| rolls | roll(s)                                                              |
| sets  | set(s)                                                               |
| loads | load(s), truckload(s)                                                |

Lengths like `12mm` or `30 cm` are dimensions (`12mm rebar`), not quantities: they stay words.

Currencies: symbols `$ € £ ₫` before or after the number (`đ` after it), or the codes
`USD EUR GBP VND AUD SGD` before or after it. `$` is "dollars of the project's currency".
Amounts may end in `k` (thousand), `m` (million) or `bn` (billion): `12k`, `1.5m`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

# A run of digits, points and commas, read strictly by `read_number`.
NUMBER = r"[0-9](?:[0-9.,]*[0-9])?"

UNITS: dict[str, tuple[str, ...]] = {
    unit: tuple(alias.strip() for alias in aliases.split(","))
    for unit, aliases in {
        "m³": "m3, m³, m^3, cbm, cum, cu m, cu.m, cubic m, cubic meter, cubic meters,"
        " cubic metre, cubic metres",
        "m²": "m2, m², m^2, sqm, sq m, sq.m, square meter, square meters, square metre,"
        " square metres",
        "m": "m, lm, lin m, meter, meters, metre, metres",
        "t": "t, ton, tons, tonne, tonnes",
        "kg": "kg, kgs, kilo, kilos",
        "l": "l, ltr, liter, liters, litre, litres",
        "pcs": "pcs, pc, piece, pieces, nos, unit, units, ea",
        "bags": "bag, bags",
        "sheets": "sheet, sheets",
        "rolls": "roll, rolls",
        "sets": "set, sets",
        "loads": "load, loads, truckload, truckloads",
    }.items()
}
_UNIT_OF = {alias: unit for unit, aliases in UNITS.items() for alias in (unit, *aliases)}
UNIT = "|".join(re.escape(alias) for alias in sorted(_UNIT_OF, key=len, reverse=True))

CURRENCY_SYMBOLS = {"$": "$", "€": "EUR", "£": "GBP", "₫": "VND", "đ": "VND"}
CURRENCY_CODES = ("USD", "EUR", "GBP", "VND", "AUD", "SGD")
_DOLLARS = frozenset({"USD", "AUD", "SGD", "CAD", "NZD", "HKD"})
_MULTIPLIERS = {"k": Decimal(1000), "m": Decimal(10**6), "mn": Decimal(10**6), "bn": Decimal(10**9)}

MONEY_MAX = Decimal("999999999999.99")  # storage: numeric(14, 2)
QUANTITY_MAX = Decimal("99999999999.999")  # storage: numeric(14, 3)
_CENT = Decimal("0.01")
_MILLI = Decimal("0.001")

_PLAIN = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_DOTTED_THOUSANDS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_AMOUNT = re.compile(
    rf"(?P<pre>[$€£₫]|(?:{'|'.join(CURRENCY_CODES)})(?![^\W_]))?\s*(?P<sign>-)?\s*"
    rf"(?P<number>{NUMBER})(?P<mult>k|mn|m|bn)?\s*"
    rf"(?P<suf>[$€£₫đ]|(?:{'|'.join(CURRENCY_CODES)}))?",
    re.IGNORECASE,
)
_QUANTITY = re.compile(rf"(?P<sign>-)?\s*(?P<number>{NUMBER})\s*(?P<unit>[^\s0-9].*)?")

AMOUNT_FORMS = "12000, 12,000, 12000.50, 12k, 1.5m, $12,000, 15,000,000 VND"
UNIT_LIST = " ".join(UNITS)


class NumberError(ValueError):
    """A number that cannot be read unambiguously; the message says how to write it."""


class AmountError(NumberError):
    """An amount of money that cannot be read; the message says how to write it."""


class QuantityError(NumberError):
    """A quantity that cannot be read; the message says how to write it."""


def canonical_unit(written: str) -> str | None:
    """Return the canonical unit for `written` (`M3` → `m³`), or None if it is not a unit."""
    return _UNIT_OF.get(" ".join(written.lower().split()))


def currency_of(written: str | None) -> str | None:
    """Return the currency a symbol or code stands for: an ISO code, or `$` for any dollar."""
    if not written:
        return None
    return CURRENCY_SYMBOLS.get(written.lower(), CURRENCY_SYMBOLS.get(written, written.upper()))


def currency_matches(written: str | None, project_currency: str) -> bool:
    """Return whether an amount written in `written` (None: no currency) is in the project's."""
    currency = currency_of(written)
    if currency is None:
        return True
    if currency == "$":
        return project_currency.upper() in _DOLLARS
    return currency == project_currency.upper()


def read_number(written: str, *, dotted_thousands: bool = False) -> Decimal:
    """Return the number `written` (`1,500.5`), refusing forms that could mean two things.

    With `dotted_thousands` (amounts in dong, which has no decimals), `15.000.000` is accepted.
    """
    if _PLAIN.fullmatch(written):
        return Decimal(written.replace(",", ""))
    if dotted_thousands and _DOTTED_THOUSANDS.fullmatch(written):
        return Decimal(written.replace(".", ""))
    if re.fullmatch(r"[0-9]+,[0-9]{1,2}", written):
        raise NumberError(f"{written}: use a point for decimals ({written.replace(',', '.')})")
    raise NumberError(
        f"{written} is not a number I can read: use `,` only between thousands (1,500) "
        "and `.` for decimals (2.5)"
    )


def money(written: str, multiplier: str | None = None, *, currency: str | None = None) -> Decimal:
    """Return the amount of money `written` (with a `k`/`m`/`bn` multiplier), to the cent.

    Raises AmountError for a malformed number, more than two decimals, or more than
    999,999,999,999.99.
    """
    try:
        value = read_number(written, dotted_thousands=currency == "VND")
    except NumberError as error:
        raise AmountError(str(error)) from None
    value *= _MULTIPLIERS.get((multiplier or "").lower(), Decimal(1))
    if value > MONEY_MAX:
        raise AmountError(f"{written}{multiplier or ''} is too large: at most 999,999,999,999.99")
    # The digits written after the point count: `$1.500` is not a dollar fifty, it is unclear.
    decimals = value.normalize() if multiplier else value
    if _decimal_places(decimals) > 2:
        raise AmountError(
            f"{written}{multiplier or ''} has more than 2 decimals: write thousands with `,` "
            f"(1,500) and cents with `.` (1500.50)"
        )
    return value.quantize(_CENT)


def _decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def quantity(written: str) -> Decimal:
    """Return the quantity `written`, rounded half-up to 3 decimals (as storage keeps it).

    Raises QuantityError for a malformed number or more than 99,999,999,999.999.
    """
    try:
        value = read_number(written)
    except NumberError as error:
        raise QuantityError(str(error)) from None
    if value > QUANTITY_MAX:
        raise QuantityError(f"{written} is too large: at most 99,999,999,999.999")
    return value.quantize(_MILLI, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal:
    """Return the amount of money in `text` (a budget): `12000`, `12,000`, `12k`, `1.5m`, `$12k`.

    A currency symbol or code may be written; it is not kept (budgets are in the project's
    currency). Raises AmountError saying what is wrong and how to write it.
    """
    match = _AMOUNT.fullmatch(text.strip())
    if not text.strip():
        raise AmountError(f"no amount: write it like {AMOUNT_FORMS}")
    if match is None:
        raise AmountError(f"{text.strip()} is not an amount: write it like {AMOUNT_FORMS}")
    if match.group("sign"):
        raise AmountError(f"{text.strip()}: an amount can't be negative")
    currency = currency_of(match.group("pre") or match.group("suf"))
    return money(match.group("number"), match.group("mult"), currency=currency)


def parse_quantity(text: str) -> tuple[Decimal, str]:
    """Return the quantity and canonical unit in `text`: `40m3` → (Decimal("40"), "m³").

    Raises QuantityError for a missing or unknown unit, a malformed number, or a quantity
    that is not more than 0.
    """
    written = text.strip()
    match = _QUANTITY.fullmatch(written)
    if match is None:
        raise QuantityError(
            f"{written or 'nothing'} is not a quantity: write it like 40m3 or 2.5 t"
        )
    if match.group("sign"):
        raise QuantityError(f"{written}: a quantity can't be negative")
    if match.group("unit") is None:
        raise QuantityError(
            f"{written} has no unit: write it like {written}m3 (units: {UNIT_LIST})"
        )
    unit = canonical_unit(match.group("unit"))
    if unit is None:
        raise QuantityError(f"{match.group('unit')} is not a unit I know: use one of {UNIT_LIST}")
    value = quantity(match.group("number"))
    if value <= 0:
        raise QuantityError(f"{written}: a quantity must be more than 0")
    return value, unit


def format_number(value: Decimal) -> str:
    """Return `value` as people read it: `1,500`, `2.5`, `12` (exact, no trailing zeros)."""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    fraction = fraction.rstrip("0")
    sign = "-" if value < 0 else ""
    return f"{sign}{int(whole):,}" + (f".{fraction}" if fraction else "")


def format_money(value: Decimal, currency: str | None) -> str:
    """Return an amount with its currency: `$1,500`, `€20`, `1,500,000 VND`, `1,500`."""
    symbols = {"$": "$", "EUR": "€", "GBP": "£", "USD": "$"}
    number = format_number(value)
    if currency in symbols:
        return f"{symbols[currency]}{number}"
    return f"{number} {currency}" if currency else number
