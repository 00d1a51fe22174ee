"""Bylines ("By Dana Omarova", "Автор: Бакыт Асанов") and datelines ("Bishkek, March 3").

A byline names the article's authors: it is neither its title nor its first
paragraph. A dateline says where and when a story was filed and stays in its
body; a line that is only a dateline ("Bishkek, March 3") or a paragraph that
opens with one ("ASTANA — …") tells that a story starts just above it.
"""

from __future__ import annotations

import re

from .dates import MONTH_PATTERN, RU_MONTH_PATTERN, TIME_AFTER_DATE, YEAR, read_date_line

_UPPER = "A-ZА-ЯЁ"
_NAME = rf"[{_UPPER}][\w'’./\-]*"
_JOIN = r"(?:\s+|,\s*|\s+(?:and|и|&)\s+)"
_BYLINE = re.compile(
    rf"(?:By|BY|by|Author|Authors|Автор|Авторы|Текст|Muallif|Муаллиф"
    # A reporter's label: "Reporter: …, Herat", "Correspondent: …, Osh".
    rf"|Reporter|Correspondent|Корреспондент|Репортёр|Репортер"
    # Credit lines of wire copy and magazines: the reporters are the authors.
    rf"|(?:Written|Reporting|Reported|Story|Words|Text|Additional\s+reporting|Interviewed|Interview)\s+by"
    # A blog's or a CMS's credit: "Posted by …", "Published by …".
    rf"|(?:Posted|Published|Filed|Compiled)\s+by"
    # "Материал подготовила …", "Подготовил …".
    rf"|(?:Материал\s+)?[Пп]одготовил[аи]?"
    # An interview's credit: "Беседовала Зарина Ергешева".
    rf"|Беседовал[аи]?)(?:\s*:\s*|\s+[—–]\s+|\s+)"
    # Each with where they filed from: "By … in Prague and … in Dushanbe".
    rf"(?P<names>{_NAME}(?:{_JOIN}{_NAME}(?:\s+in\s+{_NAME})?){{0,8}})"
    # Where they reported from: "Reporting by … in Astana".
    rf"(?:\s+in\s+{_NAME}(?:\s+and\s+{_NAME})?)?"
    # The agency in brackets after the names: "By … (AP)", "By … (Kazinform)".
    r"(?:\s*\([^()]{2,30}\))?\s*"
    # The writer's post in lower case: "By …, economist", "By …, our correspondent".
    r"(?:,\s*[a-zа-яё][\w\-]*(?:\s+[a-zа-яё][\w\-]*){0,3}\s*)?"
    # "Reporting by …; Writing by …; Editing by …": editors are no authors, and
    # "Текст: …, фото: …" names the photographer, no author either.
    r"(?:;\s*(?:Editing|Edited|Writing|Additional\s+reporting)\s+by\s+[^;]{1,80}){0,3}"
    r"(?:[,;]\s*(?:фото|photos?|видео|video|иллюстрации|illustrations?)\s*:\s*[^;:]{1,60})?"
)
_SPLIT_NAMES = re.compile(r",\s*|\s+(?:and|и|&)\s+")
_FILED_FROM = re.compile(r"\s+in\s+.*")
# A wire agency or a newsroom a byline credits after its names ("By …,
# Reuters", "By … Associated Press"): the story's source, no person. Only
# known agencies and names that say they are a newsroom ("Trend News Agency",
# "Kyodo News"), each taken whole: "Press", "Service" or "Bloomberg" alone end
# people's names too ("By Ellen Press", "By Tom Service", "By Michael Bloomberg").
# Known agencies of two words or more, whose names end no person's.
_MULTIWORD_AGENCY = (
    r"(?:Associated\s+Press|Agence\s+France[\s\-]Presse|RIA\s+Novosti|РИА\s+Новости)"
)
_KNOWN_AGENCY = (
    rf"(?:{_MULTIWORD_AGENCY}|Reuters|Bloomberg|Xinhua|Interfax|Интерфакс|Sputnik|Anadolu"
    r"|Kazinform|Казинформ|Kabar|Кабар|AKIpress|24\.kg|Dunyo|Дунё|Asia-Plus|Азия-Плюс|RFE/RL)"
)
_NEWSROOM = (
    r"(?:News(?:\s+(?:Agency|Service))?|Newswire|(?:Press|Information)\s+(?:Agency|Service))"
)
_NAMED_NEWSROOM = rf"(?:[\w.\-]+\s+{_NEWSROOM}|{_KNOWN_AGENCY}\s+(?:Agency|{_NEWSROOM}))"
# A part of its own (the names split at commas and "and"), which is no
# person's name: an agency, a short name in capitals ("AP", "TASS") or a
# publication ("The Diplomat", "The Times of Central Asia").
_AGENCY_NAME_ALONE = re.compile(
    rf"(?:the\s+)?(?:{_NAMED_NEWSROOM}|{_KNOWN_AGENCY})|[A-ZА-ЯЁ]{{2,5}}|The\s.+"
)
# An agency's name right after a person's, with no comma ("Nabi Aliev
# Associated Press"): one of two words or more, which ends no person's name.
_AGENCY_AFTER = re.compile(rf"(?<=\S)\s+(?:the\s+)?(?:{_NAMED_NEWSROOM}|{_MULTIWORD_AGENCY})$")
MAX_BYLINE = 120
# Words after "By" that say when, not who: "By Monday, the talks had failed"
# (whatever follows). A month is a first name too (April, June, May): only a
# month standing alone ("By March") says when.
_WHEN = frozenset((
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "Today", "Tomorrow", "Yesterday", "Tonight", "Noon", "Midnight", "Now", "Then",
    "Dawn", "Morning", "Evening", "Night", "Christmas", "Easter", "Ramadan", "Nowruz", "Navruz",
))  # fmt: skip
_MONTHS = frozenset((
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
))  # fmt: skip


