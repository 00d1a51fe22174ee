"""What a rates request asks for, read from its path and query string (422 when malformed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import request

from services.rates.history import Pair
from shared.bounds import MAX_AMOUNT, MIN_AMOUNT, amount_problem
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


# Snapshot ids are 32-bit integers in the database: a larger one names no
# snapshot (and PostgreSQL would refuse to compare with it).
MAX_SNAPSHOT_ID = 2**31 - 1


def invalid(detail: str, kind: str) -> Problem:
    return Problem(422, detail, kind=kind)


def parse_snapshot_id(raw: str) -> int | None:
    """The snapshot id ``raw`` names; None when it is past every id the database
    can hold (no snapshot has it). 422 unless it is ASCII digits: ``str.isdigit``
    alone takes ``²``, which ``int`` refuses, and ``٣``, which it reads as 3."""
    if not (raw.isascii() and raw.isdigit()):
        raise invalid(f"a snapshot id is a whole number, not {raw[:40]!r}", "invalid-id")
    digits = raw.lstrip("0") or "0"
    # Checked before int(): ids of thousands of digits would make it work, or refuse.
    if len(digits) > len(str(MAX_SNAPSHOT_ID)):
        return None
    value = int(digits)
    return value if value <= MAX_SNAPSHOT_ID else None


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
        if (why := amount_problem(amount)) is not None:
            raise Problem(
                422,
                f"amount {why}, not {raw[:40]!r}",
                kind="invalid-amount",
                parameter="amount",
                minimum=str(MIN_AMOUNT),
                maximum=str(MAX_AMOUNT),
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
