"""Press-release feeds: each release's note on its issuer ("About …", "Для
справки:") stays with it, its contacts under their label are left out, and
rules of box-drawing characters part the releases."""

from __future__ import annotations

import pytest

from services.ingest.parsing.chrome_lines import KIND as CHROME_LINES
from services.ingest.parsing.chrome_lines import is_chrome_line, opens_links
from services.ingest.parsing.section_labels import notes_the_issuer
from tests.support.left_out import left_out_kinds


def test_an_english_release_feed(page_fixture) -> None:
    page = page_fixture("press-release-feed.txt")
    assert [a.title for a in page.articles] == [
        "SkySteppe Airlines Reports 14% Rise in February Passenger Traffic",
        "Qazaq Fintech Group Announces Full-Year 2025 Results",
        "Ulan Energy Completes Placement of Green Bonds on AIX",
    ]
    first = page.articles[0].paragraphs
    # The note on the issuer, under its heading, is the release's own.
    assert first[-2:] == (
        "About SkySteppe Airlines",
        first[-1],
    ) and first[-1].startswith("SkySteppe Airlines is a Kazakhstan-based airline group")
    assert [len(a.paragraphs) for a in page.articles] == [5, 3, 2]
    texts = " ".join(p for a in page.articles for p in a.paragraphs)
    assert "press@skysteppe.example" not in texts and "Investor relations" not in texts


def test_a_russian_release_feed_parted_by_box_rules(page_fixture) -> None:
    page = page_fixture("press-release-feed-ru.txt")
    assert [a.title for a in page.articles] == [
        "АО «QazWind Energy» ввело в эксплуатацию ветровую электростанцию мощностью 100 МВт"
        " в Жамбылской области",
        "Банк «Алатау Капитал» снизил ставки по ипотеке для молодых семей",
        "Оператор «Tengri Mobile» запустил сеть 5G в Шымкенте и Актобе",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [5, 2, 2]
    assert page.articles[0].paragraphs[3] == "Для справки:"
    assert not any("─" in p for a in page.articles for p in a.paragraphs)
    # The contacts' label, its two lines, and the banks' press offices' signatures.
    assert left_out_kinds(page)[CHROME_LINES] == 7


@pytest.mark.parametrize(
    "label", ["Media contact:", "Investor relations:", "Контакты для СМИ:", "For more information:"]
)
def test_a_contacts_label_opens_lines_left_out(label: str) -> None:
    assert is_chrome_line(label) and opens_links(label)


@pytest.mark.parametrize(
    ("line", "note"),
    [
        ("About SkySteppe Airlines", True),
        ("Для справки:", True),
        ("О компании «QazWind Energy»", True),
        ("About 300 people attended the forum.", False),
        ("Astana to host forum", False),
        ("About 300 protesters detained in Almaty", False),
        ("About Kazakhstan's new budget rules", False),
        ("About Qazaq Fintech Group (QFG)", True),
    ],
)
def test_an_issuers_note(line: str, note: bool) -> None:
    assert notes_the_issuer(line) is note
