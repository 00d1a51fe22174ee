"""Where a plain-text story starts, beyond Title Case headlines.

Outlets write headlines in sentence case ("Kazakhstan to cut export duty on
wheat from April") and short ("Tokayev resigns"). Such a line is a headline
when what is around it says a new story starts: a byline or dateline under
it, or a finished story above it and new prose below that does not carry on
the same subject. A short line that does carry it on is a subheading and
stays in its story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .bylines import byline_authors, opens_with_dateline, reads_as_signature, signs_story
from .clauses import names_a_thing
from .headlines import ends_sentence, has_speaker_tag, looks_like_prose
from .story_subjects import capitalised_names, goes_on, shares_subject, subject_words

MAX_WORDS = 16
MAX_CHARS = 140
MIN_WORDS = 2
# A subheading is short; a longer line is a headline or a paragraph.
_SUBHEADING_WORDS = 8
# A Title Case line this short may head a part of its story.
_TITLE_PART_WORDS = 4
# A subheading this short names one thing of its story's: one word in common will do.
_SHORT_SUBHEADING = 3
# A headline of one word: a capital, then letters, figures and hyphens.
_ONE_WORD = re.compile(r"[A-ZА-ЯЁ][^\W_]*(?:-[^\W_]+)*[^\W\d_]*(?:-\d+)?")
# "- VAT falls to 10%", "• …", "* …": an item of a list, complete without a stop.
_LIST_ITEM = re.compile(r"[-\u2013\u2014\u2022*\u00b7]\s")
# Lines of a hard-wrapped paragraph read to tell whether it is prose.
_WRAPPED_LINES = 4
# Shared subject words that make a short line part of the story above.
_SHARED_WORDS = 2
_OPENING_QUOTES = "\"'“‘«„"
# "Home | News | About": a menu, not a headline.
_MENU_MARKS = "|•·›"


# Reported speech closing a sentence: "…, the ministry said", "…, he told
# reporters". Headlines say "says"; prose that lost its full stop says "said".
_ATTRIBUTION = re.compile(
    r",\s+(?:[\w'’.\-]+\s+){0,4}(?:said|told\s+\w+|added|reported|announced|noted|wrote)$"
)
# Russian puts the verb first: "…, сообщает Кыргызгидромет". Headlines end so
# too ("…, пишет Bloomberg"), so this only tells prose below a headline.
_RU_ATTRIBUTION = re.compile(
    r",\s+(?:сообщает|сообщают|сообщил[аи]?|заявил[аи]?|отметил[аи]?|передает|передаёт|пишет"
    r"|рассказал[аи]?|уточнил[аи]?|добавил[аи]?|говорится)(?:\s+[\w«»\"'.\-]+){0,5}$"
)


# A short line with a time of day or a date in figures ("4 Dec '26 · 10:15",
# "Сегодня, 14:30", "4.12.26"), or how long ago ("2 hours ago", when the
# receipt it counts from is not known): a story's stamp no date line reads.
_STAMP = re.compile(
    r"\d{1,2}:\d{2}(?!\d)|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?!\d)|\d\s*\w+\s+(?:ago|назад)$"
)
_STAMP_CHARS = 40
_STAMP_WORDS = 6


def _stamp(line: str, *, lenient: bool) -> bool:
    """Whether ``line``, right under a headline-shaped line, can be its stamp
    though no date line reads it; ``lenient``: any short line that is no
    sentence will do (for a page no story could be found in otherwise)."""
    if len(line) > _STAMP_CHARS or len(line.split()) > _STAMP_WORDS or ends_sentence(line):
        return False
    return lenient or _STAMP.search(line) is not None


def sentence_shaped(line: str) -> bool:
    """A short line starting with a capital that does not end like a sentence (or ends in ?/!)."""
    if len(line) > MAX_CHARS or has_speaker_tag(line) or any(c in line for c in _MENU_MARKS):
        return False
    words = line.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return False
    first = line.lstrip(_OPENING_QUOTES)[:1]
    if not first.isupper() and not first.isdigit():
        return False
    return not ends_sentence(line) or line.rstrip("\"'”’»")[-1:] in "?!"


def labelled(line: str) -> bool:
    """Whether ``line`` is a headline after a label of a speaker tag's shape
    ("LIVE: floods hit villages", "VIDEO: …"): asked only of a line with a
    date line under it, which an interview's turn never has."""
    if not has_speaker_tag(line):
        return False
    rest = line.split(":", 1)[1].strip()
    return bool(rest) and sentence_shaped(rest[0].upper() + rest[1:])


