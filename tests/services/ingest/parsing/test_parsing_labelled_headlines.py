"""A headline after a label ("Видео: …", "LIVE: …") over its story's date line:
a headline, not a caption nor an interview's speaker tag."""

from __future__ import annotations

from datetime import UTC, datetime

from services.ingest.parsing import parse_page

from .conftest import PAGES

RECEIVED = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def _page(name: str):
    return parse_page((PAGES / name).read_bytes(), "text/plain", RECEIVED)


def _left(page) -> dict[str, str]:
    return {k.kind: k.sample for k in page.diagnostics.left_out}


def test_a_caption_label_over_a_date_line_is_a_headline() -> None:
    page = _page("label-headlines-ru.txt")
    assert [(a.title, a.published, len(a.paragraphs)) for a in page.articles] == [
        ("Видео: пожар на рынке «Дордой»", datetime(2026, 12, 4, 22, 40, tzinfo=UTC), 2),
        (
            "Фото: в Алматы открыли новый мост через Есентай",
            datetime(2026, 12, 5, 10, 15, tzinfo=UTC),
            2,
        ),
        ("ВИДЕО: ледоход на Сырдарье", datetime(2026, 12, 5, 11, 5, tzinfo=UTC), 1),
    ]
    # A credit set apart under a story is still a caption, left out.
    assert _left(page)["captions, prompts and notices"] == "Фото: пресс-служба МЧС"


def test_a_speaker_tag_shaped_label_over_a_date_line_is_a_headline() -> None:
    page = _page("label-headlines.txt")
    assert [(a.title, a.published, len(a.paragraphs)) for a in page.articles] == [
        ("LIVE: floods hit villages in Osh region", datetime(2026, 12, 5, 9, 10, tzinfo=UTC), 2),
        (
            "VIDEO: Herders move flocks as spring arrives early",
            datetime(2026, 12, 5, 10, 40, tzinfo=UTC),
            1,
        ),
        # An interview's turns under its dated headline stay its text.
        ("INTERVIEW: the mayor of Osh on water", datetime(2026, 12, 5, 11, 20, tzinfo=UTC), 4),
    ]
    assert _left(page) == {"before the first headline": "Osh Valley Wire"}


def test_a_speaker_tag_without_a_date_line_under_it_stays_a_turn() -> None:
    page = parse_page(
        b"Mayor of Osh: the city will fix its pipes\n\n"
        b"The mayor spoke to us on Friday about the city's water.\n\n"
        b"OVW: How much water does the city lose?\n"
        b"MA: About a third, through old pipes.\n",
        "text/plain",
        RECEIVED,
    )
    (article,) = page.articles
    assert len(article.paragraphs) == 3


def test_a_credit_between_a_headline_and_its_date_line_stays_a_caption() -> None:
    for credit in ("Фото: пресс-служба МЧС", "Фото: из открытых источников", "Photo: Reuters"):
        page = parse_page(
            "Лента\n\n"
            "Пожар на рынке «Дордой» потушили\n\n"
            f"{credit}\n"
            "Вчера, 22:40\n\n"
            "Пожар на складе рынка потушили к полуночи, сообщили в МЧС.\n\n"
            "Пострадавших нет.\n".encode(),
            "text/plain",
            RECEIVED,
        )
        (article,) = page.articles
        assert article.title == "Пожар на рынке «Дордой» потушили", credit
        assert article.published == datetime(2026, 12, 4, 22, 40, tzinfo=UTC)
        assert _left(page)["captions, prompts and notices"] == credit
