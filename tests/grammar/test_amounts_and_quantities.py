"""Budgets and planned quantities for `/task add`: exact decimals, clear refusals."""

from decimal import Decimal

import pytest

from rules.grammar.numbers import (
    AmountError,
    QuantityError,
    currency_matches,
    format_money,
    format_number,
    parse_amount,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("12000", "12000"),
        ("12,000", "12000"),
        ("12000.50", "12000.50"),
        ("12k", "12000"),
        ("12K", "12000"),
        ("1.5m", "1500000"),
        ("2bn", "2000000000"),
        ("1.555k", "1555"),
        ("$12,000", "12000"),
        ("12000 USD", "12000"),
        ("15.000.000₫", "15000000"),
        ("0", "0"),
        ("999,999,999,999.99", "999999999999.99"),
    ],
)
def test_it_reads_amounts(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no amount: write it like 12000, 12,000"),
        ("lots", "lots is not an amount"),
        ("-500", "-500: an amount can't be negative"),
        ("12,00", "12,00: use a point for decimals (12.00)"),
        ("1.500", "1.500 has more than 2 decimals"),
        ("12.5.3", "12.5.3 is not a number I can read"),
        ("1,000,000,000,000", "1,000,000,000,000 is too large"),
        ("2000bn", "2000bn is too large"),
    ],
)
def test_it_refuses_amounts_it_could_misread(text, message):
    with pytest.raises(AmountError) as refused:
        parse_amount(text)

    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("40m3", "40", "m³"),
        ("40 m3", "40", "m³"),
        ("40 M³", "40", "m³"),
        ("12.5 m2", "12.5", "m²"),
        ("300 lm", "300", "m"),
        ("2.5 tonnes", "2.5", "t"),
        ("8 pieces", "8", "pcs"),
        ("1,200 kg", "1200", "kg"),
        ("0.0005 t", "0.001", "t"),
    ],
)
def test_it_reads_a_quantity_with_its_canonical_unit(text, quantity, unit):
    assert parse_quantity(text) == (Decimal(quantity), unit)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("40", "40 has no unit: write it like 40m3"),
        ("40 yd", "yd is not a unit I know: use one of m³ m² m t kg l pcs"),
        ("0 m3", "0 m3: a quantity must be more than 0"),
        ("-4 m3", "-4 m3: a quantity can't be negative"),
        ("m3", "m3 is not a quantity"),
        ("4,5 m3", "4,5: use a point for decimals (4.5)"),
    ],
)
def test_it_refuses_quantities_without_a_known_unit_or_above_zero(text, message):
    with pytest.raises(QuantityError) as refused:
        parse_quantity(text)

    assert str(refused.value).startswith(message)


def test_it_formats_numbers_and_money_as_people_read_them():
    assert format_number(Decimal("1500.000")) == "1,500"
    assert format_number(Decimal("2.50")) == "2.5"
    assert format_money(Decimal("1500.00"), "$") == "$1,500"
    assert format_money(Decimal("200"), "EUR") == "€200"
    assert format_money(Decimal("15000000"), "VND") == "15,000,000 VND"
    assert format_money(Decimal("15.5"), None) == "15.5"


def test_it_matches_a_dollar_sign_to_any_dollar_project_and_codes_exactly():
    assert currency_matches("$", "AUD")
    assert not currency_matches("$", "VND")
    assert currency_matches("₫", "VND")
    assert not currency_matches("EUR", "USD")
    assert currency_matches(None, "VND")
