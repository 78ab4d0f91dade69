"""The S-curve as a PNG (matplotlib, headless): planned value to the plan's end, earned value
and actual cost to now, with a line at today.

It draws with the object API (`Figure` on an Agg canvas), never `pyplot`: no global state, no
display, safe on a worker thread.
"""

from __future__ import annotations

import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import matplotlib.dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.blocks.text import number
from rules.grammar.numbers import format_money
from rules.scurve import SCurve

PLANNED, EARNED, ACTUAL = "#1f77b4", "#2ca02c", "#d62728"
SIZE = (8, 4.5)  # inches; at 100 dpi an 800×450 PNG, legible in a Slack preview
DPI = 100


def render_s_curve(curve: SCurve, title: str, currency: str | None, zone: ZoneInfo) -> bytes:
    """Return `curve` drawn as a PNG titled `title`, amounts in `currency`, days in `zone`."""
    figure = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title, loc="left", fontsize=12, parse_math=False)  # a "$" is a dollar
    if curve.is_empty:
        axes.text(0.5, 0.5, "No planned dates yet", ha="center", va="center")
        axes.set_axis_off()
        return _png(figure)
    # Site-local wall times as matplotlib's day numbers, so the ticks read in the site's days.
    at = mdates.date2num([t.astimezone(zone).replace(tzinfo=None) for t in curve.at])
    past = at[: len(curve.earned)]
    axes.plot(at, curve.planned, color=PLANNED, label="Planned (PV)")
    axes.plot(past, curve.earned, color=EARNED, linewidth=2, label="Earned (EV)")
    if curve.actual:
        axes.plot(past, curve.actual, color=ACTUAL, label="Actual cost (AC)")
    today = mdates.date2num(curve.now.astimezone(zone).replace(tzinfo=None))
    axes.axvline(float(today), color="#888", linestyle=":")
    axes.set_ylim(bottom=0)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper left", fontsize=9)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # a few days up to years
    axes.xaxis_date()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    if curve.in_percent:
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{number(v, 0)}%"))
    else:
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _short_money(v, currency)))
    figure.tight_layout()
    return _png(figure)


def _short_money(value: float, currency: str | None) -> str:
    """Return an axis amount without cents: "$1,500"."""
    return format_money(Decimal(round(value)), currency)


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
