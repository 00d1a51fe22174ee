"""Whole pages in the shapes Central Asian outlets publish, read as a person would cut them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.ingest.parsing import ParsedPage, parse_page
from services.ingest.parsing.chrome_lines import is_prompt, is_rights_notice
from services.ingest.parsing.html_byline import paragraph_byline

from .conftest import parse_fixture

RECEIVED = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
TASHKENT = timezone(timedelta(hours=5))


def read(name: str) -> ParsedPage:
    return parse_fixture(name, RECEIVED)


def left_out(page: ParsedPage) -> dict[str, str]:
    return {kind.kind: kind.sample for kind in page.diagnostics.left_out}


def test_a_relative_stamp_by_the_headline_dates_the_article() -> None:
    page = read("relative-stamp-by-headline-ru.html")
    (article,) = page.articles
    assert article.title == "Снегопад парализовал движение на трассе Алматы – Бишкек"
    # "вчера 18:05" in the meta list under the <h1>, counted from the receipt.
    assert article.published == datetime(2026, 12, 4, 18, 5, tzinfo=UTC)
    assert article.modified is None
    assert article.authors == ("Айгерим Сарсенова",)
    assert article.url is None
    assert article.language == "ru"
    assert article.tags == ("kazakhstan",)
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("Движение на участке республиканской трассы")
    assert article.paragraphs[-1].startswith("Синоптики Казгидромета прогнозируют")
    # The "read also" link, the channel prompt, the comments and the other stories' times.
    kinds = left_out(page)
    assert kinds["links"].startswith("Читайте также:")
    assert kinds["boilerplate"].startswith("Самые свежие новости Казахстана")
    assert "outside the article" in kinds


def test_a_section_heading_over_cards_is_no_story_of_its_own() -> None:
    page = read("section-heading-over-cards-ru.html")
    # "Главные новости" over cards titled by links: the cards are the stories.
    assert [(a.title, a.url, a.published) for a in page.articles] == [
        (
            "Токаев подписал закон о республиканском бюджете на 2027–2029 годы",
            "/ru/news/economy/700120-tokaev-podpisal-zakon-o-byudzhete",
            datetime(2026, 12, 5, 14, 20, tzinfo=UTC),
        ),
        (
            "В Астане открылась многопрофильная больница на 630 коек",
            "/ru/news/social/700115-v-astane-otkrylas-novaya-bolnica",
            datetime(2026, 12, 5, 11, 2, tzinfo=UTC),
        ),
        (
            "Казахстан и Китай подписали соглашение о безвизовом режиме для туристов",
            "/ru/news/politics/700101-kazahstan-i-kitay-podpisali",
            datetime(2026, 12, 4, 19, 45, tzinfo=UTC),
        ),
    ]
    assert [a.paragraphs for a in page.articles] == [
        ("Доходы бюджета в следующем году составят 24,3 трлн тенге, расходы — 27,1 трлн тенге.",),
        ("Больницу построили за два года по программе модернизации здравоохранения.",),
        ("Граждане двух стран смогут находиться на территории друг друга до 30 дней без визы.",),
    ]
    assert [a.tags for a in page.articles] == [(), (), ("china", "kazakhstan")]
    assert {a.language for a in page.articles} == {"ru"}
    assert all(a.authors == () for a in page.articles)
    assert page.page_date == date(2026, 12, 5)
    # The heading and the menu are the text outside the stories; the views counts loose.
    outside = next(k for k in page.diagnostics.left_out if k.kind == "outside the stories")
    assert outside.chars == len("ПолитикаЭкономикаОбществоГлавные новости")


def test_cards_named_by_their_block_name_link_are_its_stories() -> None:
    page = read("card-name-links-ru.html")
    # <a class="ArticleItem--name" href=…>: the card's title, as "…__title" would be.
    assert [(a.title, a.url, a.published) for a in page.articles] == [
        (
            "В Бишкеке с марта введут платный въезд в центр города",
            "/doc/520101_v_bishkeke_vvedut_platnyy_vezd.html",
            datetime(2026, 12, 5, 14, 20, tzinfo=UTC),
        ),
        (
            "Кыргызстан и Узбекистан открыли новый пункт пропуска на границе",
            "/doc/520095_kyrgyzstan_i_uzbekistan_otkryli_punkt.html",
            datetime(2026, 12, 5, 11, 5, tzinfo=UTC),
        ),
        (
            "На Иссык-Куле из-за аварии на подстанции без света остались шесть сёл",
            "/doc/520077_v_issyk_kule_zamerzli.html",
            # "вчера 18:05", from the day the page was received.
            datetime(2026, 12, 4, 18, 5, tzinfo=UTC),
        ),
    ]
    assert [len(a.paragraphs) for a in page.articles] == [1, 1, 1]
    assert page.articles[0].paragraphs[0].startswith("Мэрия представила схему")
    assert (
        page.articles[2].paragraphs[0]
        == "Энергетики обещают восстановить подачу электричества к утру."
    )
    assert [a.tags for a in page.articles] == [(), ("kyrgyzstan", "uzbekistan"), ()]
    assert {a.language for a in page.articles} == {"ru"}
    assert [k.kind for k in page.diagnostics.left_out] == ["site chrome"]


def test_a_list_of_headlines_alone_gives_no_article_and_no_footer_story() -> None:
    page = read("headline-list-ru.html")
    # Times and linked headlines, no text: no story to cut. The copyright
    # and reprint notice is never taken for one.
    assert page.articles == ()
    assert page.diagnostics.warnings == ("no article found",)
    assert page.page_date == date(2026, 12, 5)


@pytest.mark.parametrize(
    "name",
    [
        "author__name",
        "post-author__name",
        "card-category__name",
        "card-rubric__name",
        "news-section__name",
        "news-source__name",
    ],
)
def test_an_author_or_rubric_name_link_heads_no_card(name: str) -> None:
    lead = "<p>Министерство сообщило об этом в пятницу на брифинге для журналистов.</p>"
    cards = "".join(
        f'<div class="card"><a class="{name}" href="/author/{k}">Автор {k}</a>{lead}</div>'
        for k in ("a", "b", "c")
    )
    html = f"<html><head><title>Авторы</title></head><body>{cards}</body></html>"
    page = parse_page(html.encode("utf-8"), "text/html", RECEIVED)
    assert all(not a.title.startswith("Автор ") for a in page.articles)


@pytest.mark.parametrize(
    ("text", "notice"),
    [
        (
            "© 2026 Информационное агентство 24.kg. При использовании материалов ссылка обязательна.",
            True,
        ),
        ("Copyright 2019 Hawaii News Now. All rights reserved.", True),
        ("При перепечатке материалов активная ссылка на Kaktus.media обязательна", True),
        ("Все права защищены.", True),
        ("Copyright law was amended in 2019 after a long debate in parliament.", False),
        ("The ministry said all rights reserved to investors under the old law would stay.", False),
    ],
)
def test_rights_notices(text: str, notice: bool) -> None:
    assert is_rights_notice(text) is notice


def test_a_closing_channel_prompt_is_no_paragraph() -> None:
    page = read("closing-channel-prompt-ru.html")
    (article,) = page.articles
    assert article.title == "В Ташкенте откроют новую линию метро до конца 2027 года"
    assert (
        article.url == "https://kun.uz/ru/news/2026/12/05/v-tashkente-otkroyut-novuyu-liniyu-metro"
    )
    assert article.published == datetime(2026, 12, 5, 14, 20, tzinfo=TASHKENT)
    assert article.modified == datetime(2026, 12, 5, 15, 2, tzinfo=TASHKENT)
    # The outlet is the JSON-LD author and no byline is printed: it stays the author.
    assert article.authors == ("Kun.uz",)
    assert article.tags == ("uzbekistan",)
    assert article.language == "ru"
    # The bold lead first; the "Читайте также" box, the Telegram embed, the
    # channel prompt, the tags and the readers' comments are none of its text.
    assert len(article.paragraphs) == 5
    assert article.paragraphs[0].startswith("Хокимият Ташкента и АО «Ташкентский метрополитен»")
    assert article.paragraphs[-1].startswith("Ранее сообщалось, что в Ташкенте")
    boilerplate = next(k for k in page.diagnostics.left_out if k.kind == "boilerplate")
    assert boilerplate.blocks == 2
    assert boilerplate.chars == len("Читайте также") + len(
        "Подписывайтесь на Telegram-канал Kun.uz — самые важные новости Узбекистана."
    )


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("Подписывайтесь на Telegram-канал Kun.uz — самые важные новости Узбекистана.", True),
        ("Follow Gazeta.uz on Telegram", True),
        ("Subscribe to our newsletter for the latest news from Central Asia.", True),
        ("Subscribers to the state broadcaster's service will pay 20% more from January.", False),
        ("Follow the president on VK reforms", False),
    ],
)
def test_prompts(text: str, prompt: bool) -> None:
    assert is_prompt(text) is prompt


def test_a_credit_line_names_the_author_and_a_time_classed_stamp_dates_the_story() -> None:
    page = read("credit-line-and-counted-stamp-ru.html")
    (article,) = page.articles
    assert article.title == "Бишкек закупит 120 электробусов у китайской компании"
    assert article.url == "https://24.kg/obschestvo/350200_bishkek_zakupit_120_elektrobusov/"
    # "Текст: …, фото: …": the writer is the author, the photographer is not.
    assert article.authors == ("Анара Сулайманова",)
    # <div class="col-xs-6 time">Сегодня, 14:20 <span class="views">1532</span></div>
    assert article.published == datetime(2026, 12, 5, 14, 20, tzinfo=UTC)
    assert page.page_date == date(2026, 12, 5)
    assert article.tags == ("china", "kyrgyzstan")
    assert article.language == "ru"
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("Мэрия Бишкека подписала контракт")
    assert article.paragraphs[-1].startswith("Ранее мэрия сообщала")
    kinds = left_out(page)
    assert kinds["byline"] == "Текст: Анара Сулайманова, фото: Таалайбек Ибраев"
    assert kinds["captions"] == "Фото 24.kg. Электробус на улице Киевской"
    assert kinds["links"].startswith("Читайте также:")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Текст: Анара Сулайманова, фото: Таалайбек Ибраев", ["Анара Сулайманова"]),
        ("Текст и фото: Анара Сулайманова", ["Анара Сулайманова"]),
        ("Автор: Анара Сулайманова, фото автора", ["Анара Сулайманова"]),
        ("By Dana Omarova, photos by Oleg Kim", ["Dana Omarova"]),
        ("By Dana Omarova, photos of the flood are on our site", None),
        ("Текст и фото предоставлены пресс-службой", None),
    ],
)
def test_bylines_with_photo_credits(text: str, names: list[str] | None) -> None:
    assert paragraph_byline(text) == names


def test_an_interview_keeps_its_questions_and_answers_in_order() -> None:
    page = read("interview-byline-meta-ru.html")
    (article,) = page.articles
    assert article.title == (
        "«Вода — главный вопрос региона»: интервью с министром водных ресурсов Узбекистана"
    )
    assert article.authors == ("Дилноза Рахимова",)
    assert article.published == datetime(2026, 12, 4, 18, 0, tzinfo=TASHKENT)
    assert article.tags == ("afghanistan", "uzbekistan")
    # The standfirst, then three questions, each with its answer; the figure's caption out.
    assert len(article.paragraphs) == 7
    assert article.paragraphs[0].startswith("Министр водных ресурсов Узбекистана рассказал")
    assert article.paragraphs[1].startswith("— Афганистан строит канал Кош-Тепа")
    assert article.paragraphs[-1] == (
        "— Да, с 2028 года вводится плата за полив. Вода, за которую не платят, не ценится."
    )
    assert left_out(page)["boilerplate"] == "Канал в Сурхандарьинской области. Фото: Минводхоз"


def test_a_wordpress_front_page_gives_each_post_with_its_byline_and_time() -> None:
    page = read("wordpress-front-cards.html")
    assert [(a.title, a.authors, a.published, a.tags) for a in page.articles] == [
        (
            "Kazakhstan Raises Key Rate to 16.5% as Inflation Persists",
            ("Joanna Lillis",),
            datetime(2026, 12, 5, 9, 10, tzinfo=UTC),
            ("kazakhstan",),
        ),
        (
            "Uzbekistan Closes Bilateral WTO Talks With the EU",
            ("Stephen M. Bland",),
            datetime(2026, 12, 4, 15, 30, tzinfo=UTC),
            ("uzbekistan",),
        ),
        (
            "Opinion: Central Asia’s Water Diplomacy Needs Afghanistan at the Table",
            ("Aruzhan Meirkhanova",),
            datetime(2026, 12, 4, 8, 0, tzinfo=UTC),
            ("afghanistan",),
        ),
    ]
    assert [a.url for a in page.articles] == [
        "https://timesca.com/kazakhstan-raises-key-rate/",
        "https://timesca.com/uzbekistan-wto-talks/",
        "https://timesca.com/opinion-water-diplomacy/",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [1, 1, 1]
    assert {a.language for a in page.articles} == {"en"}
    # The ticker bar's three quotes; the newsletter box and "Most Read" are chrome.
    assert len(page.quotes) == 3
    assert left_out(page)["outside the stories"] == "Latest"
