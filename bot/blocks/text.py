"""What every message siteloop lays out shares (pure): Slack's limits on what it shows, the one
way text is clipped to them, and how numbers, money and days read.

Text from people is escaped where it is shown, with `rules.slack_text.mrkdwn`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from rules.grammar.numbers import format_money, format_number

HEADER_LIMIT = 150  # a header block's text
SECTION_LIMIT = 3000  # a section's text, a context element's
FIELD_LIMIT = 2000  # one field of a section
TEXT_LIMIT = 3000  # a message's fallback text
EDIT_TEXT_LIMIT = 3900  # an edited message's text: chat.update refuses more than 4,000
MODAL_TITLE_LIMIT = 24  # a modal's title


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    """Return `text` cut to `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(value: float | Decimal, places: int) -> str:
    """Return `value` rounded to `places`, without trailing zeros: "35", "2.5", "1,500"."""
    return format_number(round(Decimal(str(value)), places))


def money(value: float | Decimal, currency: str | None) -> str:
    """Return an amount in a currency, to the cent: "$1,500.00"."""
    return format_money(round(Decimal(str(value)), 2), currency)


def signed_money(value: float | Decimal, currency: str | None) -> str:
    """Return a variance with its sign before the currency: "-$300", "+$1,500", "$0"."""
    amount = round(Decimal(str(value)), 2)
    if amount == 0:
        return money(amount, currency)
    return f"{'-' if amount < 0 else '+'}{money(abs(amount), currency)}"


def day(value: date) -> str:
    """Return a day as a message names it this week: "Fri 04 Dec"."""
    return f"{value:%a %d %b}"


def full_day(value: date) -> str:
    """Return a day with its year: "Fri 04 Dec 2026"."""
    return f"{value:%a %d %b %Y}"


def day_and_time(value: datetime) -> str:
    """Return a local instant as a message shows it: "Fri 04 Dec 14:30"."""
    return f"{value:%a %d %b %H:%M}"
