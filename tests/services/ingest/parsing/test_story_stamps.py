"""Where a plain-text page puts its stories' stamps and bylines: under the
story's text ("12.03.2025 | 804 views", "Author: …" and its time), over the
headline, or on a section's line beside the page's date; and a headline of one
word with its stamp over it."""

from __future__ import annotations

from datetime import UTC, datetime


def _cut(page) -> list[tuple[str, tuple[str, ...], str | None, int]]:
    return [
        (
            a.title,
            a.authors,
            a.published.astimezone(UTC).strftime("%m-%d %H:%M") if a.published else None,
            len(a.paragraphs),
        )
        for a in page.articles
    ]


def test_stamps_under_each_story_date_it(page_fixture) -> None:
    # "…named after Turkmen poets" (no full stop), "12.03.2025 | 804 views", a
    # blank line: the story's stamp; "Gas output" under it starts the next.
    page = page_fixture("stamps-under-stories.txt")
    assert _cut(page) == [
        ("TURKMENISTAN TO HOST CASPIAN ECONOMIC FORUM", (), "03-12 00:00", 3),
        ("New Tulip Varieties Bred in Ashgabat", (), "03-12 00:00", 2),
        ("Gas output", (), "03-11 00:00", 1),
    ]
    assert page.articles[2].tags == ("china",)


def test_russian_stamps_under_each_story_date_it(page_fixture) -> None:
    page = page_fixture("stamps-under-stories-ru.txt")
    assert [(title, when) for title, _, when, _ in _cut(page)] == [
        ("Жапаров: Кыргызстан не будет вступать в новые военные блоки", "03-19 15:02"),
        ("На границе с Таджикистаном открыли новый пункт пропуска", "03-19 12:48"),
        ("В Бишкеке подорожал проезд", "03-19 10:30"),
    ]


def test_a_byline_and_its_time_close_a_story(page_fixture) -> None:
    # "…around the city" (no full stop), "Author: Dilnoza Karimova", "08.03.2025,
    # 11:20": the story's author and time; the question under them a headline.
    page = page_fixture("bylines-and-stamps-closing-stories.txt")
    assert _cut(page) == [
        ("Tashkent Metro Extends Yellow Line", ("Dilnoza Karimova",), "03-08 11:20", 3),
        ("Why Are Apricot Prices Soaring?", ("Jasur Tursunov",), "03-08 09:05", 5),
    ]


def test_a_section_line_with_the_pages_date_is_no_headline(page_fixture) -> None:
    # "World | Asia Pacific · 2025-03-07" dates the page; the headline under it
    # heads the first story, under the agency's name left out.
    page = page_fixture("wire-section-date-line.txt")
    assert page.page_date.isoformat() == "2025-03-07"
    assert [title for title, *_ in _cut(page)] == [
        "Kazakhstan raises key rate to 16.5% as inflation quickens",
        "Turkmenistan signs gas deal with Iraq via Iran swap",
    ]
    assert page.articles[0].authors == ("Mariya Gordeyeva", "Tamara Vaal")
    assert page.articles[0].published == datetime(2025, 3, 7, 5, 14, tzinfo=UTC)


def test_a_headline_of_one_word_over_its_stamp(page_fixture) -> None:
    page = page_fixture("one-word-headline.txt")
    assert [(title, when) for title, _, when, _ in _cut(page)] == [
        ("President Emomali Rahmon meets Chinese delegation", "03-13 14:20"),
        ("Navruz", "03-13 11:05"),
        ("Afghan traders to get new border market", "03-13 09:40"),
    ]


def test_a_stamp_set_apart_is_no_stamp_of_the_paragraph_above(page_fixture) -> None:
    # "…величин" (no full stop), "Читайте также: …", then "10:15 / 14.03.2025"
    # set apart over the next headline: that story's stamp, and the paragraph
    # above stays its story's last.
    page = page_fixture("stamps-over-headlines-after-links-ru.txt")
    assert [(title, when, count) for title, _, when, count in _cut(page)] == [
        ("В Ташкенте ограничат въезд грузовиков в центр города", "03-14 11:32", 3),
        ("Узбекистан и Казахстан запустят совместную ж/д линию?", "03-14 10:15", 2),
        ("Пенсии вырастут", "03-14 09:47", 2),
    ]


def test_rubric_paths_over_headlines_are_section_labels(page_fixture) -> None:
    # "Туркменистан / Общество" over a headline is its place in the sections;
    # the outlet's name over the page's date line heads no story.
    page = page_fixture("rubric-paths-ru.txt")
    titles = [title for title, *_ in _cut(page)]
    assert titles[:2] == [
        "«Нас просто выгнали»: в Ашхабаде сносят частные дома ради новой трассы",
        "Денежные переводы из России в Таджикистан сократились на 8%",
    ]
    assert page.articles[1].authors == ("Нигора Алиева",)
    labels = {k.kind: k for k in page.diagnostics.left_out}["section labels"]
    assert labels.sample == "Туркменистан / Общество"


def test_a_page_that_stamps_its_stories_over_their_headlines(page_fixture) -> None:
    # The first story opens under its stamp, set apart; the later stamps stand
    # right under the story above, no blank line between, over their headlines:
    # theirs too, as the page's own style says.
    page = page_fixture("stamps-over-headlines-no-blank-lines.txt")
    assert [(title, when) for title, _, when, _ in _cut(page)] == [
        ("Azerbaijani FM, Iranian counterpart hold phone talks", "03-05 17:55"),
        ("Tbilisi metro fares to rise", "03-05 16:40"),
        ("Turkish Airlines resumes flights to Nakhchivan", "03-05 15:12"),
    ]
    assert [len(a.paragraphs) for a in page.articles[:2]] == [3, 2]
