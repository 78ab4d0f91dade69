"""Values in a report: percent, quantity with unit, cost, crew size and hours."""

from decimal import Decimal

import pytest

from tests.grammar.helpers import update


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("TWR-42 60%", "60"),
        ("TWR-42 60 %", "60"),
        ("TWR-42 60 percent", "60"),
        ("TWR-42 60 PERCENT", "60"),
        ("TWR-42 60pct", "60"),
        ("TWR-42 62.5%", "62.5"),
        ("TWR-42 0%", "0"),
        ("TWR-42 100%", "100"),
        ("TWR-42 33.333%", "33.33"),
    ],
)
def test_it_reads_a_percent_written_any_usual_way(text, percent):
    assert update(text).percent == Decimal(percent)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("TWR-42 120%", "120% is more than 100%: give a percent from 0 to 100"),
        ("TWR-42 -10%", "-10% is less than 0%: give a percent from 0 to 100"),
        ("TWR-42 60,5%", "60,5: use a point for decimals (60.5)"),
    ],
)
def test_it_refuses_a_percent_outside_0_to_100_or_malformed(text, problem):
    parsed = update(text)

    assert parsed.problems == (problem,)
    assert parsed.percent is None


def test_it_records_neither_of_two_different_percents_and_says_so():
    parsed = update("TWR-42 40% 60% formwork")

    assert parsed.percent is None
    assert parsed.ignored == ("two percents (40% and 60%): recorded neither — send one",)
    assert parsed.ok


def test_it_reads_the_same_value_written_twice_as_one():
    assert update("TWR-42 60% … yes 60 %").percent == Decimal(60)


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("TWR-42 12 m3", "12", "m³"),
        ("TWR-42 12m³", "12", "m³"),
        ("TWR-42 12 m^3", "12", "m³"),
        ("TWR-42 12 cbm", "12", "m³"),
        ("TWR-42 40 m2", "40", "m²"),
        ("TWR-42 40m²", "40", "m²"),
        ("TWR-42 40 sqm", "40", "m²"),
        ("TWR-42 300 m", "300", "m"),
        ("TWR-42 300 lm", "300", "m"),
        ("TWR-42 2.5 t", "2.5", "t"),
        ("TWR-42 2.5 tonnes", "2.5", "t"),
        ("TWR-42 8 pcs", "8", "pcs"),
        ("TWR-42 8 pieces", "8", "pcs"),
        ("TWR-42 8 nos", "8", "pcs"),
        ("TWR-42 120 KG", "120", "kg"),
        ("TWR-42 200 l", "200", "l"),
        ("TWR-42 20 bags", "20", "bags"),
        ("TWR-42 12 sheets", "12", "sheets"),
        ("TWR-42 +12 m3", "12", "m³"),
        ("TWR-42 1,500 m2", "1500", "m²"),
    ],
)
def test_it_reads_a_quantity_and_normalises_its_unit(text, quantity, unit):
    parsed = update(text)

    assert (parsed.quantity, parsed.unit) == (Decimal(quantity), unit)


@pytest.mark.parametrize("text", ["TWR-42 12mm rebar", "TWR-42 30 cm gap", "TWR-42 5 min late"])
def test_it_does_not_read_dimensions_or_durations_as_quantities(text):
    assert update(text).quantity is None


def test_it_refuses_a_negative_quantity():
    parsed = update("TWR-42 -5 m3")

    assert parsed.problems == ("-5 m3: a quantity can't be negative — ask a lead to correct it",)


def test_it_refuses_a_decimal_comma_rather_than_guess():
    assert update("TWR-42 2,5 t").problems == ("2,5: use a point for decimals (2.5)",)


def test_it_does_not_record_a_zero_quantity_and_says_so():
    parsed = update("TWR-42 0 m3 today, pump broke")

    assert parsed.quantity is None
    assert parsed.ignored == ("0 m³ adds nothing: not recorded",)


def test_it_records_neither_of_two_different_quantities():
    parsed = update("TWR-42 12 m3 and 3 t")

    assert (parsed.quantity, parsed.unit) == (None, None)
    assert parsed.ignored == ("two quantities (12 m³ and 3 t): recorded neither — send one",)


@pytest.mark.parametrize(
    ("text", "cost", "currency"),
    [
        ("TWR-42 cost:1500", "1500", None),
        ("TWR-42 cost 1500", "1500", None),
        ("TWR-42 cost: $1,500", "1500", "$"),
        ("TWR-42 Cost=2,500.50", "2500.50", None),
        ("TWR-42 $1,500", "1500", "$"),
        ("TWR-42 1500$", "1500", "$"),
        ("TWR-42 €200", "200", "EUR"),
        ("TWR-42 200 €", "200", "EUR"),
        ("TWR-42 £90", "90", "GBP"),
        ("TWR-42 USD 1500", "1500", "USD"),
        ("TWR-42 1500 usd", "1500", "USD"),
        ("TWR-42 15,000,000 VND", "15000000", "VND"),
        ("TWR-42 15.000.000₫", "15000000", "VND"),
        ("TWR-42 150000đ", "150000", "VND"),
        ("TWR-42 $12k", "12000", "$"),
        ("TWR-42 cost 1.5m", "1500000", None),
    ],
)
def test_it_reads_a_cost_with_its_currency(text, cost, currency):
    parsed = update(text)

    assert (parsed.cost, parsed.currency) == (Decimal(cost), currency)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("TWR-42 $1.500", "cost 1.500 has more than 2 decimals"),
        ("TWR-42 1.500,50 €", "cost 1.500,50 is not a number I can read"),
        ("TWR-42 cost:-200", "cost:-200: a cost can't be negative"),
        ("TWR-42 $9,999,999,999,999", "cost 9,999,999,999,999 is too large"),
    ],
)
def test_it_refuses_a_cost_it_could_misread(text, problem):
    [found] = update(text).problems

    assert found.startswith(problem)


def test_it_does_not_read_a_bare_number_as_a_cost():
    assert update("TWR-42 1500 spent on scaffold").cost is None


@pytest.mark.parametrize(
    ("text", "manpower"),
    [
        ("TWR-42 6 workers", 6),
        ("TWR-42 6 men", 6),
        ("TWR-42 6 people", 6),
        ("TWR-42 6 pax", 6),
        ("TWR-42 crew 6", 6),
        ("TWR-42 crew of 6", 6),
        ("TWR-42 crew:6", 6),
        ("TWR-42 team of 6 workers", 6),
        ("TWR-42 0 workers, rain", 0),
    ],
)
def test_it_reads_the_crew_size(text, manpower):
    assert update(text).manpower == manpower


def test_it_refuses_a_fractional_crew():
    assert update("TWR-42 6.5 workers").problems == ("6.5 workers: give a whole number of people",)


@pytest.mark.parametrize(
    ("text", "hours"),
    [("TWR-42 8h", "8"), ("TWR-42 8 h", "8"), ("TWR-42 8 hrs", "8"), ("TWR-42 7.5 hours", "7.5")],
)
def test_it_reads_hours(text, hours):
    assert update(text).hours == Decimal(hours)


def test_it_refuses_more_hours_than_anyone_reports():
    assert update("TWR-42 1200h").problems == (
        "1200h is more than 1,000 hours: give the hours worked",
    )


def test_it_does_not_read_a_time_of_day_as_hours_or_anything_else():
    parsed = update("TWR-42 started 7:30 finished 16:00h")

    assert (parsed.hours, parsed.quantity, parsed.percent) == (None, None, None)