def names_a_time(name: str) -> bool:
    """Whether a byline's first "name" is a day or a time: "By Monday", "By March"."""
    first, _, rest = name.partition(" ")
    return first in _WHEN or (not rest and first in _MONTHS)


_DAY_MONTH = (
    rf"(?:{MONTH_PATTERN}\s+\d{{1,2}}|\d{{1,2}}\s+(?:{MONTH_PATTERN}|{RU_MONTH_PATTERN}))"
    r"(?:,?\s+\d{4})?"
)
# "Baku, Azerbaijan, December 4. ©Trend:": a country after the place, and the
# agency's credit after the day.
_DATELINE_LINE = re.compile(
    rf"(?P<place>[{_UPPER}][\w'’.\-]*(?:[ \-][{_UPPER}][\w'’.\-]*){{0,2}}),\s+"
    rf"(?:[{_UPPER}][\w'’\-]+,\s+)?{_DAY_MONTH}{TIME_AFTER_DATE}"
    r"(?:\.\s*\u00a9\s*[^\s:]{2,30}\s*:)?\s*",
    re.IGNORECASE,
)
# "ASTANA — …", "ALMATY, March 3 (Reuters) - …", "ТАШКЕНТ, 3 марта — …", and
# with the agency: "ASTANA (Kazinform) - …", "ASTANA. KAZINFORM – …",
# "DUSHANBE, December 4, 2026, Asia-Plus -- …".
_DATELINE_OPENING = re.compile(
    rf"[{_UPPER}]{{3,}}(?:[ \-][{_UPPER}]{{3,}})*"
    rf"(?:\s+\([^()]{{2,30}}\)|\.\s+[{_UPPER}][\w.\-]{{2,30}}|,[^—–]{{1,40}})?"
    r"\s+(?:[—–]|--?)\s"
)
MAX_DATELINE = 60
# Where and through whom, with no day: "Bishkek, 24.kg news agency", "BISHKEK
# (Kabar)", "Ташкент, ИА «Дунё»". A dateline's kind: it stays in the story. The
# place is capitalised, the agency is named by words that are no lower-case
# ones or by a site's address, "news agency" is in lower case, and a bracket
# follows a place in capitals alone and holds no label: "Inflation Slows
# (Chart)", "NATO (Updated)" and "China Launch Joint News Agency" are headlines.
_PLACE = rf"[{_UPPER}][\w'’\-]+(?:[ \-][{_UPPER}][\w'’\-]+){{0,2}}"
_CAPS_PLACE = rf"[{_UPPER}]{{3,}}(?:[ \-][{_UPPER}]{{3,}}){{0,2}}"
# An agency's name: a word that is no lower-case one ("AKIpress", "24.kg"), or a
# site's address ("kaktus.media", "tengrinews.kz").
_AGENCY_NAME = r"(?:[^\s,!?a-zа-яё][^\s,!?]*|[a-z0-9\-]+(?:\.[a-z]{2,}){1,2})"
# What a headline puts in brackets after a word in capitals: no agency.
_LABELS = (
    r"updated?|live|video|photos?|chart|map|explainer|analysis|opinion|interview|poll|"
    r"обновлено|видео|фото|инфографика|мнение|интервью"
)
_AGENCY_LINE = re.compile(
    # "news agency" in lower case: "China Launch Joint News Agency" is a headline.
    rf"(?:{_PLACE},\s+(?:{_AGENCY_NAME}\s+){{0,3}}(?:news\s+agency|информационное\s+агентство)"
    rf"|{_PLACE},\s+ИА\s+[^,.!?]{{2,30}}"
    rf"|{_CAPS_PLACE}\s+\((?!(?i:{_LABELS})\))[^()]{{2,30}}\))\s*"
)
# The place and the agency of a credit line ("Astana, Kazinform").
_PLACE_AGENCY = re.compile(rf"{_PLACE},\s+{_AGENCY_NAME}(?:\s+{_AGENCY_NAME})?")
# A credit line: where and for whom, then who: "Bishkek, 24.kg news agency, by
# Anastasia Bengard", "TASHKENT (Kun.uz) — by Dilnoza Azimova". What stands
# before "by" must be a dateline or a place and an agency, and a credit ends
# without a full stop: "The law was vetoed on Friday, by President Japarov."
# and "The Path of Abai, by Mukhtar Auezov" are prose and a title.
# A dateline may close with a full stop before "By", and the agency follow the
# names: "Baku, Azerbaijan, December 4. By Nargiz Sadikhova – Trend:".
_CREDIT = re.compile(
    rf"(?P<credit>[^\n]{{2,80}}?)(?:,\s*|\.\s+|\s+[—–-]\s+)(?:by|By|BY)\s+"
    rf"(?P<names>{_NAME}(?:{_JOIN}{_NAME}){{0,4}})"
    rf"(?:\s+[—–-]\s+{_AGENCY_NAME}(?:\s+{_AGENCY_NAME}){{0,2}}\s*:)?\s*"
)


