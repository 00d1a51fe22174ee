"""The rates API, in JSON or (``?format=csv``) CSV. Every number is a decimal string.

GET /api/v1/rates/latest            each pair's most recent quote, under the newest snapshot
GET /api/v1/rates/<YYYY-MM-DD>      the last snapshot on or before that day
GET /api/v1/rates/<start>..<end>    a daily series; ``<start>..`` runs to the newest day
GET /api/v1/rates/snapshots/<id>    one snapshot (the id feed entries carry)
GET /api/v1/currencies              every currency and pair ever quoted

A snapshot, as published (the default)::

    {"date": "2025-12-15", "observed_at": "2025-12-15T00:00:00+00:00",
     "snapshot_id": 7, "source": "timesca", "submission_id": "…",
     "rates": [{"pair": "KGS/USD", "base": "KGS", "quote": "USD",
                "rate": "0.01144", "change": "0%"}, …]}

``/<day>`` adds ``"requested_date"``; ``date`` is the day of the snapshot found.
``latest`` has the newest snapshot's head and quotes, then the most recent quote
of each other pair ever quoted (``services.rates.latest_quotes``); each of its
quotes says its own ``snapshot_id``, ``date`` and ``observed_at``, and each
quote a conversion used says its ``observed_at``.
A pair quoted twice with different values on the page appears twice, each
with ``"conflict": true``. ``?pairs=KGS-USD,KZT-USD`` keeps only those pairs.

Converted (any of ``base``, ``symbols``, ``amount``; the base defaults to the
most quoted currency, USD)::

    ?base=USD&symbols=KZT,UZS&amount=100 →
    {"date": …, "observed_at": …, "snapshot_id": 7, "base": "USD", "amount": "100",
     "rates": {"KZT": "52083.3", "UZS": "1250000"},
     "precision": {"significant_digits": 6, "rounding": "half-even"},
     "derived_from": [{"pair": "KZT/USD", "rate": "0.00192", "change": "-0%",
                       "snapshot_id": 7}, …]}

A series holds each pair's last quote of each day (UTC) that has one::

    {"start": "2025-01-01", "end": "2025-12-31", "pairs": ["KGS/USD", …],
     "rates": {"2025-12-15": {"KGS/USD": "0.01144", …}, …}}

with ``"conflicts": {day: {pair: [rate, …]}}`` for a day whose last quote of a
pair conflicted (that pair is then absent from the day's ``rates``). Converted,
a series has ``base``, ``amount``, ``precision``, ``rates: {day: {symbol:
value}}`` and ``derived_from: {day: [quote, …]}`` (each quote with its snapshot).

Errors are problem documents: 422 for a malformed date, range, currency code,
amount or format; 404 for a currency or pair never quoted, or no snapshot.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app

from services.rates import csv_export
from services.rates.convert import Converter, Unconvertible, as_text
from services.rates.currencies import CurrencyList, last_stored_id
from services.rates.documents import converted_doc, precision, snapshot_doc, used_quotes
from services.rates.history import (
    DailyClose,
    Pair,
    Quote,
    Reader,
    Snapshot,
    by_id,
    conflicting_on,
    daily_closes,
    daily_rates,
    distinct_pairs,
    latest_day,
    on_or_before,
    siblings,
)
from services.rates.http import (
    CSV_TYPE,
    JSON_TYPE,
    Answer,
    cached,
    install,
    json_bytes,
    read_view,
    reader,
    respond,
    settings,
)
from services.rates.http import wanted_format as _format
from services.rates.latest_quotes import latest_quotes
from services.rates.memory import LatestRatesMemory
from services.rates.params import Wanted, parse_day, parse_snapshot_id, parse_wanted
from services.rates.params import invalid as _invalid
from shared.problems import Problem

bp = Blueprint("rates_api", __name__, url_prefix="/api/v1")
bp.record_once(lambda state: install(state.app))

# A series longer than this is refused (422): about ten years of days.
MAX_SERIES_DAYS = 3660


def _require_known(session: Reader, wanted: Wanted, known_pairs: list[Pair] | None = None) -> None:
    """404 for a currency or pair never quoted at all."""
    known_pairs = distinct_pairs(session) if known_pairs is None else known_pairs
    currencies = {c for pair in known_pairs for c in pair}
    unknown = sorted(wanted.currencies() - currencies)
    if unknown:
        raise Problem(
            404,
            f"no quotes have ever been published for {', '.join(unknown)}",
            kind="unknown-currency",
            currencies=unknown,
        )
    missing = [f"{b}/{q}" for b, q in wanted.pairs or () if (b, q) not in known_pairs]
    if missing:
        raise Problem(
            404, f"no quotes have ever been published for {', '.join(missing)}", kind="unknown-pair"
        )


def _snapshot_answer(
    session: Reader, snap: Snapshot, fmt: str, wanted: Wanted, **extra: Any
) -> Answer:
    """What a snapshot request answers with; raises Problem 404/409."""
    if wanted.converting:
        named = wanted.currencies()
        if named - {c for q in snap.quotes for c in (q.base, q.quote)}:
            _require_known(session, wanted)  # 404 now if never quoted at all
        doc = {**converted_doc(snap, wanted), **extra}
        body = csv_export.converted_csv(doc) if fmt == "csv" else json_bytes(doc)
    else:
        if wanted.pairs and set(wanted.pairs) - {(q.base, q.quote) for q in snap.quotes}:
            _require_known(session, wanted)
        doc = {**snapshot_doc(snap, wanted.pairs), **extra}
        body = csv_export.snapshot_csv(doc) if fmt == "csv" else json_bytes(doc)
    if fmt == "csv":
        return Answer.of(body, CSV_TYPE, f"rates-{doc['date']}.csv")
    return Answer.of(body, JSON_TYPE)


def _answer_snapshot(
    session: Reader, snap: Snapshot | None, missing: str, **extra: Any
) -> Response:
    fmt = _format()
    wanted = parse_wanted()
    if snap is None:
        raise Problem(404, missing, kind="no-rates")
    return respond(_snapshot_answer(session, snap, fmt, wanted, **extra))


def _latest_key(fmt: str, wanted: Wanted) -> Hashable:
    """Equal for two queries exactly when their answers are: parameter order,
    case and unknown parameters aside."""
    # The amount as text: 100 and 100.0 are equal Decimals, but answer
    # "amount": "100" and "100.0".
    return (fmt, wanted.pairs, wanted.base, wanted.symbols, str(wanted.amount), wanted.converting)


@bp.get("/rates/latest")
@read_view
def latest_rates() -> Response:
    """From this process's copy (``rates_memory``); a miss reads each pair's most recent
    quote. Problems (no snapshot yet, unknown currencies, malformed queries) are never held."""
    fmt = _format()
    wanted = parse_wanted()
    memory: LatestRatesMemory = current_app.extensions["silkfeed"]["latest_rates"]
    key = _latest_key(fmt, wanted)
    held = memory.get(key)
    if held is not None:
        return respond(held)
    generation = memory.generation
    session = reader()
    stored = last_stored_id(session)  # first: a snapshot stored meanwhile drops the answer
    snap = latest_quotes(session)
    if snap is None or stored is None:
        raise Problem(404, "no rate snapshot has been stored yet", kind="no-rates")
    answer = _snapshot_answer(session, snap, fmt, wanted)
    memory.put(key, answer, stored, generation)
    return respond(answer)


@bp.get("/rates/snapshots/<raw_id>")
@read_view
def one_snapshot(raw_id: str) -> Response:
    session = reader()
    # Parsed here, not by an int converter, whose \d takes non-ASCII digits.
    snapshot_id = parse_snapshot_id(raw_id)
    snap = by_id(session, snapshot_id) if snapshot_id is not None else None
    return _answer_snapshot(session, snap, f"no rate snapshot {raw_id}")


@bp.get("/rates/<spec>")
@read_view
def on_day_or_series(spec: str) -> Response:
    if ".." in spec:
        start_text, _, end_text = spec.partition("..")
        return _series(parse_day(start_text), parse_day(end_text) if end_text else None)
    wanted = parse_day(spec)
    session = reader()
    snap = on_or_before(session, wanted)
    return _answer_snapshot(
        session,
        snap,
        f"no rate snapshot on or before {wanted.isoformat()}",
        requested_date=wanted.isoformat(),
    )


def _series(start: date, end: date | None) -> Response:
    fmt = _format()
    wanted = parse_wanted()
    session = reader()
    if end is None:
        end = max(start, latest_day(session) or start)
    if end < start:
        raise _invalid(f"the range ends ({end}) before it starts ({start})", "invalid-range")
    if (end - start).days + 1 > MAX_SERIES_DAYS:
        raise _invalid(
            f"a series covers at most {MAX_SERIES_DAYS} days; ask for it in parts",
            "range-too-long",
        )
    if wanted.converting:
        known = distinct_pairs(session)
        _require_known(session, wanted, known)
        return _converted_series(session, wanted, known, start, end, fmt)
    pairs = distinct_pairs(session) if wanted.pairs is None else list(wanted.pairs)
    if fmt == "csv":
        closes = daily_closes(session, pairs, start, end)
        if wanted.pairs and set(wanted.pairs) - {(c.base, c.quote) for c in closes}:
            _require_known(session, wanted)  # 404 if never quoted; else no data in range
        return cached(csv_export.series_csv(_series_rows(session, closes)), CSV_TYPE, "rates.csv")
    series = {pair: daily_rates(session, pair, start, end) for pair in pairs}
    if wanted.pairs and not all(series.values()):
        _require_known(session, wanted)
    return cached(json_bytes(_series_doc(session, series, start, end)), JSON_TYPE)


def _series_doc(
    session: Reader,
    series: dict[Pair, list[tuple[str, str, bool]]],
    start: date,
    end: date,
) -> dict[str, Any]:
    rates: dict[str, dict[str, str]] = {}
    conflicts: dict[str, dict[str, list[str]]] = {}
    for (base, quote), closes in series.items():
        name = f"{base}/{quote}"
        for day, rate, conflict in closes:
            if conflict:
                quotes = conflicting_on(session, (base, quote), day)
                conflicts.setdefault(day, {})[name] = [str(q.rate) for q in quotes]
            elif day in rates:
                rates[day][name] = rate
            else:
                rates[day] = {name: rate}
    doc: dict[str, Any] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "pairs": [f"{b}/{q}" for b, q in series],
        # Days in order whatever order the pairs filled them in.
        "rates": dict(sorted(rates.items())),
    }
    if conflicts:
        doc["conflicts"] = dict(sorted(conflicts.items()))
    return doc


def _series_rows(session: Reader, closes: Sequence[DailyClose]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for c in closes:
        if not c.conflict:
            rows.append([c.day, c.pair, c.base, c.quote, c.rate, c.change, c.snapshot_id, False])
            continue
        for s in siblings(session, c.snapshot_id, (c.base, c.quote)):
            rate = str(s.rate)
            rows.append([c.day, s.pair, s.base, s.quote, rate, s.change, s.snapshot_id, True])
    return rows


def _converted_series(
    session: Reader,
    wanted: Wanted,
    known: Sequence[Pair],
    start: date,
    end: date,
    fmt: str,
) -> Response:
    by_day: dict[str, list[Quote]] = {}
    for close in daily_closes(session, known, start, end):
        by_day.setdefault(close.day, []).append(close.as_quote())
    digits = settings().rates_significant_digits
    base = (
        wanted.base or (Converter([q for qs in by_day.values() for q in qs]).pivots or ["USD"])[0]
    )
    rates: dict[str, dict[str, str]] = {}
    used: dict[str, list[dict[str, Any]]] = {}
    for day, quotes in by_day.items():
        converter = Converter(quotes)
        if wanted.symbols is None:
            try:
                results = converter.convert(base, None, wanted.amount, digits)
            except Unconvertible:
                continue
        else:
            results = []
            for symbol in wanted.symbols:
                try:
                    results += converter.convert(base, [symbol], wanted.amount, digits)
                except Unconvertible:
                    continue  # not valued that day: absent, as in the published series
        if results:
            rates[day] = {r.symbol: as_text(r.value) for r in results}
            used[day] = used_quotes([q for r in results for q in r.derived_from])
    doc = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "base": base,
        "amount": as_text(wanted.amount),
        "rates": rates,
        "precision": precision(),
        "derived_from": used,
    }
    if fmt == "csv":
        return cached(csv_export.converted_series_csv(doc), CSV_TYPE, "rates.csv")
    return cached(json_bytes(doc), JSON_TYPE)


@bp.get("/currencies")
@read_view
def currencies() -> Response:
    """``{"currencies": {code: name}, "pairs": [{pair, base, quote, first_date, last_date}]}``.

    Made once per stored snapshot (``services.rates.currencies``): each pair's
    span is two index seeks, so making it costs what the pairs ever seen cost.
    """
    fmt = _format()
    held: CurrencyList = current_app.extensions["silkfeed"].setdefault(
        "currency_list", CurrencyList()
    )
    body = held.answer(reader(), fmt, settings().base_url)
    if fmt == "csv":
        return cached(body, CSV_TYPE, "currencies.csv")
    return cached(body, JSON_TYPE)
