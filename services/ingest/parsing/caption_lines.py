"""Captions inside a story's text: what a caption's label says its picture shows,
whether that is what the story tells, and the caption printed right under a
photo's credit."""

from __future__ import annotations

import re
from collections.abc import Callable

from .chrome_lines import CAPTION, CAPTION_WORDS, MAX_CHROME_LINE, credits_source
from .clauses import says_what_happened
from .headlines import ends_sentence, looks_like_headline

# Words a caption and its story share when it shows what the story tells:
# stems short enough to match across Russian endings ("парк", "парку").
_STEM_WORD = re.compile(r"[^\W\d_]{4,}")
_STEM = 4
_FUNCTION_STEMS = frozenset((
    "with", "from", "that", "this", "have", "will", "been", "were", "they", "them", "thei",
    "what", "when", "wher", "also", "more", "afte", "over", "into", "abou", "than", "then",
    "year", "такж", "этот", "этом", "этой", "было", "были", "буде", "посл", "боле", "кото",
    "свои", "свое", "года", "году",
))  # fmt: skip


def _stems(text: str, *, names: bool = True) -> set[str]:
    """The stems of ``text``'s words; ``names``: of its capitalised words too."""
    words = (word.group() for word in _STEM_WORD.finditer(text))
    return {
        word[:_STEM].lower() for word in words if names or not word[0].isupper()
    } - _FUNCTION_STEMS


def caption_description(line: str) -> str | None:
    """What a caption's label says its photo or video shows ("Видео: прогулка
    по новому парку" shows "прогулка по новому парку"); None for any other
    line, a credit ("Фото: пресс-служба") or a headline in Title Case after
    the label ("Video: Floods Hit Villages")."""
    caption = CAPTION.match(line) if len(line) <= MAX_CHROME_LINE else None
    if caption is None or caption["by"]:
        return None
    rest = _CAPTION_CREDIT.sub("", caption["rest"]).strip()
    if not rest or credits_source(rest) or looks_like_headline(rest):
        return None
    return rest


# The credit a caption ends with: "… port. Credit: Ministry of Transport", "…
# (Photo: Reuters)", "… Фото: пресс-служба". What the picture shows is before it.
_CAPTION_CREDIT = re.compile(
    r"(?<=\S)[.,;]?\s*\(?(?:credits?|photo(?:graph)?s?|source|фото|источник)\s*:\s*[^:()]{2,60}\)?$",
    re.IGNORECASE,
)


def captions_story(line: str, story: Callable[[], str]) -> bool:
    """Whether ``line``, inside a story whose text so far ``story()`` gives, is a
    caption's label over what a photo or a video of it shows ("Видео:
    прогулка по новому парку", "Photo: the new terminal at Aktau"): it names
    what the story tells, where a labelled headline ("Видео: пожар на рынке
    «Дордой»") names another story's subject. Names shared alone (the country
    both are about) make no caption. The story's text is asked for only when
    ``line`` is a caption's label, which few lines are."""
    rest = caption_description(line)
    # A picture's credit after what it shows ("…. Фото: пресс-служба") ends no headline.
    return rest is not None and (
        _CAPTION_CREDIT.search(line) is not None or shows_story(rest, story())
    )


def shows_story(description: str, story: str) -> bool:
    """Whether a caption's ``description`` names what ``story`` tells. A caption
    names what its picture shows ("прогулка по новому парку"); a labelled
    headline says what happened ("Видео: в Оше открыли парк аттракционов"),
    however many words it shares with the story above on a related subject."""
    return not says_what_happened(description) and not _stems(description, names=False).isdisjoint(
        _stems(story)
    )


def credits_photo(line: str) -> bool:
    """Whether ``line``, a chrome line, is a photo's credit or caption label
    ("Photo credit: Almaty akimat press service", "Фото: пресс-служба")."""
    return CAPTION.match(line) is not None


# A caption under its photo's credit is short and no paragraph of prose.
_CAPTION_UNDER_WORDS = 15


def caption_under_credit(line: str) -> bool:
    """Whether ``line``, right under a photo's credit with no blank line between,
    is that photo's caption ("Volunteers planting saplings in Baum Grove, March
    2026"): a short line that finishes no sentence of prose and says nothing
    happened ("The parties will meet again in April" is the story's)."""
    return (
        len(line.split()) <= _CAPTION_UNDER_WORDS
        and not (ends_sentence(line) and len(line.split()) > CAPTION_WORDS)
        and _EN_FINITE.search(line) is None
        and not says_what_happened(line)
    )


# English words a sentence says what happened with: its auxiliaries and
# reporting verbs (a caption names what a picture shows).
_EN_FINITE = re.compile(
    r"\b(?:is|are|was|were|will|would|has|have|had|can|could|should|must|may|might"
    r"|said|says|told|did|does)\b",
    re.IGNORECASE,
)
