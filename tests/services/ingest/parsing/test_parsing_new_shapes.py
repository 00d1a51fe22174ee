"""Pages in shapes the other fixtures have not: a Russian page signing its
stories after their text, a Kazakh digest with times alone under headlines."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.ingest.parsing.bylines import byline_authors


def _summary(page) -> list[tuple]:
    return [
        (a.title, a.authors, a.published, a.modified, len(a.paragraphs)) for a in page.articles
    ]


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
