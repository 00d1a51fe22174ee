"""`silkfeed parse FILE...`: what silkfeed would make of pages, storing nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli
from tests.conftest import FIXTURES, SAMPLE

PAGES = FIXTURES / "pages"


def test_parse_shows_articles_authors_quotes_and_left_out_text(cli: Cli) -> None:
    result = cli("parse", str(PAGES / "outlet-sentence-case.txt"), str(PAGES / "russian.html"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"== {PAGES / 'russian.html'}" in out
    assert "  1. Kazakhstan to cut export duty on wheat from April" in out
    assert "     4 paragraphs; by Dana Omarova; tags afghanistan, iran, kazakhstan" in out
    assert "  EUR/KZT  548.10 ▲0.4%" in out
    assert "     https://example.tj/news/ges-2025" in out
    assert "  boilerplate: 1 block, 19 characters, e.g. 'Поделиться Telegram'" in out


def test_parse_json_matches_the_seed(cli: Cli) -> None:
    result = cli("parse", "--json", str(SAMPLE))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["page_date"] == "2025-12-15"
    assert len(doc["articles"]) == 6
    assert len(doc["quotes"]) == 5
    assert {"pair": "KZT/USD", "rate": "0.00192", "change": "-0%"} in doc["quotes"]
    assert doc["diagnostics"]["warnings"] == []


def test_media_type_override_and_bad_pages(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "page.dat"
    page.write_bytes((PAGES / "russian.txt").read_bytes())
    ok = cli("parse", "--media-type", "text/plain", "--json", str(page))
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["articles"][0]["authors"] == ["Дана Омарова"]

    bad = tmp_path / "bad.json"
    bad.write_text('{"articles": 3}')
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\xff\xfe")
    result = cli("parse", str(bad), str(binary), str(page), "--media-type", "text/plain")
    assert result.exit_code == 1
    assert "Дана Омарова" in result.stdout  # the good page is still shown
    assert f"silkfeed: {binary}:" in result.stderr

    as_json = cli("parse", str(bad))
    assert as_json.exit_code == 1
    assert as_json.stderr == f"silkfeed: {bad}: /articles: must be an array, not a number\n"
    assert "Traceback" not in as_json.output


def test_parse_reads_legacy_encodings(cli: Cli, tmp_path: Path) -> None:
    text = (PAGES / "russian.txt").read_text(encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_bytes(text.encode("cp1251"))
    named = cli("parse", "--media-type", "text/plain; charset=windows-1251", "--json", str(page))
    assert named.exit_code == 0, named.output
    assert json.loads(named.stdout)["articles"][0]["authors"] == ["Дана Омарова"]
    html = tmp_path / "page.html"
    html.write_bytes(
        '<meta charset="koi8-r"><article><h1>Тенге укрепился</h1><p>Курс тенге вырос на 0,5% '
        "за неделю, сообщил Национальный банк Казахстана.</p></article>".encode("koi8-r")
    )
    declared = cli("parse", "--json", str(html))
    assert declared.exit_code == 0, declared.output
    assert json.loads(declared.stdout)["articles"][0]["title"] == "Тенге укрепился"
    unknown = cli("parse", "--media-type", "text/plain; charset=x-bogus", str(page))
    assert unknown.exit_code == 1
    assert "x-bogus" in unknown.stderr


def test_parse_stores_nothing(cli: Cli, tmp_path: Path) -> None:
    result = cli("parse", str(PAGES / "russian.txt"))
    assert result.exit_code == 0
    assert not (tmp_path / "var").exists()


def test_parse_of_a_front_page_says_what_went_into_no_story(cli: Cli) -> None:
    result = cli("parse", str(FIXTURES / "timesca-2025-12-15-full.html"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "articles:  6" in lines
    assert any(
        line.startswith("  site chrome: ") and line.endswith("e.g. 'About Us Advertise Contact "
        "Newsletters Log In Subscribe'")
        for line in lines
    )
    assert any(line.startswith("  comments: 1 block, ") for line in lines)
    assert any(
        line.startswith("  outside the stories: ")
        and line.endswith("e.g. 'Kazakh Oil Output Falls Short of OPEC+ Quota'")
        for line in lines
    )
    assert not any(line.startswith("warning:") for line in lines)


def test_parse_shows_an_outlets_front_page_with_links_and_bylines(cli: Cli) -> None:
    result = cli("parse", str(PAGES / "outlet-mixed.html"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "  1. Uzbekistan Lifts Cotton Quotas for Private Farms\n" in out
    assert "     6 paragraphs; by Aziz Karimov, Lola Saidova; tags uzbekistan\n" in out
    assert "  5. Gas shortages\n     1 paragraph\n" in out
    assert "  site chrome: 4 blocks, 112 characters, e.g. 'Uzbekistan Region Economy'\n" in out
