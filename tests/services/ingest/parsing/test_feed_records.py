"""Pages of labelled records (a feed printed as text: "Title: …", "Link: …",
"Published: …", "Author: …", "Description:") and a messenger channel's export
("Channel, [09.03.2026 18:42]" over each post)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.ingest.parsing import parse_page
from services.ingest.parsing.chat_export import chat_rows
from services.ingest.parsing.chrome_lines import KIND as CHROME_LINES
from services.ingest.parsing.text_records import FEED_FIELDS, records_page
from services.ingest.parsing.text_stories import BEFORE_HEADLINES
from tests.support.left_out import left_out_kinds


def test_a_feed_printed_as_records_gives_each_item_as_a_story(page_fixture) -> None:
    page = page_fixture("feed-records.txt")
    assert [a.title for a in page.articles] == [
        "Azerbaijan's non-oil exports up 8% in January-February",
        "Azerbaijan, Kazakhstan discuss joint fertilizer plant in Sumgayit",
        "Turkmenistan boosts gas supplies to Azerbaijan under swap deal",
    ]
    first, second, third = page.articles
    assert [len(a.paragraphs) for a in page.articles] == [2, 1, 2]
    assert first.paragraphs[0].startswith("BAKU, Azerbaijan, March 11. Azerbaijan's non-oil")
    assert first.url == "https://en.caspiantrend.example/business/economy/4012345.html"
    # RFC 822, as RSS writes it, in the zone it names.
    assert first.published == datetime(2026, 3, 11, 1, 41, tzinfo=UTC)
    assert first.authors == ("Nargiz Sadikhova",)
    # The feed's own name as an item's author is the outlet, no person.
    assert second.authors == ()
    assert third.authors == ("Elnur Baghirov",)
    # The feed's build date is the page's; its fields and frames are said left out.
    assert page.page_date == date(2026, 3, 11)
    assert set(left_out_kinds(page)) == {FEED_FIELDS}


def test_a_russian_feed_dump_in_item_brackets(page_fixture) -> None:
    page = page_fixture("feed-records-ru.txt")
    assert [a.title for a in page.articles] == [
        "В Душанбе запустят новые троллейбусные маршруты",
        "Таджикистан и Узбекистан упростят пересечение границы для жителей приграничья",
        "Курс сомони к доллару остаётся стабильным третий месяц подряд",
        "На Памире ожидаются сильные снегопады",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [2, 1, 2, 1]
    assert [a.authors for a in page.articles] == [
        ("Мехрангез Турсунзода",),
        (),  # "dc:creator: Азия-Инфо": the feed's own name
        ("Фируза Саидова",),
        (),  # an empty creator
    ]
    assert page.articles[0].published == datetime(2026, 3, 16, 5, 20, tzinfo=UTC)
    # Items of three days and no date of the feed's own: no page date.
    assert page.page_date is None


def test_records_need_two_titled_items_with_more_than_a_title() -> None:
    # A story that quotes a form's fields is prose, not a feed.
    text = (
        "Tax office opens online filing\n\n"
        "The form asks for a few fields.\n\n"
        "Title: Mr\nName: Ivanov\n\nTitle: Dr\n\nThe office said filing closes in May.\n"
    )
    assert records_page(text.splitlines()) is None
    assert records_page(["No fields here."]) is None


def test_a_channel_export_dates_each_post_by_its_header(page_fixture) -> None:
    page = page_fixture("channel-export-ru.txt")
    assert [a.title for a in page.articles] == [
        "В Астане из-за метели закрыли трассы в сторону Караганды и Кокшетау",
        "На левом берегу откроют новый детский парк",
        "Оплатить проезд в автобусах скоро можно будет по лицу",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [2, 1, 2]
    assert [a.published for a in page.articles] == [
        datetime(2026, 3, 12, 8, 47, tzinfo=UTC),
        datetime(2026, 3, 12, 11, 20, tzinfo=UTC),
        datetime(2026, 3, 12, 15, 2, tzinfo=UTC),
    ]
    assert page.articles[2].authors == ("Динара Сапарова",)
    assert left_out_kinds(page) == {CHROME_LINES: 3, BEFORE_HEADLINES: 3}


def test_an_english_channel_export_leaves_its_prompts_out(page_fixture) -> None:
    page = page_fixture("channel-export.txt")
    assert [a.title for a in page.articles] == [
        "SOCAR and KazMunayGas agree to raise oil transit via BTC",
        "Baku Metro to extend Green Line by two stations",
        "Azerbaijan's annual inflation slows to 4.1% in February",
    ]
    # "📌 Subscribe: @caspianbrief", "👉 Read the full story on our website": no text.
    assert [len(a.paragraphs) for a in page.articles] == [2, 1, 2]
    assert page.articles[1].published == datetime(2026, 3, 10, 8, 5, tzinfo=UTC)
    assert page.articles[2].authors == ("Leyla Mammadova",)


def test_a_bracketed_post_stamp_alone_or_after_a_name() -> None:
    for header in ("Caspian Brief, [10.03.2026 08:05]", "[10.03.2026 08:05]"):
        text = (
            f"{header}\nBaku Metro to extend Green Line\n\n"
            "Baku Metro said two stations will open on the Green Line by 2029.\n"
        )
        (article,) = parse_page(text.encode(), "text/plain").articles
        assert article.title == "Baku Metro to extend Green Line"
        assert article.published == datetime(2026, 3, 10, 8, 5, tzinfo=UTC)


def test_a_channel_export_with_views_tags_and_a_rates_post(page_fixture) -> None:
    page = page_fixture("channel-export-views.txt")
    assert [a.title for a in page.articles] == [
        "Kabul municipality starts spring tree-planting campaign",
        "Wheat flour prices fall in Herat markets",
        "Rail freight through Hairatan up 12 percent",
    ]
    # "👁 4.1K", "#Kabul #Environment", "Full story: https://…", "📢 Follow our
    # WhatsApp channel …" are the channel's; "Reporter: Zahra Rahimi, Herat" a byline.
    assert [len(a.paragraphs) for a in page.articles] == [2, 2, 2]
    assert page.articles[1].authors == ("Zahra Rahimi",)
    # "Sarai Shahzada money market, 9:00 am: USD/AFN 70.45 | …": a labelled ticker post.
    assert [q.pair for q in page.quotes] == ["USD/AFN", "EUR/AFN", "PKR/AFN"]


def test_a_cms_export_of_records(page_fixture) -> None:
    page = page_fixture("cms-export-ru.txt")
    assert [a.title for a in page.articles] == [
        "Азербайджан увеличил экспорт ненефтяных товаров на 9%",
        "Центробанк Азербайджана сохранил учетную ставку на уровне 7%",
        "Под Баку откроется крупнейший в регионе логистический хаб",
    ]
    # "published_at: 2026-02-19 18:40", "author: Эльчин Гасанов, Рена Мусаева".
    assert page.articles[0].published == datetime(2026, 2, 19, 18, 40, tzinfo=UTC)
    assert page.articles[2].authors == ("Эльчин Гасанов", "Рена Мусаева")
    # A Markdown heading in a body, "## Прогноз регулятора", less its marks.
    assert "Прогноз регулятора" in page.articles[1].paragraphs
    # "# Сформировано: 2026-02-20 09:00:12 (UTC+4)": the export's date is the page's.
    assert page.page_date == date(2026, 2, 20)


def test_a_whatsapp_chat_export(page_fixture) -> None:
    page = page_fixture("whatsapp-export-ru.txt")
    assert [a.title for a in page.articles] == [
        "В Душанбе открыли новый мост через Варзоб",
        "Второй агрегат Рогунской ГЭС выйдет на полную мощность к лету",
        "В Худжанде начали принимать заявки в летние лагеря",
    ]
    # Each message's own stamp dates it; the chat's notices and a media
    # placeholder are left out; a rates message is the page's ticker.
    assert [a.published for a in page.articles] == [
        datetime(2026, 3, 3, 8, 15, tzinfo=UTC),
        datetime(2026, 3, 3, 11, 41, tzinfo=UTC),
        datetime(2026, 3, 3, 14, 5, tzinfo=UTC),
    ]
    assert page.articles[1].authors == ("Фарход Назаров",)
    assert [q.pair for q in page.quotes] == ["USD/TJS", "EUR/TJS", "RUB/TJS"]
    assert page.page_date == date(2026, 3, 3)


def test_a_page_of_stamps_is_no_chat() -> None:
    rows = ["03.03.2026 09:30", "Tokayev signs law", "", "03.03.2026 10:15", "Senate backs code"]
    assert chat_rows(rows) is None
    android = ["3/3/26, 8:15 PM - Desk: Tokayev signs law", "3/3/26, 9:00 PM - Desk: More"]
    assert chat_rows(android) == (
        ["", "3/3/2026 8:15 pm", "Tokayev signs law", "", "3/3/2026 9:00 pm", "More"],
        [],
    )


def test_a_channels_rates_set_out_a_rate_a_line(page_fixture) -> None:
    page = page_fixture("channel-rates-block-ru.txt")
    # "💵 Курсы ЦБ Узбекистана на 5 марта:" over "🇺🇸 USD — 12 847,30 сум" and two more.
    assert [(q.pair, str(q.rate)) for q in page.quotes] == [
        ("USD/UZS", "12847.30"),
        ("EUR/UZS", "13905.12"),
        ("RUB/UZS", "146.05"),
    ]
    assert [len(a.paragraphs) for a in page.articles] == [2, 2, 1]
    texts = [p for a in page.articles for p in a.paragraphs]
    assert not any("подписаться" in p or "USD" in p for p in texts)
