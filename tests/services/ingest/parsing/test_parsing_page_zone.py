"""The zone a page's times that name none are in (``PAGE_TIMEZONE``): a page
from a UTC+5 outlet received late in the UTC evening says "Сегодня" of the
next day there."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services.ingest.parsing import parse_page

from .conftest import PAGES

# 20:30 UTC on 4 December: already 01:30 on 5 December in Almaty (UTC+5).
RECEIVED = datetime(2026, 12, 4, 20, 30, tzinfo=UTC)
BODY = (PAGES / "live-zone-less-ru.txt").read_bytes()


def _times(zone: ZoneInfo | None) -> list[datetime | None]:
    return [a.published for a in parse_page(BODY, "text/plain", RECEIVED, zone).articles]


def test_zone_less_times_are_read_in_the_pages_zone() -> None:
    assert _times(ZoneInfo("Asia/Almaty")) == [
        # "Сегодня, 00:40" there is 5 December: 19:40 UTC on the 4th.
        datetime(2026, 12, 4, 19, 40, tzinfo=UTC),
        # "Вчера, 23:10": 4 December there.
        datetime(2026, 12, 4, 18, 10, tzinfo=UTC),
        # A zone the page names wins: "по времени Астаны" is UTC+5 too.
        datetime(2026, 12, 4, 10, 20, tzinfo=UTC),
        datetime(2026, 12, 3, 4, 30, tzinfo=UTC),
        # A day without a time stays that day's midnight UTC.
        datetime(2026, 12, 2, tzinfo=UTC),
    ]


def test_without_a_zone_the_times_are_utc_as_before() -> None:
    assert _times(None) == [
        datetime(2026, 12, 4, 0, 40, tzinfo=UTC),
        datetime(2026, 12, 3, 23, 10, tzinfo=UTC),
        # Counted from the day it was received in the zone the time names.
        datetime(2026, 12, 4, 10, 20, tzinfo=UTC),
        datetime(2026, 12, 3, 9, 30, tzinfo=UTC),
        datetime(2026, 12, 2, tzinfo=UTC),
    ]


def test_a_zone_written_on_the_page_wins_over_the_pages_zone() -> None:
    page = parse_page(
        b"Kazakhstan Opens New Rail Link\n"
        b"4 December 2026, 14:00 (GMT+6)\n\n"
        b"The new line links Almaty and Urumqi, the railway company said.\n\n"
        b"Uzbekistan Cuts Gas Prices For Homes\n"
        b"15:30\n\n"
        b"Households will pay less for gas from January, the ministry said.\n",
        "text/plain",
        RECEIVED,
        ZoneInfo("Europe/Moscow"),
    )
    rail, gas = page.articles
    assert rail.published == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    # A time alone under a dated page is in the zone the page's date line names.
    assert gas.published == datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("zone", [None, ZoneInfo("Asia/Almaty")])
def test_the_sample_reads_the_same_in_any_zone(sample_text: bytes, zone: ZoneInfo | None) -> None:
    page = parse_page(sample_text, "text/plain", RECEIVED, zone)
    assert page == parse_page(sample_text, "text/plain", RECEIVED)
    assert len(page.articles) == 6 and len(page.quotes) == 5
