"""Lines a plain-text page prints around its stories that belong to none of them.

A page copied as text keeps what its layout set apart: photo captions and
credits ("Photo: …", "Фото: …"), a story's source and tag lines, "Read also"
and "Related" links, share and subscribe prompts, reading times and view
counts, "Advertisement" labels and the copyright notice. None of
them is a story's text or a headline; each is left out and said so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .bylines import reads_as_signature
from .dates import read_date_line
from .headlines import looks_like_headline, looks_like_prose
from .relative_days import relative_day
from .site_lines import SITE_LINE_WORDS, is_site_line, names_an_office, opens_contacts

# Longer than this, a line is prose however it starts.
MAX_CHROME_LINE = 160
KIND = "captions, prompts and notices"

# Copyright notices ("© 2026 …", "Copyright 2026 …", "(c) 2026 …") and reprint
# terms ("Ссылка на источник обязательна", "При копировании ссылка на 24.kg обязательна",
# "При перепечатке материалов активная ссылка на … обязательна").
_RIGHTS_START = (
    r"\u00a9|\(c\)\s*\d{4}|copyright\s*(?:\u00a9|\(c\)|\d{4})"
    r"|(?:при\s+(?:\S+\s+){0,4}?(?:использовании|копировании|цитировании|перепечатк)\S*\s+"
    r"(?:\S+\s+){0,2}?)?"
    r"(?:активная\s+|гиперссылка|ссылка)\S*\s+(?:на\s+)?\S+\s+обязательна"
)
# Prompts: "Share this article", "Share on Facebook", "Subscribe to our …".
_PROMPT_START = (
    r"share(?:\s+(?:this|on|via)\b|\s*:|\s*$)|поделиться\b"
    r"|subscribe\s+(?:to|for|now)\b|subscribe\s*:|follow\s+us\b|подписывайтесь\b|подпишитесь\b"
    r"|follow\s+our\s+(?:\w+\s+)?(?:channel|page|account)\b"
    # "@tashkentlive_news — подписаться": a channel's handle and the call to join it.
    r"|@\w[\w.]*\s*[\u2013\u2014:\-]\s*(?:подписаться|подписывайтесь|subscribe|join)\b"
    # "Нашли ошибку? Выделите ее и нажмите Ctrl+Enter", "Found a typo? …".
    r"|(?:нашли\s+(?:ошибку|опечатку)|found\s+(?:a|an)\s+(?:typo|mistake|error))\s*\?.{0,80}$"
)
# Each pattern of alternatives below opens with a look at the first letters
# its alternatives can start with: a line starting otherwise, as most do,
# fails there, not at each alternative in turn.
_CHROME_START = re.compile(
    r"(?=[sпfrвaрcагсчнm\u00a9(\d@])(?:"
    rf"{_PROMPT_START}"
    # "Read more on daryo.uz", "Читайте подробнее на kun.uz": the site's link.
    r"|(?:read\s+more\s+(?:on|at)|читайте\s+(?:больше|подробнее)\s+на)\s+\S+\s*$"
    # "Read the full story on our website", "Read more: site.uz/…", "More »",
    # "Подробнее →": a link to the story's own page.
    r"|read\s+(?:the\s+)?full\s+(?:story|article|text|report)\b.{0,60}$"
    r"|(?:read\s+more|full\s+story|подробнее|читать\s+полностью)(?:\s+\S+){0,3}?\s*:\s*\S+\s*$"
    r"|(?:(?:read\s+)?more|подробнее|читать\s+(?:далее|полностью|дальше))\s*[»›→]+\s*$"
    # A story's reading time and view count: "3 min read", "Время чтения: 2 мин",
    # "1 245 views", "1 245 просмотров".
    r"|\d+\s*(?:min(?:ute)?s?\.?|мин\.?)\s+(?:read|чтения)\s*$"
    r"|(?:reading\s+time|время\s+чтения)\s*:?\s*\d+\s*(?:min\w*|мин\w*)\.?\s*$"
    r"|\d[\d\s\u00a0]*\s+(?:views|просмотр(?:ов|а)?)\s*$"
    # Labels standing alone.
    r"|(?:advertisement|sponsored(?:\s+content)?|реклама)\s*$"
    rf"|{_RIGHTS_START}"
    r")",
    re.IGNORECASE,
)
# Prompts sending the reader to a channel: an imperative aimed at the reader,
# "us", "our …" or a handle, ending at the network or channel it names (or a
# colon, a handle or a link after it): "Follow the author on X: @…", "Follow
# Gazeta.uz on Telegram", "Join our Telegram channel", "Читайте нас в Telegram".
# A line going on past that is a sentence or a headline ("Follow the president
# on VK reforms", "Join us in welcoming …, the mayor said.").
_NETWORK = (
    r"(?:x|twitter|telegram|facebook|instagram|threads|tiktok|youtube|linkedin|whatsapp"
    r"|bluesky|mastodon|vk|вконтакте|телеграм|одноклассниках|дзен[еі]?)(?:[\-\s]?канал\w*)?"
)
_NETWORKS = rf"{_NETWORK}(?:\s*(?:,|and|&|и)\s*{_NETWORK})*"
_CHANNEL = r"(?:channel|group|newsletter|community|канал\w*|групп\w*|сообществ\w*)"
# "Gazeta.uz", "@kunuz": the outlet or the author by a name only a handle has.
_HANDLE = r"@[\w.]+|[\w\-]+(?:\.[\w\-]+)+"
_TAIL = r"(?:\s*:?\s*(?:@[\w.]+|https?://\S+|t\.me/\S+))*\s*[:.!]?"
_PROMPT = re.compile(
    r"(?:follow\s+(?P<who>us|me|our\s+\S+(?:\s+\S+)?|the\s+authors?|(?P<name>" + _HANDLE + r"))"
    rf"\s+on\s+{_NETWORKS}"
    rf"|join\s+(?:us\s+on\s+{_NETWORKS}|our\s+(?:\S+\s+){{0,2}}?(?:{_NETWORK}|{_CHANNEL}))"
    # "Stay up-to-date with more news on Trend's WhatsApp channel": the outlet's
    # channel, by its name with "'s", or "our".
    rf"|stay\s+(?:up[\s\-]to[\s\-]date|tuned|informed|connected)(?:\s+with\s+(?:\S+\s+){{0,4}}?news)?"
    rf"\s+(?:on|in|via|at)\s+(?:our|(?:\S+\s+){{0,3}}?\S+['’]s)\s+{_NETWORKS}(?:\s+{_CHANNEL})?"
    rf"|(?:читайте\s+нас|следите\s+за\s+(?:нами|нашими\s+новостями|новостями\s+\S+))"
    rf"(?:\s+(?:в|на)\s+{_NETWORKS})?"
    rf"|присоединяйтесь\s+к\s+(?:нам|нашему|нашей)(?:\s+\S+){{0,2}}?\s+(?:в|на)\s+{_NETWORKS}"
    rf"|присоединяйтесь\s+к\s+(?:нашему|нашей)\s+{_CHANNEL}"
    rf"){_TAIL}",
    re.IGNORECASE,
)
# "Podrobno.uz в Telegram: t.me/podrobno": the site's channel, by its address.
_SITE_CHANNEL = re.compile(
    rf"[\w\-]+(?:\.[\w\-]+)+\s+(?:в|на|on|in)\s+{_NETWORKS}{_TAIL}", re.IGNORECASE
)
# What a prompt starts with: most lines start otherwise and are not tried.
_PROMPT_INITIALS = frozenset("FfJjSsЧчСсПпНн")
# Captions and credits: "Photo: …", "Photo by …", "Фото: пресс-служба". What
# follows the label must read as one: a credit of a few words, or a sentence
# closed by a full stop or a bracket ("Video: Floods Hit Villages" is a headline).
CAPTION = re.compile(
    r"(?=[pivфви])(?:photo(?:graph)?s?|pictures?|image|video|illustration|фото|видео|иллюстрация)"
    r"\s*(?:(?P<by>by\b|courtesy\s+of\b)|(?:\s*(?:credits?|caption))?\s*(?::|/|\u2014|\u2013))"
    r"\s*(?P<rest>.*)",
    re.IGNORECASE,
)
# Russian credits without a colon: "Фото 24.kg. Таалайбек Ибраев", "Фото из
# открытых источников", "Фото пресс-службы Минэнерго", "Фото Анастасии Бенгард":
# a source, then no more than a short caption. A source is an address (24.kg,
# kun.uz), a Latin name ending the line or closed by a full stop or a slash
# ("Фото Reuters / Vladimir Pirogov"), a preposition with a source's word ("из
# открытых источников", "с сайта …"), a source's word itself, or a name alone
# (two or three capitalised words). A Latin word running into Russian
# ("Видео TikTok-блогера из Оша …"), a number ("Фото 10 лет спустя: …") or a
# preposition with any other words ("Видео с места пожара") starts a headline.
_SOURCE_WORD = (
    r"(?:(?:из|с|со|от|from)\s+)?(?:\S+\s+)?(?:источник\w*|архив\w*|соцсет\w*|социальн\w*\s+сет\w*|пресс-служб\w*"
    r"|сайт\w*|страниц\w*|телеграм\w*|(?-i:[A-Z][\w.\-]*)|[\w\-]+\.[a-z]{2,})"
)
_LATIN_NAME = r"(?-i:[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+){0,2})"
_DOMAIN = r"[0-9A-Za-z][\w\-]*(?:\.[A-Za-z]{2,})+"
_RU_CREDIT = re.compile(
    r"(?:фото|видео|иллюстрация)\s+(?:"
    rf"(?:{_DOMAIN}|{_LATIN_NAME})(?:\.\s+(?:\S+\s+){{0,5}}\S+|\s*/\s*{_LATIN_NAME})?"
    rf"|(?:из|с|со|от)\s+{_SOURCE_WORD}(?:\s+\S+){{0,2}}"
    r"|(?:предоставлен[оы]?|автора|архив\w*|пресс-служб\w*)(?:\s+\S+){0,3}"
    r"|(?-i:[А-ЯЁ][а-яё\-]+(?:\s+[А-ЯЁ][а-яё\-]+){1,2}))",
    re.IGNORECASE,
)
CAPTION_WORDS = 4
_CUE_WORDS = 4
_BUTTONS = re.compile(r"(?:\[[^\[\]]{1,40}\]\s*){2,}")
_SHOWN = re.compile(r"(?:на\s+(?:снимке|фото)|pictured|in\s+the\s+photo)\s*:", re.IGNORECASE)
# What a credit's "by …" / "courtesy of …" may name: capitalised words, and these
# ("Photo courtesy of the Ministry of Energy", "Photo by the author"); a word
# outside them ("… the US Embassy goes viral") makes the line a headline.
_SOURCE_JOINERS = frozenset({
    "the", "of", "and", "for", "via", "de", "da", "van", "von", "der", "du", "la", "le",
    "author", "authors", "press", "service", "archive", "staff", "handout",
})  # fmt: skip
_SOURCE_WORDS = 8
# Links to other stories and a story's credits and labels ("Related: …", "Read
# also: …", "Source: Reuters", "Tags: …"), alone or naming what they point to;
# "Sources: three officials said …" goes on as a sentence and is prose.
_LABEL = re.compile(
    r"(?=[rasmчспеиtkтм])"
    r"(?:related(?:\s+(?:stories|articles|news))?|read\s+(?:also|more)|also\s+read|see\s+also"
    r"|more\s+on\s+this(?:\s+story)?|recommended|читайте\s+(?:также|тоже)|смотрите\s+также"
    r"|по\s+теме|подробнее|ещё\s+по\s+теме|еще\s+по\s+теме"
    r"|source|sources|источник|tags|keywords|теги|тэги|метки)\s*(?::\s*(?P<rest>.*)|$)",
    re.IGNORECASE,
)
# A label over a list of links to other stories, alone on its line ("Читайте
# также:", "Read also:", Uzbek "Shuningdek o'qing:", Kazakh "Сондай-ақ
# оқыңыз:", Kyrgyz "Ошондой эле окуңуз:"): the lines right under it are links.
# "Read more" without its colon is a card's link to its own story, set right
# over the next card's headline: no label.
_LINKS_LABEL = re.compile(
    r"(?=[rmasчспешотнlnfiвc])"
    r"(?:related(?:\s+(?:stories|articles|news))?|read\s+also|read\s+more\s*:|also\s+read|see\s+also"
    r"|(?:новое|новые\s+темы|последнее)\s+на\s+форуме|(?:latest|new)\s+(?:on|in)\s+the\s+forum"
    r"|in\s+this\s+issue|в\s+(?:этом\s+)?номере|contents|содержание"
    r"|most\s+(?:read|popular|viewed)|самое\s+(?:читаемое|популярное)|популярное"
    r"|more\s+on\s+this(?:\s+story)?|recommended|читайте\s+(?:также|тоже)|смотрите\s+также"
    r"|по\s+теме|ещ[её]\s+по\s+теме|shuningdek\s+o['‘’ʻ]?qing|шунингдек\s+ўқинг"
    r"|сондай-ақ\s+оқыңыз|оқи\s+отырыңыз|ошондой\s+эле\s+окуңуз|тема\s+боюнча)\s*:?",
    re.IGNORECASE,
)


def opens_links(line: str) -> bool:
    """Whether ``line`` is a label alone over a list of links to other stories,
    or over a release's contacts ("Media contact:")."""
    if len(line) > MAX_CHROME_LINE:
        return False
    return _LINKS_LABEL.fullmatch(line) is not None or opens_contacts(line)


