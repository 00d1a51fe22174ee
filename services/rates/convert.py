"""Cross rates in Decimal, from published quotes, saying which quotes they came from.

A published quote ``KZT/USD = 0.00192`` says 1 KZT buys 0.00192 USD. The
value of 1 BASE in SYMBOL is taken, in this order of preference, from
  - a quote of the pair itself (BASE/SYMBOL, or SYMBOL/BASE inverted);
  - two quotes against one currency both are quoted in (BASE/P and SYMBOL/P,
    either way round), trying the most quoted such currency first.
Arithmetic runs at 34 significant digits, and only the result is rounded, to
``digits`` significant digits (half even), trailing zeros dropped. A quote
flagged as conflicting (its pair quoted twice with different values on one
page) is never used: there is no single value to convert with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

from services.rates.history import Quote

_WORK = Context(prec=34, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Converted:
    symbol: str
    value: Decimal  # amount × rate, rounded
    derived_from: tuple[Quote, ...]  # the published quotes used; empty for base itself


class Unconvertible(Exception):
    """These quotes value no ``currency``; ``conflicting`` names flagged pairs that might have."""

    def __init__(self, currency: str, conflicting: tuple[str, ...] = ()) -> None:
        super().__init__(currency)
        self.currency = currency
        self.conflicting = conflicting


def round_significant(value: Decimal, digits: int) -> Decimal:
    """``value`` rounded to ``digits`` significant digits, half even, trailing zeros dropped."""
    if not value:
        return Decimal(0)
    exponent = value.adjusted() - digits + 1
    rounded = value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN, context=_WORK)
    return rounded.normalize(_WORK)


def as_text(value: Decimal) -> str:
    """Plain decimal notation, never an exponent: 12500, not 1.25E+4."""
    return format(value, "f")


def currencies(quotes: Iterable[Quote]) -> set[str]:
    out: set[str] = set()
    for q in quotes:
        out.update((q.base, q.quote))
    return out


class Converter:
    """Values of one currency in others, from the quotes of one snapshot (or one day)."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.usable = {(q.base, q.quote): q for q in quotes if not q.conflict and q.rate}
        self.known = currencies(self.usable.values())
        self.conflicting = {q.pair for q in quotes if q.conflict}
        # Pivot currencies, most quoted first: USD for the Central Asian ticker.
        counts = Counter(c for pair in self.usable for c in pair)
        self.pivots = sorted(counts, key=lambda c: (-counts[c], c))

    def _direct(self, base: str, symbol: str) -> tuple[Decimal, tuple[Quote, ...]] | None:
        if base == symbol:
            return Decimal(1), ()
        if (q := self.usable.get((base, symbol))) is not None:
            return q.rate, (q,)
        if (q := self.usable.get((symbol, base))) is not None:
            return _WORK.divide(Decimal(1), q.rate), (q,)
        return None

    def rate(self, base: str, symbol: str) -> tuple[Decimal, tuple[Quote, ...]]:
        """The value of 1 ``base`` in ``symbol``, unrounded, and the quotes it came from."""
        if (direct := self._direct(base, symbol)) is not None:
            return direct
        for pivot in self.pivots:
            through_base = self._direct(base, pivot)
            through_symbol = self._direct(symbol, pivot)
            if through_base is not None and through_symbol is not None:
                value = _WORK.divide(through_base[0], through_symbol[0])
                return value, through_base[1] + through_symbol[1]
        missing = symbol if base in self.known else base
        blocked = tuple(sorted(p for p in self.conflicting if missing in p.split("/")))
        raise Unconvertible(missing, blocked)

    def convert(
        self, base: str, symbols: Sequence[str] | None, amount: Decimal, digits: int
    ) -> list[Converted]:
        """``amount`` of ``base`` in each symbol (default: every other currency it reaches).

        Raises Unconvertible for a named symbol this snapshot cannot value.
        """
        if symbols is None:
            if base not in self.known:
                blocked = tuple(sorted(p for p in self.conflicting if base in p.split("/")))
                raise Unconvertible(base, blocked)
            reachable = []
            for symbol in sorted(self.known - {base}):
                try:
                    reachable.append((symbol, self.rate(base, symbol)))
                except Unconvertible:
                    continue
            pairs = reachable
        else:
            pairs = [(symbol, self.rate(base, symbol)) for symbol in symbols]
        return [
            Converted(symbol, round_significant(_WORK.multiply(amount, value), digits), used)
            for symbol, (value, used) in pairs
        ]
