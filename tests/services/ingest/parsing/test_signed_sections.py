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