def is_link_line(line: str) -> bool:
    """Whether ``line``, right under such a label, can be a link: another
    story's headline, no sentence of this one's."""
    return len(line) <= MAX_CHROME_LINE and not line.rstrip(_CLOSERS).endswith((".", ":"))


_CLOSERS = "\"'»”’)"
# "All rights reserved", "Все права защищены", in any case. The first letter is
# a class of the letters that match "a" or "в" when case is ignored (U+1C80 is
# a rounded "в"), so that the search skips ahead to them: a pattern ignoring
# case from its first letter is tried at every place of the line.
_RIGHTS = re.compile(
    r"[aA\u0432\u0412\u1c80](?i:(?<=a)ll\s+rights\s+reserved|(?<=в)се\s+права\s+защищены)"
)
# A rights notice is a short line or sits beside the © sign; in a sentence it is prose.
_RIGHTS_WORDS = 8


def is_chrome_line(line: str) -> bool:
    """Whether ``line`` (stripped) is a caption, prompt, label or notice, not story text."""
    if len(line) > MAX_CHROME_LINE:
        return False
    if line[0] == "[" and line[-1] == "]" and len(line) > 2:
        # "[Photo caption: …]", "[Advertisement]": a note set in brackets; a row
        # of buttons, "[Читать далее →]   [Обсудить на форуме (41)]".
        inside = line[1:-1].strip()
        if len(inside.split()) <= _CUE_WORDS and inside[-1:] not in ".!?":
            return True  # "[Opening music]", "[Advertisement]": a cue, no text
        return _BUTTONS.fullmatch(line) is not None or is_chrome_line(inside)
    if _CHROME_START.match(line) is not None:
        return True
    if is_site_line(line):
        return True
    if len(line.split()) <= SITE_LINE_WORDS and _SITE_CHANNEL.fullmatch(line) is not None:
        return True  # "Podrobno.uz в Telegram: t.me/podrobno"
    if line[:1] in _PROMPT_INITIALS and _PROMPT.fullmatch(line) is not None:
        return True
    if line[:1] in "ФфВвИи" and _RU_CREDIT.fullmatch(line) and line[-1] not in ".!?":
        return True
    if line[:1] in "НнPpIi" and _SHOWN.match(line) is not None:
        return True  # "На снимке: …", "Pictured: …": what a photo shows
    caption = CAPTION.match(line)
    if caption is not None:
        rest = caption["rest"].rstrip()
        if caption["by"]:
            return _names_a_source(rest)
        return len(rest.split()) <= CAPTION_WORDS or rest[-1:] in ".)" or credits_source(rest)
    if opens_links(line):
        return True
    label = _LABEL.match(line)
    if label is not None:
        rest = label["rest"]
        return not rest or not rest[0].islower()
    if ("ights" in line or "IGHTS" in line or "рава" in line or "РАВА" in line) and (
        _RIGHTS.search(line) is not None
    ):
        return _rights_line(line)
    return _credited_caption(line)


