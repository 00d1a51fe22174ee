"""Stamp lines real pages set under their headlines, read as a reader reads them."""

from __future__ import annotations

from datetime import UTC, datetime

from .conftest import parse_fixture

RECEIVED = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def _summary(name: str) -> list[tuple]:
    page = parse_fixture(name, RECEIVED)
    return [(a.title, a.authors, a.published, len(a.paragraphs)) for a in page.articles]


def test_a_relative_day_beside_the_section_and_views() -> None:
    """"Вчера, 15:00 | Экономика | 2 134 просмотра" dates its story as
    "4 декабря 2026, 15:30 · Экономика" does; unread, the headline over it
    started no story and the page had none."""
    assert _summary("relative-stamps-with-section-ru.txt") == [
        (
            "Нацбанк Казахстана повысил базовую ставку до 16,5%",
            ("Данияр Серикбаев",),
            datetime(2026, 12, 3, 15, 0, tzinfo=UTC),
            2,
        ),
        (
            "В Астане открылся новый терминал аэропорта",
            (),
            datetime(2026, 12, 4, 9, 10, tzinfo=UTC),
            2,
        ),
    ]


def test_a_date_then_the_word_for_its_time() -> None:
    """"04.12.2026, Soat 10:15", "3 декабря 2026 года в 18:40", "3 желтоқсан
    2026, сағат 09:05" date their stories as "…, 10:15" does; unread, each
    was taken for the headline of a story and its real headline left empty."""
    assert _summary("date-then-time-word.txt") == [
        (
            "Toshkentda yangi metro bekati ochildi",
            ("Dilnoza Rahimova",),
            datetime(2026, 12, 4, 10, 15, tzinfo=UTC),
            2,
        ),
        (
            "В Бишкеке ограничат движение на проспекте Чуй",
            (),
            datetime(2026, 12, 3, 18, 40, tzinfo=UTC),
            1,
        ),
        (
            "Астанада жаңа әуежай терминалы ашылды",
            (),
            datetime(2026, 12, 3, 9, 5, tzinfo=UTC),
            1,
        ),
    ]


def test_a_headline_over_a_standfirst_without_its_full_stop() -> None:
    """Headline, standfirst without a final stop, byline, date: the first line
    is the headline, the second the story's standfirst; the one over the
    byline was taken for the headline and the real one left out (set
    single-spaced, the page gave no story at all)."""
    assert _summary("standfirst-no-stop.txt") == [
        (
            "Why Tajikistan's Rogun dam matters for the whole region",
            ("Bakyt Asanov",),
            datetime(2026, 12, 2, tzinfo=UTC),
            4,
        )
    ]
    assert _summary("standfirst-no-stop-ru.txt") == [
        (
            "Почему Казахстан строит атомную станцию на берегу Балхаша",
            ("Асель Сатаева",),
            datetime(2026, 12, 4, tzinfo=UTC),
            3,
        )
    ]


def test_a_title_case_masthead_on_the_storys_subject() -> None:
    """"Central Asia Energy News" over the date line, a one-story page's
    sentence-case headline under it: the masthead names words of the story
    (energy, Central Asia) but is the page's name, not the story's headline."""
    page = parse_fixture("masthead-on-the-subject.txt")
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Kazakhstan to build second nuclear power plant", 3)
    ]
    assert [k.sample for k in page.diagnostics.left_out] == ["Central Asia Energy News"]


def test_a_byline_naming_where_each_reporter_filed_from() -> None:
    """"By … in Prague and … in Dushanbe" names two authors; unread, the
    byline was taken for the story's headline and the headline left out."""
    assert _summary("byline-each-filed-from.txt") == [
        (
            "Tajik opposition figure sentenced to 15 years",
            ("Farangis Najibullah", "Mumin Ahmadi"),
            datetime(2026, 12, 4, tzinfo=UTC),
            2,
        )
    ]


