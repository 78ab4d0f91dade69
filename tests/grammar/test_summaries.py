"""The confirmation line after a report, and the answer when nothing was recorded."""

from decimal import Decimal

from rules.grammar.parsed import ReportContext
from rules.grammar.report import parse_report
from rules.grammar.summary import TaskSnapshot, explain_problems, summarise
from tests.grammar.helpers import update


def snapshot(percent: str | None = "35", **fields) -> TaskSnapshot:
    values = {"key": "TWR-42", "title": "Pour slab L3", "unit": "m³", **fields}
    return TaskSnapshot(percent=None if percent is None else Decimal(percent), **values)


def test_it_confirms_progress_compactly():
    parsed = update("TWR-42 60% formwork done, 12 m3 poured")

    line = summarise(snapshot("35"), snapshot("60"), parsed)

    assert line == 'TWR-42 Pour slab L3 · 35% → 60% · +12 m³ · "formwork done, poured"'


def test_it_shows_every_value_recorded():
    parsed = update("TWR-42 $1,500 crew 6 8h")

    line = summarise(snapshot(), snapshot(), parsed)

    assert line == "TWR-42 Pour slab L3 · cost +$1,500 · 6 workers · 8 h"


def test_it_shows_a_blocked_reason_once():
    parsed = parse_report("TWR-42 waiting for rebar delivery", context=ReportContext.BLOCKED)

    line = summarise(snapshot(), snapshot(), parsed)

    assert line == 'TWR-42 Pour slab L3 · blocked: "waiting for rebar delivery"'


def test_it_shows_done_with_the_percent_it_reached():
    parsed = parse_report("TWR-42", context=ReportContext.DONE)

    line = summarise(snapshot("80"), snapshot("100"), parsed)

    assert line == "TWR-42 Pour slab L3 · 80% → 100% · done ✅"


def test_it_says_when_a_percent_did_not_change():
    line = summarise(snapshot("60"), snapshot("60"), update("TWR-42 60%"))

    assert line == "TWR-42 Pour slab L3 · 60% (unchanged)"


def test_it_points_out_a_quantity_in_another_unit_than_the_tasks():
    line = summarise(snapshot(), snapshot(), update("TWR-42 2.5 t"))

    assert line == "TWR-42 Pour slab L3 · +2.5 t (the task counts m³)"


def test_it_lists_what_was_not_recorded_under_the_line():
    parsed = update("TWR-42 60% $1,500 $2,000")

    line = summarise(snapshot("35"), snapshot("60"), parsed)

    assert line.splitlines() == [
        "TWR-42 Pour slab L3 · 35% → 60%",
        "Not recorded: two costs ($1,500 and $2,000): recorded neither — send one",
    ]


def test_it_escapes_the_title_and_shortens_long_notes():
    parsed = update("TWR-42 " + "word " * 40)

    line = summarise(snapshot(), snapshot(title="Doors <east> & west"), parsed)

    assert line.startswith("TWR-42 Doors &lt;east&gt; &amp; west · ")
    assert line.endswith('…"')
    assert len(line) < 200


def test_it_explains_a_refusal_in_one_line_or_a_list():
    assert explain_problems(update("TWR-42 120%")) == (
        "Nothing recorded: 120% is more than 100%: give a percent from 0 to 100"
    )
    assert explain_problems(update("TWR-42 120% -3 m3")).splitlines() == [
        "Nothing recorded:",
        "• 120% is more than 100%: give a percent from 0 to 100",
        "• -3 m3: a quantity can't be negative — ask a lead to correct it",
    ]
    assert explain_problems(update("TWR-42 60%")) == ""