# A caption that ends in its credit: "Trucks cross the new bridge. Photo: Kun.uz",
# "Жители Шымкента на митинге (Фото: Азаттык)". The label after a full stop or
# in a bracket, and a source or a person after it, end the line.
_TRAILING_CREDIT = re.compile(
    r"(?:[.!?…]\s+|\s*\()(?:photo(?:graph)?|image|video|фото|видео)\s*(?::|/|by\b)\s*"
    r"(?P<rest>[^()]{2,60}?)\)?\s*$",
    re.IGNORECASE,
)
_CREDIT_MARKS = ("hoto", "HOTO", "mage", "ideo", "ото", "идео")


def _credited_caption(line: str) -> bool:
    for mark in _CREDIT_MARKS:  # a loop, not any(): no generator for each line
        if mark in line:
            break
    else:
        return False
    credit = _TRAILING_CREDIT.search(line)
    if credit is None:
        return False
    rest = credit["rest"].rstrip(".")
    return credits_source(rest) or _names_a_source(rest)


def heads_story(line: str, below: Sequence[str], set_apart: bool = False) -> bool:
    """Whether ``line``, a prompt that names the outlet only by its name
    ("Follow Kun.uz on Telegram") or a credit's shape right over a lead, is
    rather a headline over the prose in the rows ``below`` it, as the story
    cutter would take it: a prompt to "us", "our …" or to a handle is none.
    A caption's label over what it shows ("Видео: пожар на рынке «Дордой»"),
    ``set_apart`` above and with a date line right under it, is a headline
    too: that date is its story's, and a caption has none."""
    if set_apart and below and _dated(below[0].strip()):
        caption = CAPTION.match(line)
        rest = "" if caption is None or caption["by"] else caption["rest"].strip()
        if len(rest.split()) > 1 and not credits_source(rest):
            return True
    if below and below[0].strip() and line[:1] in "ФфВвИи" and _RU_CREDIT.fullmatch(line):
        # A credit's shape over a lead with no blank line between: a headline
        # ("Фото Анастасии Бенгард" is a credit, set apart from the text).
        return looks_like_headline(line) and looks_like_prose(below[0].strip())
    if names_an_office(line):
        # A signature stands over the page's end or the next headline, a headline over prose.
        text = next((row.strip() for row in below if row.strip()), "")
        return looks_like_prose(text) and not is_chrome_line(text)
    prompt = _PROMPT.fullmatch(line)
    if prompt is None or prompt["name"] is None or "@" in line or "//" in line:
        return False
    text = next((row.strip() for row in below if row.strip()), "")
    return looks_like_headline(line) and looks_like_prose(text)


