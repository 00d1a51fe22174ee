"""A wire service's daily file (credits closing each story, an end mark), its
hard-wrapped Russian feed, and a print page set in columns (a masthead, ALL
CAPS headlines, a jump line, a rubric between rules, a footer row)."""

from __future__ import annotations

from datetime import date

import pytest

from services.ingest.parsing.bylines import byline_authors, signature_name, signs_story
from services.ingest.parsing.chrome_lines import KIND as CHROME_LINES
from services.ingest.parsing.chrome_lines import is_chrome_line
from services.ingest.parsing.section_labels import is_label
from services.ingest.parsing.text_stories import BEFORE_HEADLINES, SECTION_LABELS
from tests.support.left_out import left_out_kinds


def test_a_wire_file_leaves_its_credits_and_end_mark_out(page_fixture) -> None:
    page = page_fixture("wire-daily-file.txt")
    assert [a.title for a in page.articles] == [
        "Kazakhstan's central bank keeps base rate at 16.5%, signals caution",
        "Uzbekistan signs $1.2 bln deal for new solar plants in Bukhara region",
        "Kyrgyz parliament approves higher royalties for gold miners",
    ]
    assert [a.authors for a in page.articles] == [
        ("Aigerim Seitkali",),
        ("Farrukh Yusupov",),
        (),  # "(Reporting by Steppe News Bishkek bureau; …)": a bureau, no person
    ]
    assert [len(a.paragraphs) for a in page.articles] == [3, 2, 3]
    assert page.page_date == date(2026, 3, 3)
    # Two "(Editing by …)", the bureau's credit, "END OF DAILY FILE", the notice.
    assert left_out_kinds(page)[CHROME_LINES] == 5


def test_hard_wrapped_paragraphs_are_no_headlines(page_fixture) -> None:
    # "По оценке Нацбанка, инфляционное давление в экономике постепенно" carries
    # on into the next line and ends a sentence there: a paragraph, not a story.
    page = page_fixture("wire-wrapped-ru.txt")
    assert [a.title for a in page.articles] == [
        "Нацбанк Казахстана сохранил базовую ставку на уровне 16,5%",
        "В Алматы до конца года закупят 300 новых электробусов",
        "Казахстан увеличил экспорт пшеницы в страны Центральной Азии на 12%",
        "Кыргызстан и Казахстан согласовали график вегетационных поливов",
    ]
    assert page.articles[1].authors == ("Ерлан Садыков",)
    assert page.page_date == date(2026, 3, 3)
    second = page.articles[1].paragraphs
    assert len(second) == 2 and second[1].startswith("По его словам, новые машины")


def test_a_print_page_in_columns(page_fixture) -> None:
    page = page_fixture("print-page-columns.txt")
    assert page.page_date == date(2026, 3, 13)
    assert [a.title for a in page.articles] == [
        "CABINET APPROVES PLAN TO MOVE SOME MINISTRIES TO KHARKHORIN",
        "DZUD LOSSES REACH 1.1 MILLION HEAD OF LIVESTOCK",
        "MIAT TO LAUNCH DIRECT FLIGHTS TO SINGAPORE",
    ]
    assert [a.authors for a in page.articles] == [("B. Enkhtuya",), ("D. Batbold",), ()]
    assert [len(a.paragraphs) for a in page.articles[:2]] == [3, 2]
    texts = [p for a in page.articles for p in a.paragraphs]
    assert not any(p.startswith(("Continued on", "www.", "IN BRIEF")) for p in texts)
    kinds = left_out_kinds(page)
    assert kinds[SECTION_LABELS] == 1 and kinds[BEFORE_HEADLINES] == 2


@pytest.mark.parametrize(
    "line",
    [
        "(Editing by Daniyar Kenzhebekov)",
        "(Reporting by Steppe News Bishkek bureau; Editing by Daniyar Kenzhebekov)",
        "Edited by Jane Doe",
        "END OF DAILY FILE",
        "-30-",
        "КОНЕЦ ВЫПУСКА",
        "Continued on page 5",
        "Продолжение на стр. 4",
        "www.ubherald.example | Subscriptions: 7011-2233 | Page 3 of 16",
    ],
)
def test_wire_and_print_furniture(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        # A reporter named is the story's byline, read as such.
        "(Reporting by Aigerim Seitkali; Editing by Daniyar Kenzhebekov)",
        "Editing by the ministry was slow.",
        "END OF AN ERA FOR KAZAKH COAL",
        "Continued talks are planned.",
        "Prices rose 5% | Inflation at 8.1% | Rates held",
    ],
)
def test_lines_of_a_story_like_them(line: str) -> None:
    assert not is_chrome_line(line)


def test_rubrics_in_capitals_that_read_like_names() -> None:
    assert is_label("IN BRIEF") and is_label("NATIONAL NEWS") and is_label("КОРОТКО")
    assert not is_label("ФАРХОД НАЗАРОВ")


