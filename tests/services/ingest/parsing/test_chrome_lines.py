"""Photo credits without a colon and a reprint notice: captions and notices, left out."""

from __future__ import annotations

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.chrome_lines import KIND, heads_story, is_chrome_line


def test_russian_credits_without_a_colon_are_left_out(page_fixture) -> None:
    page = page_fixture("russian-photo-credits.txt")
    assert [a.title for a in page.articles] == [
        "В Бишкеке открыли новый мост через Чуйский канал",
        "На трассе Бишкек — Ош ограничили движение",
    ]
    bridge, road = page.articles
    assert bridge.paragraphs[1] == "Строительство моста обошлось в 420 млн сомов."
    assert len(bridge.paragraphs) == 3 and len(road.paragraphs) == 2
    left = {k.kind: k for k in page.diagnostics.left_out}
    # Two credits and the reprint notice with its prompt in the first story, one in the second.
    assert left[KIND].blocks == 4
    assert left[KIND].sample == "Фото пресс-службы мэрии Бишкека"


@pytest.mark.parametrize(
    "line",
    [
        "Фото 24.kg. Таалайбек Ибраев",
        "Фото из открытых источников",
        "Фото пресс-службы Минэнерго",
        "Фото Анастасии Бенгард",
        "Фото Reuters / Vladimir Pirogov",
        "Photo by Vladimir Pirogov",
        "Photo courtesy of the Ministry of Energy",
        "Photo by the author",
        "Photo by AFP/Vyacheslav Oseledko",
        "Photo credit: Kabar",
        "Photograph: Reuters",
        "Ссылка на источник обязательна. Читайте нас в Telegram: t.me/news24kg",
        "При полном или частичном копировании ссылка на 24.kg обязательна",
        # A site's navigation and notices at a page's end, or in a story's text.
        "More news",
        "Most read",
        "All news »",
        "Ещё новости",
        "Все новости",
        "Читать далее",
        "Eurasianet © 2026",
        "Share   Print   Comment",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "Enjoying this article? Click here to subscribe for full access. Just $5 a month.",
        "Нашли ошибку? Выделите ее и нажмите Ctrl+Enter.",
        "[Photo caption: Afghan refugees wait outside the UNHCR office in Dushanbe.]",
        "About us | Advertising | Contacts",
        "WATCH: Border villagers react to the deal (video, 2:14)",
        "Все права защищены. Любое использование материалов допускается только с разрешения.",
        "Следите за новостями Kazinform в Telegram",
        "Podrobno.uz в Telegram: t.me/podrobno",
        "Stay up-to-date with more news at Trend News Agency's WhatsApp channel",
        "Photo: 24.kg. Kiosks on Chui Avenue near the Central Department Store",
        "Photo: Press service of the Ministry of Energy",
        "Перепечатка материалов допускается только с письменного разрешения редакции.",
        "АРКА © 2025. Использование материалов возможно только со ссылкой на агентство.",
        "OC Media is an independent, non-profit, member-supported media outlet.",
        "Нравится материал? Поддержите «Фергану»!",
        "Follow Daryo on Telegram: @daryo_global",
        "More news >>",
    ],
)
def test_a_credit_or_notice(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Фото Жапарова появилось в сети",
        "Фото из космоса показали масштабы наводнения",
        "Фото из архива показало, как строили мост.",
        "Photographs of the flood spread online",
        "Видео TikTok-блогера из Оша набрало миллион просмотров",
        "Фото 10 лет спустя: как изменился Бишкек",
        "Видео с места пожара",
        "Video of the flood spread online quickly, officials said.",
        "Photo courtesy of the US Embassy goes viral",
        "Photo by a tourist shows the glacier melting",
        "Ссылка на закон о СМИ появилась в новой редакции",
        "More news on the talks is expected on Monday",
        "Twitter and Facebook banned in Turkmenistan",
        "Нашли ошибку в расчетах аудиторы Счетной палаты",
        "Kazakhstan votes | Live results | Analysis of the turnout in the regions",
        "Gazeta.uz in numbers: growth continues",
        "Использование материалов на сайте растет, сообщили в министерстве.",
        "Kazakhstan is an independent state since 1991, the president said.",
    ],
)
def test_prose_or_a_headline_opening_like_one(line: str) -> None:
    assert not is_chrome_line(line)


def test_headlines_opening_like_a_credit_keep_their_stories(page_fixture) -> None:
    page = page_fixture("russian-photo-headlines.txt")
    assert [a.title for a in page.articles] == [
        "В Бишкеке открыли новый парк",
        "Видео TikTok-блогера из Оша набрало миллион просмотров",
        "Фото 10 лет спустя: как изменился Бишкек",
        "Видео с места пожара",
    ]
    assert all(len(a.paragraphs) >= 1 for a in page.articles)


def test_a_credit_shape_right_over_a_lead_is_a_headline() -> None:
    lead = ["Снимки с места стройки опубликовала мэрия города в четверг."]
    assert heads_story("Фото Reuters / Vladimir Pirogov", lead)
    assert not heads_story("Фото Reuters / Vladimir Pirogov", ["", *lead])


def test_a_most_read_list_after_the_last_story_is_no_text_of_it() -> None:
    page = parse_page(
        "Цены на муку выросли\n"
        "Стоимость мешка муки на рынках Душанбе за неделю выросла на 20 сомони.\n\n"
        "Самое читаемое\n"
        "• В Бишкеке с 1 апреля подорожает проезд в маршрутках\n"
        "• Депутаты одобрили законопроект о маркировке товаров\n".encode(),
        "text/plain",
    )
    (story,) = page.articles
    assert len(story.paragraphs) == 1