# A name alone at a story's end, as many outlets sign: a first name and a
# surname ("Айгерим Сейткали"), or with a patronymic ("Ерлан Болатович Смагулов").
_SIGNATURE = re.compile(
    r"(?-i:[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?)"
    r"(?:\s+(?-i:[А-ЯЁ][а-яё]+(?:ович|евич|ич|овна|евна|ична|инична)))?"
    r"\s+(?-i:[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?)"
)


def reads_as_signature(line: str) -> bool:
    """Whether ``line`` is a person's name alone, as a story's end is signed."""
    return len(line) <= MAX_BYLINE and _SIGNATURE.fullmatch(line) is not None


def signs_story(line: str) -> bool:
    """Whether ``line``, set apart at a story's end, is its author's name: a
    Russian one only, as an English subheading in title case ("Market
    Reaction") has a name's shape too, where a Russian one is in sentence case.
    The writer's post and town may follow ("Мадина Холова, соб. корр., Худжанд")."""
    if line.isascii() or len(line) > MAX_BYLINE:
        return False
    name, comma, post = line.rstrip(".").partition(",")
    if not reads_as_signature(name):
        # A surname in capitals, as papers print it: "Бакыт ОСМОНОВ."
        words = name.split()
        if len(words) != 2 or not words[1].isupper() or not reads_as_signature(
            f"{words[0]} {words[1].capitalize()}"
        ):
            return False
    return not comma or _POST_AND_TOWN.fullmatch(post) is not None


def signature_name(line: str) -> str:
    """The name a signature gives (``signs_story``), less the writer's post and town."""
    return line.rstrip(".").partition(",")[0].strip()


# A correspondent's post after a signature's name, and the town filed from.
_POST_AND_TOWN = re.compile(
    r"\s*(?:(?:соб\.\s*корр\.|собкор|спецкор|спец\.\s*корр\.|корреспондент|наш\s+корр\.)"
    r"(?:,\s*(?-i:[А-ЯЁ][а-яё\-]+(?:\s+[А-ЯЁ][а-яё\-]+)?))?"
    # Or the town alone: "Ерлан Касымов, Актобе".
    r"|(?-i:[А-ЯЁ][а-яё\-]+(?:-[А-ЯЁ][а-яё]+)?))\s*",
    re.IGNORECASE,
)