# A credit set as a paragraph of its own in an article's markup: a label and
# a source of this many words at most ("Photo: Ministry of Energy of the
# Kyrgyz Republic"), standing where no headline can.
_CREDIT_WORDS = 10


def is_credit_paragraph(text: str) -> bool:
    """Whether an article's paragraph is a caption's credit alone ("Photo: Kabar
    / archive", "Фото: пресс-служба", "Фото 24.kg. Таалайбек Ибраев")."""
    if len(text) > MAX_CHROME_LINE or text[:1] not in "PpIiVvФфВвИи":
        return False
    if text[:1] in "ФфВвИи" and _RU_CREDIT.fullmatch(text) and text[-1] not in ".!?":
        return True
    caption = CAPTION.match(text)
    return caption is not None and (
        bool(caption["by"]) or len(caption["rest"].split()) <= _CREDIT_WORDS
    )


_RIGHTS_NOTICE = re.compile(_RIGHTS_START, re.IGNORECASE)


_PROMPT_OPENING = re.compile(_PROMPT_START, re.IGNORECASE)


def is_prompt(text: str) -> bool:
    """Whether an article's paragraph is a prompt to share, subscribe or follow
    ("Подписывайтесь на Telegram-канал Kun.uz — …", "Follow Gazeta.uz on Telegram")."""
    if len(text) > MAX_CHROME_LINE or text[:1] not in _PROMPT_INITIALS:
        return False
    return _PROMPT_OPENING.match(text) is not None or _PROMPT.fullmatch(text) is not None


