"""/rates: the latest ticker as a table and a year of each pair as a chart, for people.

``?snapshot=<id>`` (where feed entries link) or ``?date=YYYY-MM-DD`` shows that
snapshot instead of the latest; the charts then end on its day. The charts
are SVG drawn here, so the page needs no JavaScript.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup

from services.feed.render import FORMATS, MEDIA_TYPES
from services.rates.chart import line_chart
from services.rates.history import Snapshot, by_id, daily_rates, latest, on_or_before
from services.rates.http import cached, install, read_view, reader, settings
from services.rates.params import parse_day, parse_snapshot_id
from shared.problems import Problem

bp = Blueprint("rates_page", __name__)
bp.record_once(lambda state: install(state.app))
CHART_DAYS = 365
# Each chart is a year's query and an SVG: a snapshot of a thousand pairs must
# not make every view of the page draw a thousand. The table lists them all.
MAX_CHARTS = 24


def _chosen() -> Snapshot | None:
    session = reader()
    if "snapshot" in request.args:
        raw = request.args["snapshot"]
        snapshot_id = parse_snapshot_id(raw)
        snap = by_id(session, snapshot_id) if snapshot_id is not None else None
        if snap is None:
            raise Problem(404, f"no rate snapshot {raw}", kind="no-rates")
        return snap
    if "date" in request.args:
        day = parse_day(request.args["date"])
        snap = on_or_before(session, day)
        if snap is None:
            raise Problem(404, f"no rate snapshot on or before {day}", kind="no-rates")
        return snap
    return latest(session)


@bp.get("/rates")
@read_view
def rates_page() -> Response:
    snap = _chosen()
    charts = []
    uncharted = 0
    if snap is not None:
        every_pair = list(dict.fromkeys((q.base, q.quote) for q in snap.quotes))
        pairs = every_pair[:MAX_CHARTS]
        uncharted = len(every_pair) - len(pairs)
        end = snap.observed_on
        start = end - timedelta(days=CHART_DAYS - 1)
        history = {
            pair: [
                (date.fromisoformat(day), Decimal(rate))
                for day, rate, conflict in daily_rates(reader(), pair, start, end)
                if not conflict  # a conflicting day has no single value to draw
            ]
            for pair in pairs
        }
        for base, quote in pairs:
            title = f"{base}/{quote}"
            svg = line_chart(history[(base, quote)], title)
            charts.append(
                {"pair": title, "slug": f"{base}-{quote}", "svg": Markup(svg)}  # noqa: S704
            )
    page = render_template(
        "rates.html",
        snap=snap,
        charts=charts,
        base=settings().base_url,
        formats=FORMATS,
        media_types=MEDIA_TYPES,
        chart_days=CHART_DAYS,
        uncharted=uncharted,
    )
    return cached(page.encode(), "text/html; charset=utf-8")
