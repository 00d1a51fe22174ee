"""Country tags from names, adjectives and demonyms."""

from __future__ import annotations

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.tags import detect_countries, merge_tags, slugify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kazakhstan’s exports grew", ("kazakhstan",)),
        ("Kazakh, Kazakhstani and Kazakhs", ("kazakhstan",)),
        ("Uzbek-born engineers", ("uzbekistan",)),
        ("Russia-Related Sanctions", ("russia",)),
        ("Kyrgyz and Tajik border guards", ("kyrgyzstan", "tajikistan")),
        ("Turkmen gas to Afghan buyers", ("afghanistan", "turkmenistan")),
        ("Chinese and Russian investors", ("china", "russia")),
        ("Iranian ports and Turkish ships", ("iran", "turkey")),
        ("Türkiye and Turkey", ("turkey",)),
        ("KAZAKHSTAN VOTES", ("kazakhstan",)),
        ("Turkmenistan only", ("turkmenistan",)),
        # Not whole words, or not proper nouns.
        ("Kazakhstanfoo and Chinatown and Iranxyz", ()),
        ("roast turkey on fine china", ()),
        ("Uzbekistan-Tajikistan working group", ("tajikistan", "uzbekistan")),
        # Russian adjectives, in lower case as Russian writes them, declined.
        ("узбекские власти и китайская компания", ("china", "uzbekistan")),
        ("на российском рынке, с казахстанскими банками", ("kazakhstan", "russia")),
        ("ТУРЕЦКИЕ АВИАЛИНИИ", ("turkey",)),
        # "русский" names the language as often as the country.
        ("на русском языке", ()),
        # Kazakh, Kyrgyz and Uzbek Cyrillic names with their case endings.
        ("Қазақстанда жаңа заң қабылданды", ("kazakhstan",)),
        ("Кыргызстандын президенти", ("kyrgyzstan",)),
        ("Ўзбекистонда янги қонун", ("uzbekistan",)),
        ("", ()),
    ],
)
def test_detect_countries(text: str, expected: tuple[str, ...]) -> None:
    assert detect_countries([text]) == expected


def test_title_counts_too() -> None:
    page = parse_page(
        b"Uzbekistan and China Sign a Rail Deal\n\nThe deal was signed on Monday.\n",
        "text/plain",
    )
    assert page.articles[0].tags == ("china", "uzbekistan")


def test_slugify_and_merge() -> None:
    assert slugify("Central Asia") == "central-asia"
    assert slugify("  Türkiye! ") == "turkiye"
    assert slugify("***") == ""
    # Tags in the region's other scripts get feeds too, never dropped.
    assert slugify("Экономика") == "ekonomika"
    assert slugify("Сельское хозяйство") == "selskoe-khozyaystvo"
    assert slugify("Қазақстан") == "qazaqstan"
    assert slugify("Oʻzbekiston") == "ozbekiston"
    assert merge_tags((), ["Экономика", "Энергетика"]) == ("ekonomika", "energetika")
    assert merge_tags(("kazakhstan",), ["Kazakhstan", "Oil & Gas", "", "!!"]) == (
        "kazakhstan",
        "oil-gas",
    )