def byline_authors(line: str) -> tuple[str, ...] | None:
    """The authors a byline line names, or ``None`` when ``line`` is no byline."""
    found = _byline(line)
    if found is None:
        return None
    names = [_FILED_FROM.sub("", name).strip() for name in _SPLIT_NAMES.split(found[0]["names"])]
    if len(names) > 1 and " " not in names[-1] and line[:1] in "RCКР":
        names.pop()  # "Reporter: Zahra Rahimi, Herat": the town filed from
    return tuple(person for person in map(_person, names) if person)


_STAMP_PARTS = re.compile(r"\s*[|\u00b7\u2022]\s*")


def stamp_authors(line: str) -> tuple[str, ...]:
    """The authors a story's stamp line in parts names beside its date
    ("Добавлено: 02.03.2026 в 21:14 | Автор: Марина Щербакова | Просмотров: 1 907")."""
    if "|" not in line and "\u00b7" not in line and "\u2022" not in line:
        return ()
    return tuple(name for part in _STAMP_PARTS.split(line) for name in byline_authors(part) or ())


def byline_day(line: str) -> str | None:
    """The day a byline gives after its names ("By … | March 5, 2026"), as written."""
    found = _byline(line)
    return None if found is None else found[1]


# Where a byline's names end and its day or reading time begins: "By … | March
# 5, 2026", "By …, 05.03.2026 10:15", "By … on March 5, 2026", "Автор: …, 5
# марта 2026", "By … · 3 min read".
_AFTER_NAMES = re.compile(r"\s*[,|·•]\s*|\s+[—–-]\s+|\s+on\s+")
_READING_TIME = re.compile(r"\d{1,3}\s*(?:min(?:ute)?s?|мин(?:ут[аы]?)?\.?)\s+(?:read|чтения)")
# Where a day may start after a space alone: "Mar 3, 2026", "3 марта 2025", "03.03.2026".
_DAY_START = re.compile(
    r"\s+(?=[A-Z][a-z]{2,8}\.?\s+\d{1,2}\b|\d{1,2}\s+[^\W\d_]{3,}\.?\s+\d{4}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d\d-\d\d)"
)
# "Posted on March 5, 2026 by …": the day first.
_DAY_FIRST = re.compile(r"(?:Posted|Published)\s+(?:on\s+)?(?P<day>.{6,40}?)\s+by\s+(?P<rest>.+)")


def _byline(line: str) -> tuple[re.Match[str], str | None] | None:
    """A byline's match, and the day it gives after or before its names."""
    if len(line) > MAX_BYLINE:
        return None
    if line[:1] == "(" and line[-1:] == ")":
        line = line[1:-1].strip()  # "(Reporting by …; Editing by …)" closing wire copy
    match = _BYLINE.fullmatch(line) if line[:1] in _BYLINE_INITIALS else None
    if match is not None:
        return match, None
    if line[:1] in _BYLINE_INITIALS and any(c.isdigit() for c in line):
        for after in _AFTER_NAMES.finditer(line):
            tail = line[after.end() :]
            reading_time = _READING_TIME.fullmatch(tail) is not None
            if reading_time or read_date_line(tail) is not None:
                match = _BYLINE.fullmatch(line[: after.start()])
                if match is not None:
                    return match, None if reading_time else tail
        for start in _DAY_START.finditer(line):
            # "By Peter Leonard Mar 3, 2026": the day right after the names.
            tail = line[start.end() :]
            if read_date_line(tail) is not None:
                match = _BYLINE.fullmatch(line[: start.start()])
                if match is not None:
                    return match, tail
        first = _DAY_FIRST.fullmatch(line)
        if first is not None and read_date_line(first["day"]) is not None:
            match = _BYLINE.fullmatch("By " + first["rest"])
            if match is not None:
                return match, first["day"]
    if "by " in line or "By " in line or "BY " in line:
        match = _credit(line)
        if match is not None:
            return match, None
    return None


