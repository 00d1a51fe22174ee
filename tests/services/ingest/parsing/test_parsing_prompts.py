"""Prompts sending the reader to the outlet's or the author's channels."""

from __future__ import annotations

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.chrome_lines import KIND, is_chrome_line
from tests.support.left_out import left_out_kinds


def test_follow_the_author_is_left_out(page_fixture) -> None:
    page = page_fixture("prompts-follow.txt")
    first, second = page.articles
    assert first.authors == ("Nargiz Sadikhova",)
    assert len(first.paragraphs) == 3
    assert not any("Follow" in p for p in first.paragraphs)
    assert second.authors == ("Ilhom Abdullayev",)
    assert left_out_kinds(page) == {KIND: 1}


def test_a_telegram_prompt_between_stories_ends_the_story_above(page_fixture) -> None:
    page = page_fixture("prompts-telegram.txt")
    assert [a.title for a in page.articles] == [
        "Tashkent metro to get 14 new stations by 2030",
        "Uzbekistan raises minimum pension by 12%",
    ]
    first, second = page.articles
    assert len(first.paragraphs) == 3
    assert len(second.paragraphs) == 2
    assert left_out_kinds(page)[KIND] == 2  # the photo credit and the prompt


def test_a_russian_prompt_is_left_out() -> None:
    page = parse_page(
        "Алматы закроет проспект Абая на выходные\n\n"
        "Движение ограничат из-за ремонта трамвайных путей, сообщили в акимате.\n\n"
        "Подписывайтесь на наш Telegram-канал\n\n"
        "Казахстан увеличит экспорт пшеницы в Китай\n\n"
        "В 2026 году в Китай отправят два миллиона тонн зерна.\n\n"
        "Читайте нас в Telegram\n".encode(),
        "text/plain",
    )
    assert [len(a.paragraphs) for a in page.articles] == [1, 1]
    assert left_out_kinds(page) == {KIND: 2}


@pytest.mark.parametrize(
    "line",
    [
        "Follow the author on X: @NargizSadikhova",
        "Follow Gazeta.uz on Telegram",
        "Follow Kun.uz on Instagram and YouTube",
        "Join our Telegram channel",
        "Join us on WhatsApp",
        "Подписывайтесь на наш Telegram-канал",
        "Читайте нас в Telegram",
        "Следите за нами в Telegram",
        "Присоединяйтесь к нашему каналу в WhatsApp",
        "Follow us on Telegram: https://t.me/kunuz",
        "Join our newsletter",
    ],
)
def test_prompts(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Follow-up talks will be held on Friday.",
        "Follow the rules on X-ray safety, the ministry said.",
        "Join our team of reporters",
        "Читайте нас внимательно",
        "Following the talks on Telegram, the ministry said nothing.",
        # Sentences and headlines that begin as a prompt would: no "us", "our"
        # or handle, or going on past the network into prose.
        "Join us in welcoming the new members of our community, the mayor said.",
        "Join us in welcoming the new members of our community",
        "Join us for the Nauryz celebration, the channel said.",
        "Присоединяйтесь к акции «Час Земли», призвал акимат Алматы.",
        "Следите за новостями в стране: министр обещал отчёт",
        "Follow the president on VK reforms",
        "Follow Kazakhstan's lead on TikTok regulation, Uzbek MPs urge",
        "Follow the Money on Telegram",
        "Follow the money on Telegram: how channels sell ads",
        "Follow the debate on X. It is lively.",
        "Читайте нас внимательно, просил редактор.",
    ],
)
def test_prose_is_no_prompt(line: str) -> None:
    assert not is_chrome_line(line)


def test_a_headline_shaped_like_a_prompt_starts_its_story() -> None:
    page = parse_page(
        "Central Asia Daily\n4 December 2026\n\n"
        "Almaty Opens New Library for Refugee Families\n"
        "The city opened a library on Monday for families who arrived this year.\n"
        "Join us in welcoming the new members of our community, the mayor told the crowd.\n"
        "Присоединяйтесь к акции «Час Земли», призвал акимат Алматы.\n"
        "The library holds books in six languages.\n\n"
        "Follow the Money on Telegram\n"
        "Channels in the region sell advertising worth millions of dollars a year, a study found.\n"
        "\n"
        "Follow Kun.uz on Telegram\n"
        "The channel's readers doubled in a year, its editors said on Thursday.\n".encode(),
        "text/plain",
    )
    library, money, kun = page.articles
    assert len(library.paragraphs) == 4
    assert money.title == "Follow the Money on Telegram"
    assert money.paragraphs[0].startswith("Channels in the region")
    # Named by the outlet's name alone and over prose: the cutter's headline.
    assert kun.title == "Follow Kun.uz on Telegram"
    assert KIND not in left_out_kinds(page)


def test_a_prompt_in_a_story_is_left_out_and_the_story_goes_on() -> None:
    page = parse_page(
        b"Tashkent Metro Gets New Line\n"
        b"The Tashkent metro opened a new line on Thursday, the city said.\n"
        b"Follow us on Telegram\n"
        b"The line has six stations and links the airport with the centre.\n",
        "text/plain",
    )
    (metro,) = page.articles
    assert len(metro.paragraphs) == 2
    assert left_out_kinds(page) == {KIND: 1}
