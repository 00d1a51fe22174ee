"""A page that signs its stories under their headlines: a short line with no
byline inside a signed story heads a part of it, as long as a later story is
signed too; a page that signs some stories and not others keeps its unsigned
short headlines."""

from __future__ import annotations


def test_sections_of_signed_stories_stay_in_them(page_fixture) -> None:
    for name, stories, section in (
        (
            "signed-stories-with-sections.txt",
            [
                ("Turkmenistan: Ashgabat's quiet pivot to Beijing", ("Peter Leonard",)),
                (
                    "Kazakhstan: Nuclear plant contractor named amid local protests",
                    ("Almaz Kumenov",),
                ),
            ],
            "Pipeline politics",
        ),
        (
            "signed-stories-with-sections-ru.txt",
            [
                (
                    "Почему в Кыргызстане дорожает бензин? Объясняют эксперты",
                    ("Бекжан Абдыкалыков",),
                ),
                ("Депутат Жогорку Кенеша предложил проверить сети АЗС", ("Нургуль Абдыкадырова",)),
            ],
            "Что говорят в правительстве",
        ),
    ):
        page = page_fixture(name)
        assert [(a.title, a.authors) for a in page.articles] == stories, name
        assert section in page.articles[0].paragraphs


def test_an_unsigned_short_headline_after_the_last_signed_story_starts_its_own(
    page_fixture,
) -> None:
    page = page_fixture("signed-and-unsigned-stories.txt")
    assert [(a.title, a.authors) for a in page.articles] == [
        ("Kyrgyzstan and Tajikistan agree on final border section", ("Aigerim Sadykova",)),
        ("Why is Uzbekistan buying more wheat?", ("Timur Karimov",)),
        ("Tokayev signs budget", ()),
        ("Markets", ()),
    ]
    assert "What happens next" in page.articles[0].paragraphs


def test_a_title_case_part_of_a_story_stays_in_it(page_fixture) -> None:
    # "A City on Paper" over prose that shares none of its words and names no
    # one the story has not met: a part of "Why Is Turkmenistan Building a New City?".
    page = page_fixture("title-case-sections.txt")
    assert [(a.title, a.authors, len(a.paragraphs)) for a in page.articles] == [
        (
            "Uzbekistan and Kazakhstan Sign Agreement on Joint Border Trade Zone",
            ("Sergey Kwan",),
            3,
        ),
        (
            "Kyrgyzstan's Snow Leopards Caught on Camera in Sarychat-Ertash Reserve",
            ("Asel Toktosunova",),
            3,
        ),
        ("Why Is Turkmenistan Building a New City?", ("Stephen M. Bland",), 4),
        ('Reforms Are "Irreversible," Tokayev Tells Foreign Investors', ("Aidana Yerlanova",), 2),
    ]
    assert "A City on Paper" in page.articles[2].paragraphs


def test_a_section_and_its_time_under_a_byline_is_the_storys_stamp(page_fixture) -> None:
    # "Economy | 3 March 2026 11:02 (UTC +04:00)" under each byline: no headline.
    page = page_fixture("section-stamps-under-bylines.txt")
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Azerbaijan's Non-Oil Exports Up 12% in January-February", 3),
        ("SOCAR, ADNOC Sign Deal on Absheron Field Expansion", 3),
        ("What's Behind the Manat's Stability?", 5),
    ]
    assert page.articles[0].published is not None
    assert [q.pair for q in page.quotes] == ["USD/AZN", "EUR/AZN", "RUB/AZN", "TRY/AZN"]
