"""A photo's or a video's caption inside a story ("Видео: прогулка по новому
парку…" in a story about the park) is left out as a caption, not taken for
the headline of a story of its own; a labelled headline saying what happened
("Видео: в Оше открыли парк аттракционов") starts its story."""

from __future__ import annotations

from datetime import date

from services.ingest.parsing import parse_page
from services.ingest.parsing.caption_lines import captions_story


def test_captions_inside_a_story_are_left_out(page_fixture) -> None:
    page = page_fixture("captions-inside-stories-ru.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("В Бишкеке открыли новый парк у Ала-Арчи", 4),
        ("На рынке «Дордой» сгорели 14 контейнеров с одеждой", 2),
        ("В Нарыне выпал первый снег", 1),
    ]
    park = page.articles[0].paragraphs
    assert park[1].startswith("Мэрия обещает")
    assert park[-1] == "На следующий год в парке планируют залить каток."
    left = {k.kind: (k.blocks, k.sample) for k in page.diagnostics.left_out}
    assert left == {
        "before the first headline": (1, "24 Kabar — Новости Кыргызстана"),
        "captions, prompts and notices": (2, "Видео: прогулка по новому парку у Ала-Арчи"),
    }


def test_a_caption_names_what_its_story_tells() -> None:
    story = "В Бишкеке открыли новый парк у Ала-Арчи. Парк площадью 12 гектаров."
    assert captions_story("Видео: прогулка по новому парку у Ала-Арчи", lambda: story)
    assert captions_story(
        "Photo: the new park at Ala-Archa", lambda: "A new park opened near Ala-Archa."
    )
    # Another subject: a labelled headline's, not a caption's.
    assert not captions_story("Видео: пожар на рынке «Дордой» ночью", lambda: story)
    # A credit alone is no description (it is left out as a credit already).
    assert not captions_story("Фото: пресс-служба мэрии", lambda: story)


def test_a_labelled_headline_on_a_related_subject_starts_its_story(page_fixture) -> None:
    # "Видео: в Оше открыли парк аттракционов…" shares "парк" with the story
    # on the new park above, but says what happened: the next story's headline.
    page = page_fixture("labelled-headlines-ru.txt")
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("В Бишкеке открыли новый парк у Ала-Арчи", 2),
        ("Видео: в Оше открыли парк аттракционов на берегу реки Ак-Буура", 2),
        ("В Нарыне выпал первый снег", 1),
    ]
    assert page.articles[1].paragraphs[0].startswith("Первые посетители")
    left = {k.kind for k in page.diagnostics.left_out}
    assert left == {"before the first headline"}


def test_a_caption_shows_a_thing_a_labelled_headline_says_what_happened() -> None:
    story = "В Бишкеке открыли новый парк у Ала-Арчи. Парк площадью 12 гектаров."
    assert captions_story("Фото: вид на парк с высоты птичьего полета", lambda: story)
    assert not captions_story("Видео: в Оше открыли парк аттракционов", lambda: story)
    assert not captions_story("Видео: парк аттракционов откроется в Оше", lambda: story)


def test_a_caption_ending_in_its_credit_names_what_its_story_tells() -> None:
    # The credit after what the picture shows ("Credit: Ministry of Transport")
    # is no headline in Title Case: the caption is left out all the same.
    story = "Turkmenistan to open Caspian port to foreign carriers. The container terminal"
    for line in (
        "Photo: Turkmenbashi port. Credit: Ministry of Transport",
        "Photo: the container terminal (Photo: Reuters)",
    ):
        assert captions_story(line, lambda: story)
    assert captions_story(
        "Фото: новый терминал аэропорта. Фото: пресс-служба", lambda: "Аэропорт открыл терминал"
    )
    assert not captions_story("Video: Floods Hit Villages", lambda: story)


def test_bracketed_captions_and_share_rows_are_left_out(page_fixture) -> None:
    # "[Photo caption: …]" and "Facebook  Twitter  Email  Print" are no story's
    # text; "By … and RFE/RL's Tajik Service" names its reporter alone.
    page = page_fixture("wire-bylines-share-rows.txt")
    assert [(a.title, a.authors, len(a.paragraphs)) for a in page.articles] == [
        (
            "'We Have Nowhere Else To Go': Afghan Refugees In Tajikistan Face Deportation",
            ("Farangis Najibullah",),
            4,
        ),
        ('"Foreign Agent" Bill Passes First Reading In Kazakh Parliament', ("Chris Rickleton",), 2),
        ("Turkmen Activist Released After Five Years", (), 1),
    ]
    chrome = page.diagnostics.left_out[0]
    assert chrome.kind == "captions, prompts and notices" and chrome.blocks == 3


def test_a_caption_right_under_its_photos_credit_is_left_out(page_fixture) -> None:
    # "Photo credit: Almaty akimat press service", then "Volunteers planting
    # saplings in Baum Grove, March 2026": the photo's caption, no headline.
    page = page_fixture("caption-under-photo-credit.txt")
    assert [(a.title, a.authors, len(a.paragraphs)) for a in page.articles] == [
        ("Tokayev signs law on artificial intelligence", ("Aruzhan Ualikhanova",), 3),
        ("Almaty to plant 250,000 trees this spring", ("Damir Baimukhanov",), 3),
        ("Kazakhstan, Kyrgyzstan discuss border crossing upgrades", ("Zhanna Kolzhanova",), 2),
    ]
    captions = page.diagnostics.left_out[0]
    assert captions.kind == "captions, prompts and notices" and captions.blocks == 3


def test_a_sentence_under_a_photos_credit_stays_in_its_story() -> None:
    # "The parties will meet again in Dushanbe in April" under "Photo: …" says
    # what will happen: the story's last paragraph, no caption.
    page = parse_page(
        b"Kyrgyzstan, Tajikistan agree new border segment\n"
        b"By Kanat Kasymbekov\n"
        b"BISHKEK (AKIpress) - The delegations agreed on another 24 kilometers of the border.\n"
        b"Photo: Cabinet press service\n"
        b"The parties will meet again in Dushanbe in April\n",
        "text/plain",
    )
    (story,) = page.articles
    assert story.paragraphs[-1] == "The parties will meet again in Dushanbe in April"
