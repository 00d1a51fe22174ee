"""A site's own lines among its stories' text: its navigation ("More news",
"Ещё новости"), its menus set apart by bars, its share buttons, its notices
and its promotions. None is any story's text."""

from __future__ import annotations

import re

from .bylines import byline_authors

# A site's navigation line standing alone at a page's end: "More news", "All
# news »", "Most read", "Ещё новости", "Все новости", "Читать далее" ("Главные
# новости", "Latest news" over a page's stories are its section's name).
_NAV_LINE = re.compile(
    r"(?:(?:more|all|other|related|ещё|еще|все|другие)\s+"
    r"(?:news|stories|articles|новости|материалы|статьи)"
    r"|most\s+(?:read|popular|viewed)|самое\s+(?:читаемое|популярное)|популярное"
    r"|see\s+all|show\s+more|load\s+more|back\s+to\s+top|наверх|показать\s+(?:ещё|еще)"
    r"|читать\s+(?:далее|дальше|полностью)|our\s+standards\s*:.*)"
    r"\s*[»›→>]*",
    re.IGNORECASE,
)
SITE_LINE_WORDS = 8
_YEAR_SIGN = re.compile(r"\b(?:19|20)\d\d\b")
# A menu of three items or more set apart by bars, each a few words and no sentence.
_BAR_MENU = re.compile(r"[^|.!?]{1,30}(?:\s\|\s[^|.!?]{1,30}){2,}")


_HASHTAGS = re.compile(r"(?:#[^\W\d_][\w\-]*\s*){1,12}")
# A line of an issue's contents: its title, dot leaders and its page.
_CONTENTS_LINE = re.compile(r".{3,120}?\s*(?:\.{4,}|…{2,}|(?:\.\s){3,})\s*\d{1,3}")
_COUNTER = re.compile(r"\d{1,2}\s?/\s?\d{1,2}")
_VIEWS = re.compile(r"\d{1,3}(?:[.,]\d)?\s?[KkMmКкМм]")
# A site's address among a footer's parts: "www.ubherald.example".
_ADDRESS = re.compile(r"(?:https?://)?(?:www\.)?[\w\-]+(?:\.[\w\-]+)+/?")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_FOOTER_PART_CHARS = 40


def is_bar_menu(line: str) -> bool:
    """Whether ``line`` is a menu of three items or more set apart by bars, or
    a footer's row of them with the site's or a mail address among them
    ("www.ubherald.example | Subscriptions: 7011-2233 | Page 3 of 16")."""
    if "|" not in line:
        return False
    if _BAR_MENU.fullmatch(line) is not None:
        return True
    parts = [part.strip() for part in line.split(" | ")]
    return (
        len(parts) >= 3
        and all(0 < len(part) <= _FOOTER_PART_CHARS for part in parts)
        and any(_ADDRESS.fullmatch(part) or _EMAIL.fullmatch(part) for part in parts)
    )


