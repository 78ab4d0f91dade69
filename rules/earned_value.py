"""Earned value management's figures from four amounts (pure), as PMI defines them.

Given the budget at completion (BAC), planned value (PV), earned value (EV) and actual cost
(AC) of a task, a crew or a project:

- CV = EV − AC (cost variance; below 0 is over budget), SV = EV − PV (schedule variance);
- CPI = EV / AC, SPI = EV / PV: how much work each unit of money, each unit of plan, bought;
- EAC = BAC / CPI: what the whole will cost at the efficiency so far; ETC = EAC − AC, what is
  still to spend; VAC = BAC − EAC, how far over (below 0) or under the budget it will end;
- TCPI = (BAC − EV) / (BAC − AC): the efficiency the rest of the work needs to finish on budget.

A ratio is None where it is undefined (nothing spent, nothing planned, or the budget already
spent): surfaces show it as "–", never as 0 or infinity.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class EarnedValue:
    """The four amounts, and every figure derived from them."""

    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal

    @property
    def cv(self) -> Decimal:
        return self.ev - self.ac

    @property
    def sv(self) -> Decimal:
        return self.ev - self.pv

    @property
    def cpi(self) -> Decimal | None:
        return _ratio(self.ev, self.ac)

    @property
    def spi(self) -> Decimal | None:
        return _ratio(self.ev, self.pv)

    @property
    def eac(self) -> Decimal | None:
        # From the unrounded efficiency: a rounded CPI would move a large budget's EAC.
        if self.ev <= 0 or self.ac <= 0:
            return None
        return (self.bac * self.ac / self.ev).quantize(_CENT)

    @property
    def etc(self) -> Decimal | None:
        eac = self.eac
        return None if eac is None else eac - self.ac

    @property
    def vac(self) -> Decimal | None:
        eac = self.eac
        return None if eac is None else self.bac - eac

    @property
    def tcpi(self) -> Decimal | None:
        return _ratio(self.bac - self.ev, self.bac - self.ac)


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if denominator <= 0 else round(numerator / denominator, 2)
