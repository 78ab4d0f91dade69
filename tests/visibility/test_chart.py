"""The S-curve as a PNG (`bot.charts.scurve`): whatever a project is called."""

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from matplotlib.image import imread

from bot.charts.scurve import render_s_curve
from rules.scurve import SCurve

MONDAY = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def test_a_name_with_dollars_and_backslashes_still_draws_a_chart():
    days = tuple(MONDAY + timedelta(days=n) for n in range(5))
    curve = SCurve(
        at=days,
        planned=(0.0, 100.0, 200.0, 300.0, 400.0),
        earned=(0.0, 80.0, 150.0),
        actual=(0.0, 90.0, 210.0),
        budget=400.0,
        in_percent=False,
        now=days[2],
    )

    png = render_s_curve(curve, r"Shop $1M – $2M \frac (SHP)", "USD", ZoneInfo("Asia/Ho_Chi_Minh"))

    assert imread(io.BytesIO(png), format="png").shape[:2] == (450, 800)