# A video's promotion: "WATCH: … (video, 2:14)", "ВИДЕО: … (2:14)".
_VIDEO_PROMO = re.compile(
    r"(?:watch|смотрите|видео)\s*:.{5,120}\((?:video,?\s*)?\d{1,2}:\d{2}\)", re.IGNORECASE
)
# The outlet's terms for its text and its words about itself, after its stories:
# "Перепечатка материалов допускается только с разрешения редакции", "АРКА © 2025.
# Использование материалов …", "OC Media is an independent … outlet …",
# "Нравится материал? Поддержите «Фергану»!", "Follow Daryo on Telegram: @daryo".
_TERMS = re.compile(
    # "Материалы ленты предназначены для подписчиков агентства", "For subscribers only".
    r"материалы\s+(?:ленты|агентства|сайта|издания)\s+предназначены\b.{0,160}"
    r"|(?:for\s+(?:the\s+use\s+of\s+)?subscribers\s+only)\b.{0,160}"
    r"|(?:(?:перепечатка|копирование|использование|воспроизведение)\s+(?:\S+\s+){0,2}?материалов"
    r"|(?:reproduction|reprinting|republication)\s+of\s+(?:\S+\s+){0,2}?(?:materials?|content))"
    r"\b.{0,80}?(?:ссылк|разрешени|permission|consent|attribution)"
    r"|[^\s©]+(?:\s[^\s©]+){0,2}\s©\s*(?:19|20)\d\d",
    re.IGNORECASE,
)
# What ``_ABOUT`` needs, looked for first: its pattern tries each word of a line.
_ABOUT_WORDS = ("ndependent", "NDEPENDENT", "profit", "PROFIT", "езависим", "ЕЗАВИСИМ")
# The first letters ``_TERMS`` opens with, but for "… © 2025" (told by its sign).
_TERMS_INITIALS = frozenset("ПпКкИиВвРрRrМмFf")
_ABOUT = re.compile(
    r"[\w.\-«»]+(?:\s[\w.\-«»]+){0,3}\s(?:is|—|-)\s(?:an?\s)?"
    r"(?:independent|non-profit|nonprofit|независимое)\b.{0,80}?"
    r"\b(?:news|media|outlet|organi[sz]ation|newsroom|издание|сми|агентство)\b.{0,160}",
    re.IGNORECASE,
)
_SUPPORT = re.compile(
    r"(?:(?:нравится|понравился)\s+материал\?\s*)?поддержите\s+\S.{0,60}"
    r"|(?:like\s+this\s+(?:story|article)\?\s*)?support\s+(?:us|our\s+\w+|independent\s+\w+)\b.{0,60}"
    r"|follow\s+[A-Z][\w.\-]{1,30}\s+on\s+(?:telegram|x|twitter|facebook|instagram|whatsapp)\b.{0,60}",
    re.IGNORECASE,
)
# A pitch for a subscription in the middle of a story's text.
_PITCH = re.compile(
    r"\b(?:click|tap)\s+here\s+to\s+subscribe\b|\bsubscribe\s+for\s+full\s+access\b",
    re.IGNORECASE,
)
# A row of share buttons: "Facebook  Twitter  Email  Print", "Поделиться: Telegram
# WhatsApp ВКонтакте", two of the networks' names or more and nothing else.
_SHARE_BUTTON = (
    r"(?:facebook|twitter|x|email|e-mail|print|comments?|telegram|whatsapp|viber|vk|вконтакте|linkedin"
    r"|reddit|messenger|одноклассники|ok|threads|instagram|copy\s+link|копировать\s+ссылку)"
)
_SHARE_ROW = re.compile(
    rf"(?:(?:share|поделиться)\s*:?\s*)?{_SHARE_BUTTON}(?:\s*[|,·•/]?\s*{_SHARE_BUTTON})+"
    rf"|share(?:\s*[|,·•/]?\s*{_SHARE_BUTTON})+",
    re.IGNORECASE,
)


