"""A ticker line of one rate by its code alone, with its move ("USD 512,30 ▲
1,20"), names no currency it is quoted in: it is no story's text, and the
submitter is told it was not stored, as for several such rates on a line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.ticker import names_a_pair


def test_one_rate_by_its_code_is_a_ticker_line_not_understood(page_fixture) -> None:
    page = page_fixture("tickers-one-currency-kk.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(q.base, q.quote, q.rate) for q in page.quotes] == [("USD", "KZT", Decimal("512.30"))]
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Теңге доллар алдында әлсіреді", 2),
        ("Астанада жаңа мектеп ашылды", 1),
    ]
    assert page.diagnostics.warnings == (
        "ticker line not understood: 'USD 512,30 ▲ 1,20'",
        "ticker line not understood: 'EUR 548,10 ▼ 0,85'",
        "ticker line not understood: 'RUB 5,62 ▲ 0,03'",
    )
    left = {k.kind: k.blocks for k in page.diagnostics.left_out}
    assert left == {"ticker lines not understood": 3}


def test_under_a_story_such_a_line_is_none_of_its_text() -> None:
    page = parse_page(
        "4 декабря 2026\n\n"
        "Тенге ослаб к доллару на торгах KASE\n"
        "Средневзвешенный курс составил 512,30 тенге за доллар, сообщает биржа.\n\n"
        "USD 512,30 ▲ 1,20\n"
        "$ 512,30 ▲\n".encode(),
        "text/plain",
    )
    (story,) = page.articles
    assert len(story.paragraphs) == 1
    assert len(page.diagnostics.warnings) == 2


@pytest.mark.parametrize("line", ["USD 512,30 ▲ 1,20", "EUR 548,10 (-0,2%)", "$ 508,40 ▼"])
def test_one_rate_with_its_move(line: str) -> None:
    assert names_a_pair(line)


@pytest.mark.parametrize("line", ["USD 100", "GDP 5.1 +0.3", "USD 512,30 тенге"])
def test_a_sum_or_a_figure_is_no_rate(line: str) -> None:
    assert not names_a_pair(line)