def _item_shape(line: str) -> str | None:
    """What a list's item looks like: its mark ("- ", "• "), or a name alone
    ("Жанна Ахметова"); None for a line no list's item is shaped as."""
    if _LIST_ITEM.match(line):
        return line[0]
    return "name" if reads_as_signature(line) else None


def same_list(above: str, line: str) -> bool:
    """Whether ``line`` is the next item of the list ``above`` is an item of:
    its last item, over a sentence, is still the list's, not a headline."""
    shape = _item_shape(line)
    return shape is not None and shape == _item_shape(above) and not ends_sentence(line)


def prose_over(text: str, dated: bool) -> bool:
    """Whether ``text`` is running text; ``dated``: a date line is under it, which
    makes a labelled line ("LIVE: floods hit…") a headline, not a speaker's turn."""
    return looks_like_prose(text) and not (dated and labelled(text))


# A digest's number before its item's headline: "3) …", "4. …".
_ITEM_NUMBER = re.compile(r"(\d{1,2})[.)]\s+[^\W\d_]")


def _item_number(text: str) -> int | None:
    match = _ITEM_NUMBER.match(text)
    return None if match is None else int(match[1])


class StoryCutter:
    """Decides, line by line in order, which lines start a story."""

    def __init__(
        self,
        texts: Sequence[str],
        title_case: Sequence[bool],
        continues: Sequence[bool] = (),
        *,
        breaks: Sequence[bool] = (),
        last_bylined: int = -1,
        lenient: bool = False,
    ) -> None:
        """``continues[k]``: line k is hard-wrapped prose that line k + 1 carries on;
        ``breaks[k]``: line k starts after a line break of the page's own;
        ``last_bylined``: the last line with a byline right under it (-1: none);
        ``lenient``: any short line under a headline may be its stamp."""
        self._texts = texts
        self._breaks = breaks
        self._last_bylined = last_bylined
        self._signed = False
        self._lenient = lenient
        self._title_case = title_case
        self._continues = continues
        self._open = False
        self._body_lines = 0
        self._subject: set[str] = set()
        self._texts_seen: list[str] = []
        self._number: int | None = None
        # Section labels between stories, left out: no kicker of the line under.
        self._apart: set[int] = set()

    def set_apart(self, i: int, apart: bool = True) -> None:
        """Take line ``i``, a section's label, out of the story text (or put it back)."""
        if apart:
            self._apart.add(i)
        else:
            self._apart.discard(i)

    def open_story(self, title: str, *, signed: bool = False) -> None:
        """A story opens under ``title``; ``signed``: its byline stands under it."""
        self._open = True
        self._signed = signed
        self._body_lines = 0
        self._texts_seen = [title]
        self._subject = set()
        self._number = _item_number(title)

    def add_text(self, text: str) -> None:
        # Words are read only when a short line asks whether it carries the
        # story on, so a long story costs one pass, whatever its lines.
        self._body_lines += 1
        self._texts_seen.append(text)

    def _story_subject(self) -> set[str]:
        if self._texts_seen:
            self._subject |= subject_words(" ".join(self._texts_seen))
            self._texts_seen = []
        return self._subject

    def _paragraph(self, j: int) -> str:
        """The text from line ``j`` to the end of its hard-wrapped paragraph (a few lines)."""
        end = j
        while end < min(len(self._continues), j + _WRAPPED_LINES) and self._continues[end]:
            end += 1
        return self._texts[j] if end == j else " ".join(self._texts[j : end + 1])

    def starts_story(
        self,
        i: int,
        after_break: bool,
        meta_after: Sequence[bool],
        *,
        dated: bool = False,
        after_date: bool = False,
    ) -> bool:
        """Whether line ``i`` is a headline; ``meta_after`` marks bylines/datelines
        after it, ``dated`` a date line right under it, ``after_date`` one right
        above it (date lines are taken out of the lines)."""
        if self._title_case[i]:
            return not (self._open and not (dated or any(meta_after)) and self._names_a_part(i))
        texts = self._texts
        text = texts[i]
        if not (after_break or i == 0 or (dated and self._ended(i - 1))):
            # Under a finished paragraph with no blank line between, only a line
            # with its date line under it starts a story (a page of no blank lines).
            return False
        single = False
        if not sentence_shaped(text) and not (dated and labelled(text)):
            # A headline of one word ("Navruz", "Бюджет-2025") only over its
            # stamp, byline or dateline: alone it is a label or a kicker.
            single = " " not in text and _ONE_WORD.fullmatch(text) is not None
            if not single:
                return False
        if self._open and self._body_lines == 0:
            return False  # a story has a body before the next one starts
        skip = 0
        while skip < len(meta_after) and meta_after[skip]:
            skip += 1
        # A line under it that no date line reads but that holds a time or a
        # date is its stamp, as a date line would be: a line of an unknown
        # shape must not keep a headline from starting its story.
        stamped = (
            not skip
            and not dated
            and i + 2 < len(texts)
            and _stamp(texts[i + 1], lenient=self._lenient)
        )
        following = self._paragraph(i + 1 + skip + stamped) if i + 1 + skip < len(texts) else None
        if following is None or (has_speaker_tag(following) and not (skip or dated)):
            return False  # an interview's turns under a line with no date or byline
        if single and not (skip or dated or stamped or opens_with_dateline(following)):
            return False
        if skip and not dated and self._open and self._headline_under(i + 1 + skip):
            # The story's last paragraph without its full stop, its byline, then
            # the next story's headline over its lead: the byline signs the story
            # above ("…картой «Тулпар»", "Автор: …", "Кыргызстан и Китай подписали…").
            return False
        if skip or dated or stamped or opens_with_dateline(following):
            # Its byline, its date line or its dateline under it: a headline
            # over prose (over anything, with a byline: a story may open with
            # a list). A stamp that is no prose's own line ends no sentence.
            return looks_like_prose(following) or skip > 0
        if not looks_like_prose(following) or (
            sentence_shaped(following)
            and not _ATTRIBUTION.search(following)
            and not _RU_ATTRIBUTION.search(following)
        ):
            # Two headline-shaped lines: neither is a headline over prose, unless
            # the second is reported speech that lost its full stop, or the
            # headline's deck right under it, over the lead they both tell of.
            if not self._over_deck(i):
                return False
            following = self._paragraph(i + 2)
        if _ATTRIBUTION.search(text):
            return False  # "…, officials said": a paragraph without its full stop
        if not self._story_above_ended(i, after_break, after_date):
            return False
        if not self._open or (self._number is not None and _item_number(text) == self._number + 1):
            return True  # a numbered digest's next item ("4) …" after "3) …") too
        if i - 1 not in self._apart and self._part_of_signed_story(i, following):
            return False  # (under a section's label, which parts the stories, never)
        return i - 1 in self._apart or not self._on_subject(text, following)

    def _names_a_part(self, i: int) -> bool:
        """Whether line ``i``, in Title Case and neither dated nor signed, heads a
        part of the open story ("A City on Paper"): a few words sharing none with
        the prose under it, which has no dateline and names no one new."""
        texts = self._texts
        if not self._body_lines or i + 1 >= len(texts) or len(texts[i].split()) > _TITLE_PART_WORDS:
            return False
        following = self._paragraph(i + 1)
        return (
            looks_like_prose(following)
            and not opens_with_dateline(following)
            and not subject_words(texts[i]) & subject_words(following)
            and capitalised_names(following) <= self._story_subject()
        )

    def _part_of_signed_story(self, i: int, following: str) -> bool:
        """On a page that signs its stories, an unsigned line in a signed one (its
        byline not right above) naming nothing its lead tells heads a part of it
        ("Pipeline politics"); a headline names it ("Border reopened")."""
        return (
            self._signed
            and self._signed_later(i)
            and not self._signed_above(i)
            and not shares_subject(self._texts[i], [following])
        )

    def _signed_above(self, i: int) -> bool:
        """Whether the story above ends with its byline right over line ``i``."""
        above = i - 1 - (i - 1 in self._apart)
        return above >= 0 and byline_authors(self._texts[above]) is not None

    def _signed_later(self, i: int) -> bool:
        """Whether a line after ``i`` has a byline right under it (another story's)."""
        return self._last_bylined > i

    def _story_above_ended(self, i: int, after_break: bool, after_date: bool) -> bool:
        """Whether what stands above line ``i`` lets a story start there."""
        texts = self._texts
        above = i - 1 - (i - 1 in self._apart)  # past a section's label left out
        if self._open and above >= 0 and same_list(texts[above], texts[i]):
            return False
        # A kicker, a label or a dateline above: no story has ended. Before the
        # first story, a line set apart above is the page's name or section,
        # which starts nothing. A list's item ends without a stop, and a byline
        # or a name alone above is the end of the story it signs.
        return not (
            (self._open or not after_break)
            and not after_date
            and above >= 0
            and not ends_sentence(texts[above])
            and not looks_like_prose(texts[above])
            and not _LIST_ITEM.match(texts[above])
            and byline_authors(texts[above]) is None
            and not (reads_as_signature(texts[above]) or signs_story(texts[above]))
        )

    def _headline_under(self, j: int) -> bool:
        """Whether line ``j``, set apart above, is a headline-shaped line with no
        full stop over a lead: prose that opens with a dateline, or a finished one."""
        texts = self._texts
        if j + 1 >= len(texts) or not (j < len(self._breaks) and self._breaks[j]):
            return False
        line = texts[j]
        if not sentence_shaped(line):  # a question's mark or none, no full stop
            return False
        lead = self._paragraph(j + 1)
        return opens_with_dateline(lead) or looks_like_prose(lead)

    def _ended(self, k: int) -> bool:
        """Whether line ``k`` ends its paragraph: it ends a sentence, or the page is
        not hard-wrapped and the next line does not carry it on."""
        return ends_sentence(self._texts[k]) or not (
            k < len(self._continues) and self._continues[k]
        )

    def _over_deck(self, i: int) -> bool:
        """Whether line ``i`` is a headline over its deck: a headline-shaped line
        right under it with no full stop ("Снегопад в Бишкеке вызвал пробки"),
        then prose that names the headline's subject and says more of it."""
        texts = self._texts
        if i + 2 >= len(texts) or i + 2 >= len(self._breaks) or self._breaks[i + 1]:
            return False
        deck = texts[i + 1]
        if ends_sentence(deck) or not sentence_shaped(deck):
            return False
        lead = self._paragraph(i + 2)
        return (
            looks_like_prose(lead)
            and shares_subject(texts[i], [lead], 1)
            and shares_subject(f"{texts[i]} {deck}", [lead])
        )

    def _on_subject(self, text: str, following: str) -> bool:
        """Whether ``text``, over ``following``, carries on the open story's subject."""
        own = subject_words(text)
        lead = subject_words(following)
        words = len(text.split())
        if words <= _SUBHEADING_WORDS and goes_on(following):
            return True  # "Размещение облигаций" over "Полученные средства …"
        if (
            words <= _SHORT_SUBHEADING
            and not own & lead
            and capitalised_names(following) <= self._story_subject()
        ):
            # "What happens next", "Что дальше": sharing no word with the text under
            # it, which names no one new, it heads a part of the open story (a
            # headline names what its lead tells, or its lead whom it is about).
            return True
        common = (own | lead) & self._story_subject()
        shared = len(common)
        if text.rstrip("\"'”’»").endswith("?"):
            # A question in running text, as interviews ask them, is on the
            # story's subject; a question headline opens another.
            return shared >= _SHARED_WORDS
        # Names alone (the country both stories are about) make no subject shared.
        names = common <= capitalised_names(text) | capitalised_names(following)
        if (
            words <= _SHORT_SUBHEADING
            and not names
            and 2 * len(own & common) >= len(own) > 0
            and names_a_thing(text)
        ):
            # "Новые ставки" in a story on the key rate: a section of it, naming
            # a thing the story tells. One word is too little for a line that
            # says what happened or brings most of its words of its own
            # ("Ипотечные ставки снизятся"), or for one whose verbs are not read
            # ("Mortgage rates fall"): another story's headline, as a rule.
            return True
        return words <= _SUBHEADING_WORDS and shared >= _SHARED_WORDS and not names