# A list's pages: "« Previous  1  2  3  …  148  Next »", "Page 2 of 14",
# "Показано 1–3 из 2 418 | Следующая страница →".
_PAGINATION = re.compile(
    r"(?:[«‹←<]\s*)?(?:previous|prev|назад|предыдущая)\b[\s\d.…|]*(?:next|далее|вперёд|вперед"
    r"|следующая)\b.{0,12}"
    r"|(?:page|страница)\s+\d+\s+(?:of|из)\s+\d[\d\s,]*"
    r"|(?:showing|показано)\s+\d+\s*[–-]\s*\d+\s+(?:of|из)\s+\d[\d\s\u00a0,]*(?:\|.{0,30})?",
    re.IGNORECASE,
)
# A print page's jump: "Continued on page 5", "Продолжение на стр. 4".
_JUMP = re.compile(
    r"(?:(?:continued|cont'd|story\s+continues)\s+(?:on|from)|see)\s+(?:page|p\.)\s*[A-Z]?\d+"
    r"|(?:продолжение|окончание|начало)\s+на\s+(?:стр\.|странице|с\.)\s*\d+",
    re.IGNORECASE,
)
# Wire copy's credits closing a story: "(Editing by …)", "(Reporting by the
# Bishkek bureau; Editing by …)". One naming its reporters is a byline.
_CREDITS = re.compile(
    r"\(?\s*(?:additional\s+)?(?:reporting|writing|written|editing|edited|compiled|translated"
    r"|translation|graphics)\s+by\s+(?-i:[A-ZА-ЯЁ])[^().!?]{1,160}\)?",
    re.IGNORECASE,
)
# Where a wire file or a digest ends: "END OF DAILY FILE", "-30-", "КОНЕЦ ВЫПУСКА".
_END_MARK = re.compile(
    r"END|-30-|END\s+OF\s+(?:THE\s+)?(?:DAILY\s+|WEEKLY\s+|EVENING\s+)?(?:FILE|FEED|TRANSMISSION|DIGEST|ROUNDUP"
    r"|NEWSLETTER|ISSUE|REPORT|BULLETIN)|КОНЕЦ\s+(?:ВЫПУСКА|ЛЕНТЫ|ДАЙДЖЕСТА|СООБЩЕНИЯ)"
)
# A newsletter's words to its readers: its greeting, its sign-off, its links.
_LETTER = re.compile(
    r"(?:(?:good\s+(?:morning|afternoon|evening)|hello|hi\s+there|dear\s+(?:readers?|subscribers?"
    r"|friends|colleagues)|доброе\s+утро|добрый\s+(?:день|вечер)|здравствуйте|уважаемые\s+"
    r"(?:читатели|подписчики|коллеги))\s*[.,!]|that['’]?s\s+(?:all|it)\s+for\s+(?:today|now|this\s+week)"
    r"|на\s+сегодня\s+(?:всё|все|это\s+всё)|до\s+(?:завтра|встречи|новых\s+встреч)"
    r"|see\s+you\s+(?:tomorrow|next\s+week)|forward\s+this\s+(?:e-?mail|newsletter)"
    r"|you\s+(?:are\s+)?receiv(?:ed|ing)\s+this\s+(?:e-?mail|newsletter|message)"
    r"|вы\s+получ(?:или|аете)\s+(?:это\s+)?(?:письмо|рассылку)"
    r"|отправлено\s+из\s+приложения|sent\s+from\s+(?:my|the)\s|скачать\s+приложение"
    r"|download\s+(?:the|our)\s+app"
    r"|not\s+(?:yet\s+)?subscribed(?:\s+yet)?\s*\?|(?:unsubscribe|отписаться|отказаться\s+от\s+рассылки)"
    r"|view\s+(?:this\s+e-?mail\s+)?in\s+(?:your\s+)?browser|открыть\s+в\s+браузере)"
    r"(?:\b|(?<=[?.,!])).{0,160}",
    re.IGNORECASE,
)
# A print paper's imprint: "Газета выходит по средам и субботам. Подписной
# индекс 68845.", "Тираж 5 000 экз.", "Главный редактор: …".
_IMPRINT = re.compile(
    r"(?:газета\s+выходит|подписной\s+индекс|тираж\s+\d|учредитель\s*:|главный\s+редактор\s*:"
    r"|subscription\s+index|circulation\s*:?\s+\d|editor-in-chief\s*:)",
    re.IGNORECASE,
)
_IMPRINT_CHARS = 160
# A page's place in its site, from the home page: "Главная / Пресс-центр /
# Пресс-релизы", "Home › News › Economy".
_BREADCRUMB = re.compile(
    r"(?:главная|home|басты\s+бет|bosh\s+sahifa|башкы\s+бет)\s*[/›»>→|]\s*[^.!?]{1,100}",
    re.IGNORECASE,
)
# A bulletin's transcript's note: "This transcript has been edited for clarity.
# Audio is available at …".
_TRANSCRIPT_NOTE = re.compile(
    r"(?:this\s+transcript\s+has\s+been\s+(?:edited|condensed)|audio\s+is\s+available\s+at"
    r"|стенограмма\s+(?:отредактирована|сокращена))",
    re.IGNORECASE,
)
# The office a notice is signed by ("Пресс-служба Кабинета министров …",
# "Отдел по связям с общественностью", "Press service of the Ministry …"), and
# its contacts ("Тел.: (+994 12) 493-11-22 | press@…", "Media contact: …").
_PRESS_OFFICE = re.compile(
    r"(?:пресс-служба|пресс-центр|отдел\s+по\s+связям\s+с\s+общественностью"
    r"|управление\s+по\s+связям\s+с\s+общественностью"
    r"|(?:information\s+and\s+)?press\s+(?:service|office|centre|center|department)"
    r"|public\s+relations\s+(?:department|office))"
    r"\b[^.!?,]{0,80}\.?",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"(?:тел|tel|phone|телефон|факс|fax|e-?mail|media\s+contacts?|контакты\s+для\s+сми)\.?\s*:.{1,100}",
    re.IGNORECASE,
)


# A label over a release's contacts, each on a line of its own under it.
_CONTACTS_LABEL = re.compile(
    r"(?:(?:media|press|investor|analyst)\s+(?:contacts?|relations|enquiries|inquiries)"
    r"|for\s+(?:more|further)\s+information(?:,?\s+(?:please\s+)?contact)?|contacts?"
    r"|контакты(?:\s+для\s+(?:сми|прессы))?|контактная\s+информация|для\s+справок)\s*:",
    re.IGNORECASE,
)


def opens_contacts(line: str) -> bool:
    """Whether ``line`` is a label alone over a press release's contacts."""
    return line[-1:] == ":" and _CONTACTS_LABEL.fullmatch(line) is not None


def names_an_office(line: str) -> bool:
    """Whether ``line`` is the office a notice is signed by; a headline over
    prose may open so too ("Пресс-служба президента опровергла слухи"),
    which the caller tells by what stands under it."""
    return line[:1] in "ПпОоУуPpIi" and _PRESS_OFFICE.fullmatch(line) is not None


