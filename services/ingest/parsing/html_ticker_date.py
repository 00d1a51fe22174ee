"""What an HTML page says besides its stories: the ticker's quotes and the page date."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import accumulate

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .dates import MAX_DATE_LINE, YEAR, parse_date_line, parse_iso_date
from .html_tree import drop_invisible, node_text
from .model import Quote
from .relative_days import RELATIVE_WORDS, relative_day
from .ticker import TickerLines, find_quotes

_TICKER_BOX = (
    'marquee, [class*="ticker" i], [id*="ticker" i], [class*="marquee" i], [id*="marquee" i]'
)
# Outermost ticker containers only: a bar, its lists and its items all match.
_TICKER_CONTAINERS = f":is({_TICKER_BOX}):not(:is({_TICKER_BOX}) *)"
# A <time> inside an SVG drawing or a <noscript> is not the page's.
_UNSEEN_HOLDERS = ("svg", "noscript", "template")
_UNSEEN_HOLDER_IDS = frozenset(
    LexborHTMLParser("").create_node(name).tag_id for name in _UNSEEN_HOLDERS
)
_TIME_TEXTS_READ = 8
# What ``str.splitlines`` ends a line at (a line it keeps ends with one, or "\r\n").
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# The "/KZT" of a currency pair: a literal first character keeps the scan fast.
_PAIR_SECOND_HALF = re.compile(r"/\s*[A-Z]{3}")
# ...and its rate's first digit after it (see ``ticker._ITEM``).
_QUOTE_START = re.compile(r"/\s*[A-Z]{3}(?:\s*=\s*|\s+)[0-9]")
# A card's stamp naming its day from the page's ("Вчера 18:40", "Today, 09:15")
# starts a line of the text: a literal line break first keeps the scan fast.
_RELATIVE_WORD = re.compile(
    r"\n[ \t]*(?:"
    + "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}|{w.upper()}" for w in RELATIVE_WORDS)
    + ")"
)
# Where a bare relative word ("Today", no time) is a card's stamp: a story's
# block. In a menu, a page header or a link it is a section's name.
_STORY_BLOCK = re.compile(r"card|story|post|news|item|teaser|entry", re.IGNORECASE)
_NOT_A_STAMP_TAGS = frozenset(("nav", "header", "menu", "a", "footer", "button"))
_NOT_A_STAMP_CLASS = re.compile(r"nav|menu|header|masthead", re.IGNORECASE)


def may_show_pair(text: str) -> bool:
    """Whether ``text`` holds the second half of a currency pair ("/KZT").

    Every quote names a pair, so a page whose text (its elements' texts
    joined by white space) holds none has no quote in any of its elements:
    a search of the text at C speed spares the ticker bars' query, which
    tests every element's class and id.
    """
    return _PAIR_SECOND_HALF.search(text) is not None


def may_show_quote(tree: LexborHTMLParser, body_text: str) -> bool:
    """Whether any element of ``tree`` may hold a quote, told from ``body_text`` (the
    body's texts joined by line breaks) and the head's text.

    Every quote ("KGS/USD = 0.01144") holds a pair's second half and its
    rate's first digit, and the flattened text of an element (a ticker bar)
    holds no word that the page's text does not: those texts joined by
    white space hold one of its quotes only where the page's do. A page that
    names a pair without a rate (an "AP/NBC" credit, a "/FAQ" path) is
    spared the ticker bars' query, which tests every element's class and id
    and takes as long as reading the page's whole text.
    """
    head = tree.head
    text = body_text if head is None else node_text(head, separator="\n") + "\n" + body_text
    return _QUOTE_START.search(text) is not None


def ticker_bar_quotes(tree: LexborHTMLParser) -> Iterator[Quote]:
    """The quotes in the page's ticker bars (marquees, elements named ticker or marquee)."""
    # Inside a ticker bar a quote may be split over spans ("<b>KGS/USD</b>
    # = 0.01144"), so the bar's flattened text is searched as a whole.
    for node in tree.css(_TICKER_CONTAINERS):
        yield from find_quotes(node_text(node, separator=" "))


def ticker_line_quotes(body_text: str) -> Iterator[Quote]:
    """The quotes on lines of ``body_text`` that hold nothing but ticker text."""
    # Without a ticker bar, an element whose whole text is ticker text
    # counts (a quote mentioned inside a sentence does not): "KGS/USD =
    # 0.01144 0%", or a rates box's "USD/KZT 512,30 +0,2%" lines.
    # Visiting just the lines around a pair's "/" keeps this pass at C speed.
    tickers = TickerLines()
    position = body_text.find("/")
    while position != -1:
        start = body_text.rfind("\n", 0, position) + 1
        end = body_text.find("\n", position)
        if end == -1:
            end = len(body_text)
        found = tickers.parse(body_text[start:end].strip())
        if found:
            yield from found
        position = body_text.find("/", end)


def time_element_date(times: Sequence[LexborNode]) -> date | None:
    """The date of the first of the page's <time>s that tells one, of those
    outside an SVG drawing, a <noscript> or a <template> (``times``: all of
    them, in document order, as ``tree.tags("time")`` gives them); None when
    one naming its day from the page's ("Сегодня, 14:30") comes before it."""
    # The first <time> nearly always says it. Each <time>'s text holds the
    # text of any <time> nested in it, so only the first few are read; the
    # rest say it with datetime= or not. Whether a <time> is seen is asked
    # of those whose text is read and of those that tell a date: most pages
    # have a few <time>s, and a selector excluding the unseen ones would
    # test every element of the page.
    read = 0
    for node in times:
        if read < _TIME_TEXTS_READ:
            if _unseen(node):
                continue
            read += 1
            when = _date_of(node, read_text=True)
            if when is None and relative_day(node_text(node)) is not None:
                # "Сегодня, 14:30" before the first dated <time>: a list newest
                # first, later than that older card's day (as ``fallback_date``).
                return None
        else:
            when = _date_of(node, read_text=False)
            if when is not None and _unseen(node):
                continue
        if when is not None:
            return when
    return None


def _unseen(node: LexborNode) -> bool:
    """Whether ``node`` is inside an SVG drawing, a <noscript> or a <template>."""
    current = node.parent
    while current is not None:
        if current.tag_id in _UNSEEN_HOLDER_IDS:
            return True
        current = current.parent
    return False


def _date_of(node: LexborNode, *, read_text: bool) -> date | None:
    when = parse_iso_date(node.attributes.get("datetime") or "")
    if when is not None or not read_text:
        return when
    # Read before the page's invisible elements and line breaks are dealt
    # with: the same, for this element only (and only if it has any
    # elements inside; nearly always it holds just text).
    if next(node.iter(), None) is not None:
        drop_invisible(node)
    return parse_date_line(node_text(node))


def fallback_date(tree: LexborHTMLParser, body_text: str) -> date | None:
    """The first date line of ``body_text``, else the date of the page's meta tags.

    None when a line naming its day from the page's ("Вчера 18:40", "Today")
    stands before that date line: a list of stories newest first whose first
    stamps are relative (a front page's cards) is later than its first dated
    stamp, an older card's, and its own day is not told."""
    # Every date line has a four-digit year: one scan of the whole text finds
    # the lines that have one (a few of a page's), each by where its year
    # stands among the lines' ends, instead of a search of every line (a
    # call each, a fifth of the time). A year never spans lines (no line
    # break is a digit), so every line holding one is met, in order.
    lines = body_text.splitlines(keepends=True)
    ends = list(accumulate(map(len, lines)))
    last = -1
    for year in YEAR.finditer(body_text):
        index = bisect_right(ends, year.start())
        if index == last:
            continue
        last = index
        line = lines[index]
        if len(line) <= MAX_DATE_LINE + 2:  # a longer line is no date line
            when = parse_date_line(line.rstrip(_LINE_BREAKS))
            if when is not None:
                start = ends[index] - len(line)
                return None if _relative_day_before(tree, body_text, start) else when
    meta = tree.css_first(
        'meta[property="article:published_time"], meta[itemprop="datePublished"], meta[name="date"]'
    )
    return parse_iso_date(meta.attributes.get("content") or "") if meta is not None else None


def _relative_day_before(tree: LexborHTMLParser, body_text: str, end: int) -> bool:
    """Whether a line of ``body_text`` before ``end`` is a stamp naming a day
    relative to the page's: with a time ("Вчера 18:40"), or alone in a
    story's block, never a menu's, a page header's or a link's "Today"."""
    first = body_text.find("\n")
    lines = [body_text[: first if 0 <= first < end else end].strip()]
    for word in _RELATIVE_WORD.finditer(body_text, 0, end):
        stop = body_text.find("\n", word.end())
        lines.append(body_text[word.start() + 1 : len(body_text) if stop == -1 else stop].strip())
    for line in lines:
        stamp = relative_day(line)
        if stamp is not None and (stamp["hour"] is not None or _in_story_block(tree, line)):
            return True
    return False


def _in_story_block(tree: LexborHTMLParser, line: str) -> bool:
    """Whether the text ``line`` stands in a story's block (an <article>, a
    card) and in no menu, page header or link. Asked only of a bare "Today"
    above a date line, which few pages print."""
    if tree.body is None:
        return False
    for node in tree.body.traverse(include_text=True):
        if node.tag != "-text" or (node.text_content or "").strip() != line:
            continue
        current = node.parent
        in_block = False
        while current is not None and current.tag != "body":
            attributes = current.attributes
            classes = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
            if current.tag in _NOT_A_STAMP_TAGS or _NOT_A_STAMP_CLASS.search(classes):
                in_block = False
                break
            in_block = in_block or current.tag == "article" or bool(_STORY_BLOCK.search(classes))
            current = current.parent
        if in_block:
            return True
    return False
