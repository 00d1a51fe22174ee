"""What a rates request asks for, read from its path and query string (422 when malformed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import request

from services.rates.history import Pair
from shared.problems import Problem

_CODE = re.compile(r"[A-Za-z]{3}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PAIR = re.compile(r"([A-Za-z]{3})[-/]([A-Za-z]{3})")


@dataclass(frozen=True, slots=True)
class Wanted:
    """What the query string asks for."""

    pairs: tuple[Pair, ...] | None  # published pairs to keep; None: all
    base: str | None  # converting into this (None: the pivot currency)
    symbols: tuple[str, ...] | None  # converting to these (None: all reachable)
    amount: Decimal
    converting: bool

    def currencies(self) -> set[str]:
        named = set(self.symbols or ()) | ({self.base} if self.base else set())
        for b, q in self.pairs or ():
            named |= {b, q}
        return named


def invalid(detail: str, kind: str) -> Problem:
    return Problem(422, detail, kind=kind)


def _code(value: str, name: str) -> str:
    if not _CODE.fullmatch(value):
        raise invalid(
            f"{name} must be a three-letter currency code, not {value!r}", "invalid-currency"
        )
    return value.upper()


def _listed(name: str) -> list[str]:
    raw = request.args.get(name)
    return [] if raw is None else [v.strip() for v in raw.split(",") if v.strip()]


def parse_wanted() -> Wanted:
    args = request.args
    pairs = None
    if "pairs" in args:
        pairs = []
        for item in _listed("pairs"):
            m = _PAIR.fullmatch(item)
            if m is None:
                raise invalid(f"pairs look like KGS-USD, not {item!r}", "invalid-pair")
            pairs.append((m[1].upper(), m[2].upper()))
        pairs = tuple(dict.fromkeys(pairs))
    base = _code(args["base"], "base") if "base" in args else None
    symbols = None
    if "symbols" in args:
        symbols = tuple(dict.fromkeys(_code(s, "symbols") for s in _listed("symbols")))
    amount = Decimal(1)
    if "amount" in args:
        raw = args["amount"]
        try:
            amount = Decimal(raw) if len(raw) <= 40 else Decimal("NaN")
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount <= 0:
            raise invalid(
                f"amount must be a positive decimal number, not {raw!r}", "invalid-amount"
            )
    converting = base is not None or symbols is not None or "amount" in args
    if converting and pairs is not None:
        raise invalid(
            "pairs selects published pairs; base, symbols and amount convert: use one or the other",
            "invalid-parameters",
        )
    return Wanted(pairs, base, symbols, amount, converting)


def parse_day(text: str) -> date:
    try:
        if _DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise invalid(f"{text!r} is not a date in YYYY-MM-DD form", "invalid-date")
