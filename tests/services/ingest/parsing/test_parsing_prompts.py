"""Prompts sending the reader to the outlet's or the author's channels."""

from __future__ import annotations

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.chrome_lines import KIND, is_chrome_line


def _kinds(page) -> dict[str, int]:
    return {k["kind"]: k["blocks"] for k in page.diagnostics.as_json()["left_out"]["kinds"]}


def test_follow_the_author_is_left_out(page_fixture) -> None:
    page = page_fixture("prompts-follow.txt")
    first, second = page.articles
    assert first.authors == ("Nargiz Sadikhova",)
    assert len(first.paragraphs) == 3
    assert not any("Follow" in p for p in first.paragraphs)
    assert second.authors == ("Ilhom Abdullayev",)
    assert _kinds(page) == {KIND: 1}


def test_a_telegram_prompt_between_stories_ends_the_story_above(page_fixture) -> None:
    page = page_fixture("prompts-telegram.txt")
    assert [a.title for a in page.articles] == [
        "Tashkent metro to get 14 new stations by 2030",
        "Uzbekistan raises minimum pension by 12%",
    ]
    first, second = page.articles
    assert len(first.paragraphs) == 3
    assert len(second.paragraphs) == 2
    assert _kinds(page)[KIND] == 2  # the photo credit and the prompt


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
    assert _kinds(page) == {KIND: 2}


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
        "Следите за новостями в Telegram",
        "Присоединяйтесь к нашему каналу в WhatsApp",
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
    ],
)
def test_prose_is_no_prompt(line: str) -> None:
    assert not is_chrome_line(line)
