"""Pages in shapes the other fixtures have not: an agency's page with UPDATED
and "First published" stamps and wire credits, a Russian page signing its
stories after their text, a Kazakh digest with times alone under headlines,
an Uzbek one with its times after a word ("Soat 10:15")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from services.ingest.parsing import parse_page
from services.ingest.parsing.bylines import byline_authors

from .conftest import PAGES


def _summary(page) -> list[tuple]:
    return [
        (a.title, a.authors, a.published, a.modified, len(a.paragraphs)) for a in page.articles
    ]


def test_an_agency_page_with_updated_stamps_and_wire_credits(page_fixture) -> None:
    page = page_fixture("agency-updated-stamps.txt")
    assert page.page_date == date(2026, 12, 4)
    assert _summary(page) == [
        (
            "Kazakhstan raises key rate to 18% to tame inflation",
            ("Aigerim Nurpeisova",),
            # "First published …, 11:05 ALMT"; "UPDATED …, 14:52 ALMT".
            datetime(2026, 12, 4, 6, 5, tzinfo=UTC),
            datetime(2026, 12, 4, 9, 52, tzinfo=UTC),
            3,
        ),
        (
            "Uzbekistan lifts ban on wheat exports",
            ("Sherzod Karimov",),
            None,
            datetime(2026, 12, 4, 8, 20, tzinfo=UTC),
            2,
        ),
    ]
    rate = page.articles[0]
    assert rate.paragraphs[0].startswith("ASTANA, Dec 4 (Steppe Wire) - ")
    # The wire credit names the reporter, never a paragraph of the story.
    assert not any(p.startswith("Reporting by") for p in rate.paragraphs)
    # The section menu is no headline.
    left = {k.kind: k.blocks for k in page.diagnostics.left_out}
    assert left == {"before the first headline": 2}


def test_wire_credits_name_the_reporters_only() -> None:
    assert byline_authors(
        "Reporting by Aigerim Nurpeisova in Astana; Writing by Olzhas Auyezov; "
        "Editing by Mark Potter"
    ) == ("Aigerim Nurpeisova",)
    assert byline_authors("Текст: Бакыт Асанов, фото: Нургуль Маматова") == ("Бакыт Асанов",)
    assert byline_authors("By Dana Omarova in Almaty") == ("Dana Omarova",)


def test_a_russian_page_signing_its_stories_after_their_text(page_fixture) -> None:
    page = page_fixture("russian-credits-after-body.txt")
    assert _summary(page) == [
        ("В Бишкеке повысят тарифы на проезд в автобусах", ("Айпери Токтосунова",), None, None, 3),
        ("В Оше открыли новый роддом", ("Бакыт Асанов",), None, None, 2),
    ]
    left = {k.kind: k.sample for k in page.diagnostics.left_out}
    assert left == {
        "captions, prompts and notices": "Фото: пресс-служба мэрии",
        "before the first headline": "Вечерний Бишкек",
    }


def test_a_kazakh_digest_with_times_alone_under_its_headlines(page_fixture) -> None:
    page = page_fixture("kazakh-digest.txt")
    assert page.page_date == date(2026, 12, 4)
    assert _summary(page) == [
        (
            "Тоқаев жасанды интеллект туралы заңға қол қойды",
            (),
            datetime(2026, 12, 4, 10, 15, tzinfo=UTC),
            None,
            2,
        ),
        ("Алматыда алғашқы қар жауды", (), datetime(2026, 12, 4, 9, 40, tzinfo=UTC), None, 2),
        (
            "Ұлттық банк базалық мөлшерлемені 16,5% деңгейінде сақтады",
            (),
            datetime(2026, 12, 4, 8, 30, tzinfo=UTC),
            None,
            1,
        ),
    ]
    left = {k.kind: k.sample for k in page.diagnostics.left_out}
    assert left == {"before the first headline": "Kazinform | Жаңалықтар лентасы"}


def test_an_uzbek_digest_stamped_soat_and_signed_muallif(page_fixture) -> None:
    """"Soat 10:15" under a headline is its time, as "10:15" alone is; "Muallif:"
    (author) signs the story it ends."""
    page = page_fixture("uzbek-latin-digest.txt")
    assert page.page_date == date(2026, 12, 4)
    assert _summary(page) == [
        (
            "Prezident yangi soliq kodeksini imzoladi",
            (),
            datetime(2026, 12, 4, 10, 15, tzinfo=UTC),
            None,
            2,
        ),
        (
            "Toshkentda metro yangi bekati ochildi",
            (),
            datetime(2026, 12, 4, 9, 40, tzinfo=UTC),
            None,
            1,
        ),
        (
            "Dollar kursi 12 845 soʻmga yetdi",
            ("Dilnoza Karimova",),
            datetime(2026, 12, 4, 8, 30, tzinfo=UTC),
            None,
            1,
        ),
    ]


def test_published_and_updated_stamps_on_one_line(page_fixture) -> None:
    """"Опубликовано: … | Обновлено: …" (and Kyrgyz "Жаңыланды:") under a
    headline: the story's two times, and the line no story's text."""
    page = page_fixture("published-updated-pairs-ky.txt")
    assert _summary(page) == [
        (
            "Бишкекте жаңы мектеп ачылды",
            (),
            datetime(2026, 12, 4, 10, 15, tzinfo=UTC),
            datetime(2026, 12, 4, 12, 30, tzinfo=UTC),
            2,
        ),
        (
            "Курс доллара снизился",
            (),
            datetime(2026, 12, 4, 9, 5, tzinfo=UTC),
            datetime(2026, 12, 4, 11, 40, tzinfo=UTC),
            1,
        ),
        ("Ош шаарында суу өчүрүлөт", (), datetime(2026, 12, 4, 8, 30, tzinfo=UTC), None, 1),
    ]
    assert [k.sample for k in page.diagnostics.left_out] == ["Азаттык"]


def test_a_stamp_with_the_storys_section_and_views_beside_its_date(page_fixture) -> None:
    """"4 декабря 2026, 15:30 · Экономика · 1 245 просмотров": the story's date,
    its section and its views; the line is no paragraph of the story."""
    page = page_fixture("stamps-with-section-and-views-ru.txt")
    assert page.page_date == date(2026, 12, 4)
    assert _summary(page) == [
        (
            "Рогунская ГЭС запустила третий агрегат",
            (),
            datetime(2026, 12, 4, 15, 30, tzinfo=UTC),
            None,
            2,
        ),
        (
            "В Душанбе открыли новый рынок",
            (),
            datetime(2026, 12, 4, 11, 5, tzinfo=UTC),
            None,
            1,
        ),
    ]


def test_machine_stamps_iso_and_one_digit_days(page_fixture) -> None:
    """An ISO 8601 stamp (with its offset, else in the page's zone) and
    "3.12.2026 / 18:20" under headlines date their stories."""
    page = page_fixture("machine-stamps.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, a.published, len(a.paragraphs)) for a in page.articles] == [
        ("Kyrgyzstan and Tajikistan sign border deal", datetime(2026, 12, 4, 5, 15, tzinfo=UTC), 2),
        ("Tenge slides to record low", datetime(2026, 12, 4, 9, 40, tzinfo=UTC), 1),
        (
            "Uzbekistan opens new airport in Samarkand",
            datetime(2026, 12, 3, 18, 20, tzinfo=UTC),
            1,
        ),
    ]
    almaty = parse_page(
        (PAGES / "machine-stamps.txt").read_bytes(), "text/plain", zone=ZoneInfo("Asia/Almaty")
    )
    assert [a.published for a in almaty.articles][:2] == [
        datetime(2026, 12, 4, 5, 15, tzinfo=UTC),
        datetime(2026, 12, 4, 4, 40, tzinfo=UTC),
    ]


def test_a_standfirst_then_the_byline_then_the_date(page_fixture) -> None:
    """Headline, standfirst, "By …", "December 4, 2026": the date under the
    byline is the story's, not a date under no headline."""
    page = page_fixture("standfirst-byline-date.txt")
    assert _summary(page) == [
        (
            "Why Kazakhstan is betting on nuclear power",
            ("Dana Omarova", "Bakyt Asanov"),
            datetime(2026, 12, 4, tzinfo=UTC),
            None,
            5,
        ),
        (
            "Tajikistan and Kyrgyzstan open new border post",
            ("Nurlan Abdrakhmanov",),
            datetime(2026, 12, 4, tzinfo=UTC),
            None,
            1,
        ),
    ]
    assert [k.kind for k in page.diagnostics.left_out] == ["before the first headline"]