# The first words the lines ``_is_furniture`` tells open with, lower-cased,
# less brackets and stops ("(Editing" is "editing", "« Previous" is ""): a
# line opening otherwise (most of a page's) costs one lookup, not a pattern each.
_FURNITURE_FIRST_WORDS = frozenset((
    "previous", "prev", "назад", "предыдущая", "page", "страница", "showing", "показано", "тел",
    "tel", "phone", "телефон", "факс", "fax", "email", "e-mail", "media", "контакты",
    "контактная", "continued", "cont'd", "story", "see", "продолжение", "окончание", "начало",
    "end", "30", "конец", "good", "hello", "hi", "dear", "доброе", "добрый", "здравствуйте",
    "уважаемые", "that's", "that’s", "that", "на", "до", "forward", "not", "unsubscribe",
    "отписаться", "отказаться", "view", "открыть", "you", "вы", "главная", "home", "басты",
    "bosh", "башкы", "газета", "подписной", "тираж", "учредитель", "главный", "subscription",
    "circulation", "editor-in-chief", "пресс-служба", "пресс-центр", "отдел", "управление",
    "press", "public", "information", "this", "audio", "investor", "analyst", "for", "contact",
    "отправлено", "sent", "скачать", "download",
    "contacts", "для", "additional",
    "reporting", "writing", "written", "editing", "edited", "compiled", "translated",
    "translation", "graphics",
    "",
))  # fmt: skip


def _opens_as_furniture(line: str) -> bool:
    first = line[:24].split(maxsplit=1)
    return bool(first) and first[0].strip("(«‹←<.:,!?-").lower() in _FURNITURE_FIRST_WORDS


def _is_furniture(line: str) -> bool:
    """Whether ``line`` is a list's pages, a notice's contacts or office, a
    print page's jump or imprint, a wire file's end or credits, a letter's
    words to its readers or a breadcrumb."""
    if _PAGINATION.fullmatch(line) or _CONTACT.fullmatch(line) or _JUMP.fullmatch(line):
        return True
    if line[:1] in "E-К" and _END_MARK.fullmatch(line) is not None:
        return True
    if _LETTER.fullmatch(line) is not None or _BREADCRUMB.fullmatch(line) is not None:
        return True
    if len(line) <= _IMPRINT_CHARS and _IMPRINT.search(line) is not None:
        return True
    if names_an_office(line) or opens_contacts(line):
        return True
    if _TRANSCRIPT_NOTE.match(line) is not None:
        return True
    return _CREDITS.fullmatch(line) is not None and not byline_authors(line)


def is_site_line(line: str) -> bool:
    """Whether ``line`` (stripped, short) is one of the site's own lines."""
    if _SHARE_ROW.fullmatch(line) is not None:
        return True
    words = len(line.split())
    if words <= SITE_LINE_WORDS and _NAV_LINE.fullmatch(line) is not None:
        return True  # "More news", "Ещё новости", "Most read"
    if words <= SITE_LINE_WORDS and "\u00a9" in line and _YEAR_SIGN.search(line) is not None:
        return True  # "Eurasianet © 2026"
    if ("ubscri" in line or "UBSCRI" in line) and _PITCH.search(line) is not None:
        return True  # "Enjoying this article? Click here to subscribe …"
    if is_bar_menu(line):
        return True  # "About us | Advertising | Contacts"
    if _opens_as_furniture(line) and _is_furniture(line):
        return True
    if (line[:1] in _TERMS_INITIALS or "\u00a9" in line) and _TERMS.match(line) is not None:
        return True
    if _SUPPORT.fullmatch(line) is not None:
        return True
    if any(word in line for word in _ABOUT_WORDS) and _ABOUT.fullmatch(line) is not None:
        return True
    if line[0] == "#" and _HASHTAGS.fullmatch(line) is not None:
        return True  # "#Kabul #Environment": a post's tags
    if line[-1].isdigit() and ("...." in line or "\u2026\u2026" in line or ". . ." in line) and (
        _CONTENTS_LINE.fullmatch(line) is not None
    ):
        return True  # "Business: Oyu Tolgoi output ramps up ........ 6": the contents
    if line[0].isdigit() and (_VIEWS.fullmatch(line) or _COUNTER.fullmatch(line)):
        return True  # "4.1K" (after its 👁): a post's views; "1/3", a card's place
    if line in ("--", "-- ", "—"):
        return True  # an e-mail's signature separator
    return line[-1:] == ")" and _VIDEO_PROMO.fullmatch(line) is not None
