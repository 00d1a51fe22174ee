"""A section's label is a rubric: not any short capitalised line between stories."""

from __future__ import annotations

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.section_labels import is_label


@pytest.mark.parametrize(
    "line", ["SOCIETY", "ЭКОНОМИКА", "Society", "Экономика", "В мире", "Происшествия", "Markets Wrap"]
)
def test_a_rubric_is_a_label(line: str) -> None:
    assert is_label(line)


@pytest.mark.parametrize(
    "line", ["Tokayev Visits Tashkent", "Айгерим Сейткали", "АЙГЕРИМ СЕЙТКАЛИ", "Tenge Firms"]
)
def test_a_headline_or_a_name_is_no_label(line: str) -> None:
    assert not is_label(line)


def test_a_short_headline_is_no_label_and_a_rubric_still_is(page_fixture) -> None:
    page = page_fixture("label-lookalikes.txt")
    rate, visit, tenge = page.articles
    assert "Tokayev Visits Tashkent" in (*rate.paragraphs, visit.title)
    assert tenge.title == "Tenge firms against dollar"
    left = {k["kind"]: k for k in page.diagnostics.as_json()["left_out"]["kinds"]}
    assert left["section labels"]["blocks"] == 1  # "Markets Wrap"


def test_a_signature_ends_its_story_and_is_kept(page_fixture) -> None:
    page = page_fixture("russian-signature-over-story.txt")
    assert [a.title for a in page.articles] == [
        "Токаев подписал закон о бюджете на 2027 год",
        "В Алматы открылся новый мост через реку Есентай",
    ]
    budget = page.articles[0]
    assert budget.authors == ("Айгерим Сейткали",)
    assert budget.paragraphs[-1] == "Документ опубликован в официальной печати."
    assert "section labels" not in {k.kind for k in page.diagnostics.left_out}


def test_a_title_case_subheading_in_a_story_is_no_signature() -> None:
    page = parse_page(
        b"Kazakhstan raises fuel prices\n"
        b"Prices for petrol will rise by 5% from January, the energy ministry said.\n\n"
        b"Market Reaction\n\n"
        b"Traders expect the tenge to weaken slightly after the decision, analysts said.\n",
        "text/plain",
    )
    assert all(article.authors == () for article in page.articles)


@pytest.mark.parametrize(
    "page",
    [
        # A list of names, the last one over the story's next sentence.
        "ЦИК зарегистрировал кандидатов\n\nКомиссия зарегистрировала трех кандидатов.\n\n"
        "В список вошли:\n\nАйгерим Сейткали\n\nНурлан Абенов\n\nЖанна Ахметова\n\n"
        "Выборы пройдут 20 января.\n",
        # An interview's speakers, each over their words.
        "Интервью: Тимур Сулейменов о курсе тенге\n\nПредседатель Нацбанка ответил на вопросы.\n\n"
        "Тимур Сулейменов\n\nКурс тенге определяется рынком.\n\nАйгерим Сейткали\n\n"
        "А как же инфляция?\n\nТимур Сулейменов\n\nИнфляция замедляется второй месяц подряд.\n",
        # A profile box: its subject's name over the facts.
        "Назначен новый аким Алматы\n\nУказом президента назначен новый аким города.\n\n"
        "Ерболат Досаев\n\nРодился в 1970 году в Алматы. Окончил университет.\n",
    ],
    ids=["list", "interview", "profile"],
)
def test_a_name_alone_inside_a_story_is_no_signature(page: str) -> None:
    parsed = parse_page(page.encode(), "text/plain")
    assert all(article.authors == () for article in parsed.articles)
    # Every name stays in the text a reader sees.
    text = "\n".join(p for article in parsed.articles for p in (article.title, *article.paragraphs))
    for name in ("Айгерим Сейткали", "Тимур Сулейменов", "Ерболат Досаев"):
        assert name in text or name not in page