def test_an_agency_stamp_with_its_update_after_a_space() -> None:
    """"December 4, 2026 8:12 AM GMT+5 Updated 2 hours ago": published and
    modified, not the story's first paragraph."""
    page = parse_fixture("agency-stamp-updated-ago.txt", RECEIVED)
    assert [(a.title, a.authors, a.published, a.modified, len(a.paragraphs)) for a in page.articles] == [
        (
            "Kazakhstan raises key rate to 16.5% as inflation lingers",
            ("Olzhas Auyezov", "Mariya Gordeyeva"),
            datetime(2026, 12, 4, 3, 12, tzinfo=UTC),
            datetime(2026, 12, 4, 7, 30, tzinfo=UTC),
            4,
        )
    ]
    assert page.articles[0].paragraphs[0].startswith("ALMATY, Dec 4 (Reuters)")


def test_a_caption_that_ends_in_its_credit() -> None:
    """"Trucks cross the new bridge …. Photo: Kun.uz" and "… (Фото:
    пресс-служба хокимията)" are captions left out, not a new story's
    headline over the rest of the story nor a paragraph of it."""
    page = parse_fixture("captions-ending-in-credit.txt")
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("New bridge over the Amu Darya opens to traffic", 3),
        ("Жители Термеза вышли на открытие моста", 2),
    ]
    (captions,) = page.diagnostics.left_out
    assert captions.blocks == 3


def test_a_stamp_led_by_its_section() -> None:
    """"Economy 4 December 2026 12:45 (UTC +04:00)" under a headline dates its
    story; unread, the stamp was taken for the headline and the real one
    left out as the page's name."""
    assert _summary("section-then-stamp.txt") == [
        (
            "Kazakhstan, Uzbekistan sign deal on joint water management",
            (),
            datetime(2026, 12, 4, 8, 45, tzinfo=UTC),
            2,
        ),
        (
            "Turkmenistan raises gas exports to China",
            (),
            datetime(2026, 12, 4, 6, 20, tzinfo=UTC),
            1,
        ),
        ("Экономика Казахстана выросла на 6%", (), datetime(2026, 12, 3, 18, 5, tzinfo=UTC), 1),
    ]


def test_a_headline_wrapped_over_two_rows() -> None:
    """A headline hard-wrapped over two rows, the second in lower case, over
    its date line is one headline; read as two lines of no shape, the page
    gave "no headline found"."""
    assert _summary("headline-wrapped-over-two-rows.txt") == [
        (
            "Uzbekistan and Tajikistan agree to build two hydropower plants on the Zarafshan river",
            (),
            datetime(2026, 12, 4, tzinfo=UTC),
            2,
        ),
        (
            "В Бишкеке на время ремонта теплотрассы ограничат движение по проспекту Чуй",
            (),
            datetime(2026, 12, 4, 10, 15, tzinfo=UTC),
            1,
        ),
    ]


def test_a_title_case_headline_with_its_label_after_a_bar() -> None:
    """"Kazakhstan Votes | Live Results From the Parliamentary Election" is a
    headline, its bar setting off a label, as a menu's items (a few words
    each: "Astana Daily | Home › News › Politics") never are; read as a menu,
    the story was left out."""
    page = parse_fixture("title-case-headline-with-label-bar.txt")
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Kazakhstan Votes | Live Results From the Parliamentary Election", 1),
        ("Uzbekistan Opens New Airport in Samarkand", 1),
    ]
    assert [k.sample for k in page.diagnostics.left_out] == ["Astana Daily | Home › News › Politics"]


def test_today_and_yesterday_in_uzbek_and_kazakh() -> None:
    """"Bugun, 11:20", "Kecha, 18:05" (Uzbek) and "Кеше, 16:40" (Kazakh) date
    their stories from the receipt as "Сегодня" and "Вчера" do; unread, each
    stayed its story's first paragraph."""
    assert _summary("relative-days-uz-kz.txt") == [
        (
            "O'zbekistonda eng kam ish haqi oshiriladi",
            (),
            datetime(2026, 12, 4, 11, 20, tzinfo=UTC),
            1,
        ),
        (
            "Toshkentda yangi tramvay yo'li quriladi",
            (),
            datetime(2026, 12, 3, 18, 5, tzinfo=UTC),
            1,
        ),
        ("Алматыда жаңа метро бекеті ашылды", (), datetime(2026, 12, 3, 16, 40, tzinfo=UTC), 1),
    ]
