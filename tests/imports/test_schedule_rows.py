"""Reading spreadsheet rows: loose headers, the usual date and number formats, clear problems."""

from datetime import date
from decimal import Decimal

import pytest

from rules.schedule_rows import map_headers, read_amount, read_date, read_row


def test_it_matches_headers_loosely():
    columns, ignored = map_headers(
        ["Task Name", " Planned Finish ", "QTY", "UoM", "Activity ID", "Colour"]
    )

    assert columns == {
        "title": "Task Name",
        "due": " Planned Finish ",
        "quantity": "QTY",
        "unit": "UoM",
        "external_id": "Activity ID",
    }
    assert ignored == ["Colour"]


@pytest.mark.parametrize(
    ("written", "day_first", "expected"),
    [
        ("2026-12-04", None, date(2026, 12, 4)),
        ("2026/12/04", None, date(2026, 12, 4)),
        ("4 Dec 2026", None, date(2026, 12, 4)),
        ("Dec 4, 2026", None, date(2026, 12, 4)),
        ("04-Dec-2026", None, date(2026, 12, 4)),
        ("46360", None, date(2026, 12, 4)),
        ("04/12/2026", True, date(2026, 12, 4)),
        ("12/04/2026", False, date(2026, 12, 4)),
    ],
)
def test_it_reads_the_usual_spreadsheet_dates(written, day_first, expected):
    assert read_date(written, day_first=day_first) == expected


def test_it_refuses_to_guess_which_way_round_a_slashed_date_goes():
    with pytest.raises(ValueError, match="could be day/month or month/day: pass --day-first"):
        read_date("04/12/2026")


@pytest.mark.parametrize(
    ("written", "expected"), [("12,000", "12000"), ("$12,000.50", "12000.50"), ("12 000", "12000")]
)
def test_it_reads_spreadsheet_numbers(written, expected):
    assert read_amount(written) == Decimal(expected)


def test_a_bad_row_lists_every_problem():
    columns = {"title": "title", "due": "due", "start": "start", "budget": "budget", "unit": "unit"}

    row = read_row(
        7,
        {"title": "", "due": "soon", "budget": "lots", "unit": "furlongs"},
        columns,
        day_first=None,
    )

    assert row.line == 7
    assert row.problems == (
        "title: empty — every task needs a title",
        "due: `soon` is not a date (use 2026-12-04, 4 Dec 2026 or Dec 4, 2026)",
        "unit: `furlongs` is not a unit I know (m³, m², m, t, kg, l, pcs, bags, …)",
        "budget: `lots` is not a number",
    )
