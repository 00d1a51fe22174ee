"""An interview's credit ("Беседовала …", "Interviewed by …") names its author;
a byline's day after its names dates its story, a writer's post is no author."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.ingest.parsing.bylines import byline_authors, byline_day


def test_an_interviews_credit_names_its_author(page_fixture) -> None:
    page = page_fixture("russian-interview-credit.txt")
    (interview,) = page.articles
    assert interview.authors == ("Нурлан Абдыкадыров",)
    assert interview.paragraphs[0].startswith("Правительство объявило")
    assert len(interview.paragraphs) == 3
    assert byline_authors("Interviewed by Joanna Lillis") == ("Joanna Lillis",)
    assert byline_authors("Беседовала с министром") is None


@pytest.mark.parametrize(
    ("line", "authors", "day"),
    [
        # A day after the names, however set off from them.
        ("By Elena Petrova, March 5, 2026", ("Elena Petrova",), "March 5, 2026"),
        ("By Elena Petrova | March 5, 2026", ("Elena Petrova",), "March 5, 2026"),
        ("By Elena Petrova — March 5, 2026", ("Elena Petrova",), "March 5, 2026"),
        ("By Elena Petrova on March 5, 2026", ("Elena Petrova",), "March 5, 2026"),
        ("By Elena Petrova, 05.03.2026 10:15", ("Elena Petrova",), "05.03.2026 10:15"),
        ("Автор: Елена Петрова, 5 марта 2026", ("Елена Петрова",), "5 марта 2026"),
        # A blog's or a CMS's credit, the day before or after.
        ("Posted by Elena Petrova on March 5, 2026", ("Elena Petrova",), "March 5, 2026"),
        ("Posted on March 5, 2026 by Elena Petrova", ("Elena Petrova",), "March 5, 2026"),
        ("Published by Elena Petrova", ("Elena Petrova",), None),
        # A reading time, a post or a dash: no author, no day.
        ("By Elena Petrova · 3 min read", ("Elena Petrova",), None),
        ("By Elena Petrova, Staff Writer", ("Elena Petrova",), None),
        ("Written by Timur Karimov, Correspondent", ("Timur Karimov",), None),
        ("Автор — Елена Петрова", ("Елена Петрова",), None),
        # The day right after the names; a post in lower case; an agency's desk.
        ("By Peter Leonard Mar 3, 2026", ("Peter Leonard",), "Mar 3, 2026"),
        ("Автор: Айгерим Сейткали 3 марта 2025", ("Айгерим Сейткали",), "3 марта 2025"),
        ("By Aliya Nurmagambetova, economist", ("Aliya Nurmagambetova",), None),
        ("By Farangis Najibullah and RFE/RL's Tajik Service", ("Farangis Najibullah",), None),
    ],
)
def test_a_byline_with_its_day_or_its_writers_post(
    line: str, authors: tuple[str, ...], day: str | None
) -> None:
    assert byline_authors(line) == authors
    assert byline_day(line) == day


@pytest.mark.parametrize(
    "line",
    ["By March 5, 2026 the plan was dead", "Posted in Politics", "Published on March 5, 2026"],
)
def test_lines_like_bylines_that_name_no_one(line: str) -> None:
    assert byline_authors(line) is None


def test_a_bylines_day_dates_its_story_and_a_masthead_starts_none(page_fixture) -> None:
    # "Posted by … on March 5, 2026" under a quoted headline: its author and its
    # day; the outlet's name over the page's date line is left out, no headline.
    page = page_fixture("dated-bylines.txt")
    assert page.page_date == date(2026, 3, 5)
    assert [(a.title, a.authors, len(a.paragraphs)) for a in page.articles] == [
        ('"We will not devalue the som," says central bank chief', ("Elena Petrova",), 2),
        ("UZBEKISTAN TO BUILD SECOND NUCLEAR PLANT", (), 5),
        ("Floods hit southern Tajikistan", (), 2),
    ]
    assert page.articles[0].published == datetime(2026, 3, 5, tzinfo=UTC)
    assert page.diagnostics.as_json()["left_out"]["kinds"][0]["sample"] == "The Steppe Herald"


def test_a_byline_under_a_paragraph_without_its_stop_signs_the_story_above(page_fixture) -> None:
    # "…картой «Тулпар»" (no full stop), "Автор: …", then the next headline over
    # its dateline: the byline ends the first story, whose last paragraph that is.
    page = page_fixture("bylines-closing-stories-ru.txt")
    assert [(a.title, a.authors, len(a.paragraphs)) for a in page.articles] == [
        (
            "В Бишкеке с 1 января подорожает проезд в общественном транспорте",
            ("Айгерим Токтосунова",),
            3,
        ),
        ("Кыргызстан и Китай подписали соглашение о строительстве железной дороги", (), 3),
    ]
    assert page.articles[1].tags == ("china", "kyrgyzstan", "uzbekistan")


def test_a_name_set_apart_under_a_paragraph_without_its_stop_signs_the_story(
    page_fixture,
) -> None:
    page = page_fixture("signed-after-unfinished-paragraph-ru.txt")
    assert [(a.title, a.authors, len(a.paragraphs)) for a in page.articles] == [
        ("Рогунская ГЭС: запущен третий агрегат", ("Фируза Саидова",), 3),
        ("Цены на муку выросли", ("Анвар Каримов",), 2),
    ]


def test_a_name_signing_a_story_over_the_next_sections_label(page_fixture) -> None:
    # "Анна Шевченко", then "КОМПАНИИ" over the next headline: the story's author.
    page = page_fixture("signed-over-section-label-ru.txt")
    assert [(a.title, a.authors) for a in page.articles] == [
        ("Нацбанк оставил базовую ставку без изменений", ("Анна Шевченко",)),
        ("Air Astana увеличит число рейсов в Китай", ("Ербол Жумагулов",)),
    ]
    assert [q.pair for q in page.quotes] == ["USD/KZT", "EUR/KZT", "RUB/KZT"]
    assert not any("Шевченко" in p for p in page.articles[0].paragraphs)
