"""An article's language: what its page declares, else what its letters tell, else unknown."""

from __future__ import annotations

import json

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.language import detect_language, normalise_language

RUSSIAN = "Правительство Казахстана снизит экспортную пошлину на пшеницу, сообщило министерство."
ENGLISH = "The government of Kazakhstan will cut the export duty on wheat, the ministry said."
KAZAKH = "Қазақстан үкіметі бидайға экспорттық бажды төмендетеді, деп хабарлады министрлік."
UZBEK = "Oʻzbekiston hukumati bugʻdoy eksporti boʻyicha bojni kamaytiradi, dedi vazirlik."
KYRGYZ = "Кыргызстандын өкмөтү буудайга жаңы бажы алымын киргизүүнү сунуштады, деп билдирди министрлик."
UZBEK_CYRILLIC = "Ўзбекистон ҳукумати буғдой экспорти бўйича божни камайтиради, деди вазирлик."
TATAR = "Татарстан хөкүмәте бодай экспортына пошлинаны киметәчәк, дип хәбәр итте министрлык."
MONGOLIAN = "Монгол Улсын Засгийн газар өнөөдөр үр тарианы экспортын татварыг бууруулахаар шийдвэрлэв."


@pytest.mark.parametrize(
    ("text", "expected"),
    [(RUSSIAN, "ru"), (ENGLISH, "en"), (KAZAKH, "kk"), (KYRGYZ, "ky"), (UZBEK, None),
     (UZBEK_CYRILLIC, None), (TATAR, None), (MONGOLIAN, None), ("Astana", None)],
)  # fmt: skip
def test_detection_answers_only_where_the_letters_leave_no_doubt(
    text: str, expected: str | None
) -> None:
    assert detect_language("", [text]) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ru", "ru"), ("ru-RU", "ru"), ("RU_kg", "ru"), ("en-US", "en"), ("und", None),
     ("", None), ("x", None), ("ru RU", None), (["ru"], None)],
)  # fmt: skip
def test_a_declared_tag_keeps_its_primary_subtag(value: object, expected: str | None) -> None:
    assert normalise_language(value) == expected


def html(head: str, root: str = "", title: str = "Заголовок статьи") -> bytes:
    return (
        f"<!doctype html><html{root}><head><meta charset='utf-8'>{head}"
        f"<meta property='og:type' content='article'></head><body><article><h1>{title}</h1>"
        f"<p>{ENGLISH} {ENGLISH}</p><p>{ENGLISH}</p></article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("head", "root"),
    [
        ("", ' lang="ru-RU"'),
        ('<meta http-equiv="Content-Language" content="ru">', ""),
        ('<meta property="og:locale" content="ru_RU">', ' lang="und"'),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"inLanguage": {"@type": "Language", "name": "Russian", "alternateName": "ru"}}'
            "</script>",
            ' lang="en"',
        ),
    ],
)
def test_an_html_pages_declaration_wins_over_its_letters(head: str, root: str) -> None:
    (article,) = parse_page(html(head, root), "text/html").articles
    assert article.language == "ru"


def test_an_html_page_declaring_nothing_is_in_the_language_of_its_letters() -> None:
    (article,) = parse_page(html("", title="Wheat duty cut"), "text/html").articles
    assert article.language == "en"


def test_text_pages_are_detected_article_by_article() -> None:
    body = f"Пошлина на пшеницу снижена\n\n{RUSSIAN}\n\nWheat Duty Cut In Kazakhstan\n\n{ENGLISH}\n"
    languages = [a.language for a in parse_page(body.encode(), "text/plain").articles]
    assert languages == ["ru", "en"]


def test_a_json_articles_language_wins_over_its_pages() -> None:
    body = json.dumps(
        {
            "language": "ru",
            "articles": [
                {"title": "Wheat duty cut", "paragraphs": [ENGLISH]},
                {"title": "Wheat duty cut again", "paragraphs": [ENGLISH], "language": "en-GB"},
                {"title": "Бидай", "paragraphs": [KAZAKH], "language": "kk"},
            ],
        }
    ).encode()
    languages = [a.language for a in parse_page(body, "application/json").articles]
    assert languages == ["ru", "en", "kk"]
