"""Earned value's figures (`rules.earned_value`), as PMI defines them."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from rules.earned_value import EarnedValue


def test_a_task_over_budget_and_ahead_of_plan():
    # Budget 1,000; the plan says 40% by now; 50% done; 600 spent.
    value = EarnedValue(bac=Decimal(1000), pv=Decimal(400), ev=Decimal(500), ac=Decimal(600))

    assert (value.cv, value.sv) == (Decimal(-100), Decimal(100))
    assert (value.cpi, value.spi) == (Decimal("0.83"), Decimal("1.25"))
    assert (value.eac, value.etc, value.vac) == (Decimal(1200), Decimal(600), Decimal(-200))
    assert value.tcpi == Decimal("1.25")  # the remaining 500 of work on the remaining 400


def test_nothing_spent_or_planned_leaves_the_ratios_undefined():
    value = EarnedValue(bac=Decimal(1000), pv=Decimal(0), ev=Decimal(0), ac=Decimal(0))

    assert (value.cpi, value.spi, value.eac, value.etc, value.vac) == (None,) * 5
    assert value.tcpi == Decimal(1)
    spent = EarnedValue(bac=Decimal(100), pv=Decimal(100), ev=Decimal(50), ac=Decimal(100))
    assert spent.tcpi is None  # the budget is gone: no efficiency finishes on it


amounts = st.decimals(min_value=1, max_value=10**9, places=2)


@given(bac=amounts, share=st.fractions(min_value=0.01, max_value=1), ac=amounts)
def test_the_estimate_spends_the_budget_at_the_efficiency_so_far(bac, share, ac):
    ev = (bac * Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.01"))
    value = EarnedValue(bac=bac, pv=bac, ev=ev, ac=ac)
    if ev <= 0:
        return
    assert value.eac is not None and value.etc is not None and value.vac is not None
    assert abs(value.eac - bac * ac / ev) <= Decimal("0.01")
    assert value.etc == value.eac - ac and value.vac == bac - value.eac
    assert (value.vac >= 0) == (ev >= ac) or abs(value.vac) <= Decimal("0.01")