_BYLINE_INITIALS = "BbAАТTWRSAwIБMМPFCПКР"
# A known agency's desk or service credited beside the people: "RFE/RL's Tajik Service".
_AGENCY_SERVICE = re.compile(rf"{_KNOWN_AGENCY}(?:['’]s)?\s+\S")
# What a byline puts after a name in the place of another: the writer's post
# ("By …, Staff Writer"), no person.
_POSTS = frozenset((
    "staff", "writer", "writers", "reporter", "reporters", "correspondent", "correspondents",
    "special", "senior", "chief", "contributor", "contributing", "editor", "columnist",
    "analyst", "our", "foreign", "political", "business", "economics", "desk", "news",
    "field", "coordinator", "executive", "director", "manager", "officer", "programme",
    "program", "project", "communications", "specialist", "assistant",
    "корреспондент", "собкор", "обозреватель", "редактор", "собственный", "наш",
    # The newsroom as a whole: "Автор: Редакция", "By Editorial team", "Admin".
    "редакция", "редакции", "сайта", "editorial", "team", "newsroom", "admin",
    "администратор",
))  # fmt: skip


def _person(name: str) -> str:
    """A byline's name without the agency it credits; empty for an agency alone
    or a post ("Staff Writer")."""
    if not name or _AGENCY_NAME_ALONE.fullmatch(name) is not None:
        return ""
    if all(word.lower() in _POSTS for word in name.split()):
        return ""
    if _AGENCY_SERVICE.match(name) is not None:
        return ""  # "RFE/RL's Tajik Service": the agency's desk
    after = _AGENCY_AFTER.search(name) if " " in name else None
    return name if after is None else name[: after.start()]


def _credit(line: str) -> re.Match[str] | None:
    if line.endswith("."):
        return None
    match = _CREDIT.fullmatch(line)
    if match is None:
        return None
    credit = match["credit"]
    if is_dateline(credit) or _PLACE_AGENCY.fullmatch(credit) is not None:
        return match
    return None


def is_dateline(line: str) -> bool:
    """A line that is only a place and a day ("Bishkek, March 3", "Bishkek,
    03.03.2026", "ASTANA — 3 March 2026") or a place and an agency ("Bishkek,
    24.kg news agency")."""
    if len(line) > MAX_DATELINE:
        return False
    if "," in line and _DATELINE_LINE.fullmatch(line) is not None:
        return True
    if _AGENCY_LINE.fullmatch(line) is not None:
        return True
    # "Bishkek, 03.03.2026", "ASTANA — 3 March 2026": a place before a date of
    # any shape a date line has (a date alone is a date line, not a dateline);
    # a comma or a dash first, as most lines have neither.
    return (
        ("," in line or "-" in line or "\u2014" in line or "\u2013" in line or "|" in line)
        and YEAR.search(line) is not None
        and read_date_line(line, page_head=True) is not None
        and read_date_line(line) is None
    )


# A wire agency's dateline, its place in any case, its day, then the agency:
# "Алматы. 3 марта. ИНТЕРФАКС-КАЗАХСТАН - …", "Moscow, March 3 (Reuters) - …",
# "Бишкек, 3 марта /Kabar/. …", "Ташкент, 3 марта, «Дунё». …". Without the agency
# and its dash (or its slashes or quotes), "Almaty, March 3. The government…"
# is a sentence's start.
_WIRE_OPENING = re.compile(
    rf"{_PLACE}[.,]\s+(?i:{_DAY_MONTH})"
    r"(?:\.\s+[^\s.,—–\-][^\s—–]{1,29}(?:\s[^\s—–\-]{1,29})?\s+(?:[—–]|--?)\s"
    r"|\s+\([^()]{2,30}\)\s+(?:[—–]|--?)\s"
    r"|\s+/[^/\s][^/]{1,29}/\.?\s"
    r"|,\s+«[^»]{2,30}»\.\s"
    # "Bishkek, March 3 — …": a place and a day before a long dash; "Ташкент, 15
    # марта. Сотрудники…": before a full stop and the lead's first word.
    rf"|\s+[—–]\s|\.\s+(?=[{_UPPER}«\"])"
    r")"
)


def opens_with_dateline(text: str) -> bool:
    """A paragraph opening with a dateline: "ASTANA — Kazakhstan will…"."""
    return _DATELINE_OPENING.match(text) is not None or _WIRE_OPENING.match(text) is not None
