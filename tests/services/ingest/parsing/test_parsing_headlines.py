"""Headlines recognised by their shape, never by matching known titles."""

from __future__ import annotations

import pytest

from services.ingest.parsing.headlines import looks_like_headline, looks_like_prose


@pytest.mark.parametrize(
    "line",
    [
        "Kazakhstan Exported a Million Tons of Goods to China Last Month",
        "Uzbekistan: Disabled Citizens Still Face Host of Challenges",
        "Global Firepower Index: Kazakhstan is Central Asia’s Strongest Army; "
        "Tajikistan its Weakest",
        "Is Kazakhstan Ready for Nuclear Power?",
        "Tokayev: “We Will Not Join the Sanctions”",
        "‘We need the desire’: Disabled Activists Speak Out",
        '"Silk Road" Revival Gathers Pace in Tashkent',
        "Kazakhstan — the New Logistics Hub",
        "Kazakhstan Signs Deal With the U.S.",
        "Two Hydrometric Stations Open On Uzbekistan, Tajikistan Border",
    ],
)
def test_headline_shapes(line: str) -> None:
    assert looks_like_headline(line)


@pytest.mark.parametrize(
    "line",
    [
        # Sentence-case questions from interviews.
        "In your opinion, are there any advanced international practices that can be "
        "implemented in Uzbekistan to help disabled people?",
        "Do you think schools in Uzbekistan are accessible for everyone?",
        # Speaker-tagged turns, however capitalised.
        "TCA: What Joint Projects Are Being Implemented?",
        "MR: In Order To Develop Inclusive Education",
        "Q: Are There Any Programs?",
        # Full stops, trailing commas and colons.
        "The Times of Central Asia Spoke With Muhabbat Rakhimova.",
        "Kazakhstan Exported a Million Tons,",
        "Key Facts About the Deal:",
        # Too short or too long.
        "Log In",
        "Kazakhstan",
        " ".join(["Word"] * 21),
        "Kazakhstan " + "X" * 160,
        # Lower-case start or mostly lower-case words.
        "after the vote, Parliament Recessed",
        "This is a sentence without a stop",
    ],
)
def test_not_headline_shapes(line: str) -> None:
    assert not looks_like_headline(line)


def test_prose() -> None:
    assert looks_like_prose("The ministry says the lists help exporters.")
    assert looks_like_prose("TCA: Why?")
    assert looks_like_prose("the lists help exporters avoid secondary sanctions in the region")
    assert not looks_like_prose("Log In")
    assert not looks_like_prose("Kazakhstan Signs a New Trade Deal With China")


def test_headlines_with_punctuation_are_found(page_fixture) -> None:
    page = page_fixture("headlines.txt")
    assert [a.title for a in page.articles] == [
        "Will the Rogun Dam Finally Be Finished by 2029?",
        "Turkmenistan: Gas Exports to China Reach a Record",
        '"We Are Open for Business," Says Kyrgyz Minister of Economy',
        "Mirziyoyev Promises ‘A New Uzbekistan’ in Annual Address",
        "Kazakhstan’s Caspian Ports — the Missing Link of the Middle Corridor",
        "Afghan Traders Return to Termez; Border Market Reopens",
        "Ex-Minister Says “Reform Is Unfinished” as Parliament Votes",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [2, 1, 1, 1, 1, 1, 1]
