"""Cross rates in Decimal: which quotes, which way round, and how they are rounded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.rates.convert import Converter, Unconvertible, as_text, round_significant
from services.rates.history import Quote


def quote(pair: str, rate: str, conflict: bool = False, qid: int = 1) -> Quote:
    base, counter = pair.split("/")
    return Quote(base, counter, Decimal(rate), "0%", id=qid, snapshot_id=7, conflict=conflict)


TICKER = [
    quote("KGS/USD", "0.01144", qid=1),
    quote("KZT/USD", "0.00192", qid=2),
    quote("UZS/USD", "0.00008", qid=3),
]


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        ("520.83333333", 6, "520.833"),
        ("12500", 6, "12500"),  # never 1.25E+4
        ("1234567.89", 6, "1234570"),
        ("0.000123456789", 3, "0.000123"),
        ("2.5", 1, "2"),  # half even
        ("3.5", 1, "4"),
        ("0.0114400", 6, "0.01144"),  # trailing zeros dropped
    ],
)
def test_rounding_to_significant_digits(value: str, digits: int, text: str) -> None:
    assert as_text(round_significant(Decimal(value), digits)) == text


def test_direct_inverse_and_cross_rates_say_which_quotes() -> None:
    conv = Converter(TICKER)
    value, used = conv.rate("KGS", "USD")
    assert value == Decimal("0.01144") and [q.pair for q in used] == ["KGS/USD"]
    value, used = conv.rate("USD", "KZT")
    assert round_significant(value, 6) == Decimal("520.833")
    value, used = conv.rate("UZS", "KGS")  # through USD: 0.00008 / 0.01144
    assert as_text(round_significant(value, 6)) == "0.00699301"
    assert [q.pair for q in used] == ["UZS/USD", "KGS/USD"]
    assert conv.rate("KGS", "KGS") == (Decimal(1), ())


def test_amount_is_applied_before_rounding() -> None:
    (kzt,) = Converter(TICKER).convert("USD", ["KZT"], Decimal("3"), 6)
    # 3 / 0.00192 = 1562.5 exactly; rounding 3 × 520.833 would give 1562.50.
    assert as_text(kzt.value) == "1562.5"


def test_a_direct_quote_wins_over_a_path() -> None:
    conv = Converter([*TICKER, quote("KZT/KGS", "0.1700", qid=9)])
    value, used = conv.rate("KGS", "KZT")  # inverted direct quote, not via USD
    assert [q.pair for q in used] == ["KZT/KGS"]
    assert as_text(round_significant(value, 6)) == "5.88235"


def test_conflicting_quotes_are_not_used() -> None:
    conv = Converter(
        [
            *TICKER[1:],
            quote("KGS/USD", "0.01144", True, 4),
            quote("KGS/USD", "0.01150", True, 5),
        ]
    )
    with pytest.raises(Unconvertible) as exc:
        conv.rate("USD", "KGS")
    assert exc.value.currency == "KGS" and exc.value.conflicting == ("KGS/USD",)
    assert [c.symbol for c in conv.convert("USD", None, Decimal(1), 6)] == ["KZT", "UZS"]


def test_a_base_not_in_the_snapshot_is_unconvertible() -> None:
    with pytest.raises(Unconvertible) as exc:
        Converter(TICKER).convert("TMT", None, Decimal(1), 6)
    assert exc.value.currency == "TMT"
