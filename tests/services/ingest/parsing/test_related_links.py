"""The links listed right under a bare "Читайте также:" / "Read also:" label
lead to other stories: they are left out with the label, and said so."""

from __future__ import annotations

from datetime import date

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.chrome_lines import opens_links


def test_links_under_a_label_are_left_out(page_fixture) -> None:
    page = page_fixture("related-links-under-label-ru.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("В Бишкеке повысят тарифы на проезд в автобусах", 4),
        ("В Оше открыли новый роддом", 2),
        ("Курс доллара в обменках Бишкека снизился", 1),
    ]
    fares = page.articles[0].paragraphs
    # The story goes on under the links.
    assert fares[2].startswith("Повышение связано")
    left = {k.kind: (k.blocks, k.sample) for k in page.diagnostics.left_out}
    assert left == {
        "captions, prompts and notices": (6, "Читайте также:"),
        "before the first headline": (1, "Kaktus Media — Новости"),
    }


def test_a_sentence_under_the_label_ends_the_links() -> None:
    page = parse_page(
        b"4 December 2026\n\n"
        b"Kazakhstan opens new grain terminal at Aktau\n"
        b"The terminal can load two ships at once, the port authority said.\n"
        b"Read also:\n"
        b"Caspian shipping rates fall for a second month\n"
        b"It will handle up to 1.5 million tonnes of wheat a year.\n",
        "text/plain",
    )
    (terminal,) = page.articles
    assert terminal.paragraphs == (
        "The terminal can load two ships at once, the port authority said.",
        "It will handle up to 1.5 million tonnes of wheat a year.",
    )
    assert page.diagnostics.left_out[0].blocks == 2


@pytest.mark.parametrize(
    "label",
    ["Читайте также:", "Read also:", "Related", "Shuningdek o‘qing:", "Сондай-ақ оқыңыз:",
     "Ошондой эле окуңуз:", "По теме:"],
)  # fmt: skip
def test_labels_over_links(label: str) -> None:
    assert opens_links(label)
    assert not opens_links(label + " Мэрия закупит 200 новых автобусов")


def test_a_cards_read_more_link_does_not_take_the_next_headline() -> None:
    """"Read more" closing each card of a front page is the card's own link: the
    next card's headline right under it starts the next story."""
    page = parse_page(
        b"Central bank raises key rate to 16 percent\n"
        b"The national bank raised its key rate on Friday, citing persistent inflation"
        b" in food prices and services.\n"
        b"Read more\n"
        b"Parliament approves new budget for next year\n"
        b"Lawmakers approved the draft budget in the final reading after a long debate"
        b" over spending on roads.\n"
        b"Read more\n"
        b"Drought hits wheat harvest in the north\n"
        b"Farmers in the northern regions reported the lowest yields in a decade after"
        b" months without rain.\n"
        b"Read more\n",
        "text/plain",
    )
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Central bank raises key rate to 16 percent", 1),
        ("Parliament approves new budget for next year", 1),
        ("Drought hits wheat harvest in the north", 1),
    ]
    assert opens_links("Read more:")
    assert not opens_links("Read more")