def test_a_russian_print_page_signed_at_each_storys_end(page_fixture) -> None:
    page = page_fixture("print-page-signed-ru.txt")
    titles = [a.title for a in page.articles]
    assert titles[0] == "Рогунская ГЭС: третий агрегат запустят к осени"
    assert titles[-2:] == ["В Худжанде открыли новый онкологический центр", "Навруз отметят четыре дня"]
    by_title = {a.title: a for a in page.articles}
    # "Мадина Холова, соб. корр., Худжанд": her name, less her post and town.
    assert by_title["В Худжанде открыли новый онкологический центр"].authors == ("Мадина Холова",)
    assert len(by_title["Навруз отметят четыре дня"].paragraphs) == 1
    texts = [p for a in page.articles for p in a.paragraphs]
    assert not any(p.startswith(("На снимке:", "Газета выходит", "КОРОТКО")) for p in texts)
    assert page.page_date == date(2026, 3, 18)


@pytest.mark.parametrize(
    "line",
    [
        "На снимке: монтаж рабочего колеса гидроагрегата. Фото Абдуллы Рахимова",
        "Pictured: the new terminal under construction",
        "Газета выходит по средам и субботам. Подписной индекс 68845.",
        "734003, Dushanbe, 107a Rudaki Avenue | Tel.: (+992 44) 600-32-27 | info@nbt.example",
        "Вы получили это письмо, потому что подписались на рассылку «Ташкент Дайджест».",
    ],
)
def test_captions_imprints_and_footers(line: str) -> None:
    assert is_chrome_line(line)


def test_a_signature_with_a_correspondents_post() -> None:
    assert signs_story("Мадина Холова, соб. корр., Худжанд")
    assert signature_name("Мадина Холова, соб. корр., Худжанд") == "Мадина Холова"
    assert not signs_story("Мадина Холова, врач, рассказала о новом центре")


def test_wrapped_paragraphs_set_apart_by_blank_lines_carry_on_past_a_full_stop(
    page_fixture,
) -> None:
    page = page_fixture("print-page-columns.txt")
    # "…from June 1, the carrier said." then "Tickets go on sale next week.", no
    # blank line between, on a page whose paragraphs have blank lines between them.
    assert page.articles[2].paragraphs == (
        "MIAT Mongolian Airlines will launch twice-weekly direct flights between Ulaanbaatar "
        "and Singapore from June 1, the carrier said. Tickets go on sale next week.",
    )


def test_a_left_out_notices_wrapped_end_is_left_out_too(page_fixture) -> None:
    page = page_fixture("wire-wrapped-ru.txt")
    last = page.articles[-1].paragraphs
    assert len(last) == 2 and not last[-1].startswith("агентство обязательна")


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Reporter: Zahra Rahimi, Herat", ("Zahra Rahimi",)),
        ("Correspondent: Nurgul Asanova, Osh", ("Nurgul Asanova",)),
        ("Корреспондент: Айгуль Сатыбалдиева, Бишкек", ("Айгуль Сатыбалдиева",)),
        ("By Ivanov, Petrov", ("Ivanov", "Petrov")),
    ],
)
def test_a_reporters_label_and_the_town_filed_from(line: str, authors: tuple[str, ...]) -> None:
    assert byline_authors(line) == authors


@pytest.mark.parametrize("line", ["[Opening music]", "[Closing music]", "#Kabul #Environment", "4.1K"])
def test_cues_tags_and_view_counts(line: str) -> None:
    assert is_chrome_line(line)


def test_a_wire_feed_signed_with_name_and_town(page_fixture) -> None:
    page = page_fixture("wire-feed-signed-ru.txt")
    by_title = {a.title: a for a in page.articles}
    signed = by_title["В АКТОБЕ ЗАДЕРЖАНЫ ПОДОЗРЕВАЕМЫЕ В МОШЕННИЧЕСТВЕ С ЖИЛИЩНЫМИ СЕРТИФИКАТАМИ"]
    assert signed.authors == ("Ерлан Касымов",)  # "Ерлан Касымов, Актобе"
    assert len(signed.paragraphs) == 2
    texts = [p for a in page.articles for p in a.paragraphs]
    assert not any(p.startswith("Материалы ленты предназначены") for p in texts)
    assert len(page.articles) == 4


@pytest.mark.parametrize(
    "line", ["END OF ROUNDUP", "Central Asia Wire. All rights reserved. For subscriber use only."]
)
def test_a_roundups_end_and_its_rights_after_the_outlets_name(line: str) -> None:
    assert is_chrome_line(line)


def test_rights_in_a_sentence_stay() -> None:
    assert not is_chrome_line("The court ruled that all rights reserved for the founders were void.")