def is_rights_notice(text: str) -> bool:
    """Whether an article's paragraph is the page's copyright or reprint notice."""
    if len(text) > MAX_CHROME_LINE:
        return False
    if _RIGHTS_NOTICE.match(text) is not None:
        return True
    return _RIGHTS.search(text) is not None and _rights_line(text)


_NAME_CHARS = 40


def _rights_line(text: str) -> bool:
    """Whether ``text``, which speaks of rights, is a notice of them: it bears the
    sign, or is too short to be a sentence about them."""
    found = _RIGHTS.search(text)
    return (
        "\u00a9" in text
        or len(text.split()) <= _RIGHTS_WORDS
        or _RIGHTS.match(text) is not None  # "Все права защищены. Любое использование …"
        # After the outlet's name: "Central Asia Wire. All rights reserved. …"
        or (
            found is not None
            and found.start() <= _NAME_CHARS
            and text[: found.start()].rstrip()[-1:] == "."
        )
    )


# What a caption's label credits, not shows: a source ("пресс-служба МЧС",
# "Reuters", "kabar.kg", "Kabar / archive") or a person ("Анастасия Бенгард").
_CREDIT = re.compile(
    r"(?:(?:из|с|со|от|from)\s+)?(?:\S+\s+)?(?:источник\w*|архив\w*|соцсет\w*|пресс-служб\w*|сайт\w*|страниц\w*"
    r"|телеграм\w*|скриншот\w*|кадр\w*|press\s+service|archive|handout|screenshot)(?:\s+\S+){0,5}"
    # "24.kg. Kiosks on Chui Avenue": the source, then what the photo shows.
    rf"|(?:{_DOMAIN}|{_LATIN_NAME})(?:\s*/.*|\.\s.{{2,120}})?|.+\s/\s.+",
    re.IGNORECASE,
)


def credits_source(rest: str) -> bool:
    """Whether ``rest``, after a caption's label, credits a source or a person."""
    return _CREDIT.fullmatch(rest) is not None or reads_as_signature(rest)


def _dated(line: str) -> bool:
    """Whether ``line`` is a date line: "15 декабря 2025, 09:30", "Вчера, 22:40"."""
    return bool(line) and (read_date_line(line) is not None or relative_day(line) is not None)


def _names_a_source(rest: str) -> bool:
    """Whether ``rest``, after "Photo by" or "courtesy of", names a source and no more."""
    words = rest.rstrip(".").split()
    return len(words) <= _SOURCE_WORDS and all(
        not word[0].isalpha() or word[0].isupper() or word.lower() in _SOURCE_JOINERS
        for word in words
    )
