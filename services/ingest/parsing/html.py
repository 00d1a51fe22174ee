"""HTML pages: the ticker bar, the page date and the articles of a news page.

Lexbor (through selectolax) builds the tree: it is fast, follows the HTML
Standard, expands no external entities and never touches the network. Every
CSS query walks the whole tree, so the page is read with a handful of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .articles import build_article
from .clean import strip_forbidden
from .dates import parse_date_line, parse_iso_date, parse_iso_datetime
from .model import ParsedArticle, ParsedPage, Quote
from .text import article_lines
from .ticker import TickerLines, find_quotes, unique_quotes

# Never visible, so never content; an icon's <svg><title> would otherwise end
# up inside a headline.
_INVISIBLE = ["script", "style", "noscript", "template", "svg"]
# Site chrome around and inside articles: menus, sidebars ("Most read"),
# footers with share links, forms. A page-level <header> holds the site menus
# too, but an article's own <header> holds its title, so headers are sorted
# out separately.
_CHROME_TAGS = ["nav", "aside", "footer", "form"]
# Each selector in a list costs a walk of the tree, so roles are matched as
# one [role] and sorted out here.
_CHROME = "[role], [hidden]"
_CHROME_ROLES = frozenset({"navigation", "complementary", "contentinfo", "banner", "search"})
_TICKER_BOX = (
    'marquee, [class*="ticker" i], [id*="ticker" i], [class*="marquee" i], [id*="marquee" i]'
)
# Outermost ticker containers only: a bar, its lists and its items all match.
_TICKER_CONTAINERS = f":is({_TICKER_BOX}):not(:is({_TICKER_BOX}) *)"
_HEADINGS = frozenset({"h1", "h2", "h3"})
_BLOCKS = "p, blockquote, li"
_ARTICLE_FLOW = "h1, h2, h3, p, blockquote, li"
_ARTICLE_PARTS = "h1, h2, h3, p, blockquote, li, time"
_URL_SCHEMES = frozenset({"", "http", "https"})
# Lexbor expands character references, and a numeric one can spell a
# character XML forbids (&#1;, &#xFFFE;). The source was cleaned before
# parsing, so extracted text needs cleaning only when such a reference occurs.
# This over-matches slightly (&#9; too), which only costs a little time.
_FORBIDDEN_REFERENCE = re.compile(
    rb"&#(?:[xX]0*(?:1?[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F])"
    rb"|0*(?:[1-9]|[12][0-9]|3[01]|6553[45])(?![0-9]))"
)


def parse_html(body: bytes) -> ParsedPage:
    """Parse an HTML page given as UTF-8 bytes free of forbidden characters.

    (``clean_utf8`` makes them; Lexbor parses bytes twice as fast as a str.)
    """
    tree = LexborHTMLParser(body)
    page = _Page(tree, needs_cleaning=_FORBIDDEN_REFERENCE.search(body) is not None)
    return page.parse()


class _Page:
    def __init__(self, tree: LexborHTMLParser, *, needs_cleaning: bool) -> None:
        self.tree = tree
        self.needs_cleaning = needs_cleaning
        self.base = self._base_url()

    def parse(self) -> ParsedPage:
        tree = self.tree
        tree.strip_tags(_INVISIBLE, recursive=True)
        # Tag lookups skip the CSS engine, which costs more per query.
        for br in tree.tags("br"):
            # A line break separates words; dropped, it would glue them together.
            br.replace_with(" ")
        body = tree.body
        if body is None:  # pragma: no cover - Lexbor always builds a <body>
            return ParsedPage(page_date=None, articles=(), quotes=())
        # Read before the chrome goes: the ticker and the date usually live in
        # the page header.
        page_date = self._time_element_date()
        quotes = list(self._ticker_bar_quotes())
        if not quotes or page_date is None:
            # No ticker bar, or no <time>: look through the page's text.
            body_text = self._text(body, separator="\n")
            if not quotes:
                quotes.extend(self._ticker_line_quotes(body_text))
            if page_date is None:
                page_date = self._fallback_date(body_text)
        self._drop_chrome()
        articles = self._from_article_elements(body) or self._from_headings(body)
        if not articles:
            articles = self._from_blocks(body)
        return ParsedPage(page_date=page_date, articles=articles, quotes=unique_quotes(quotes))

    def _text(self, node: LexborNode, separator: str = "") -> str:
        text = node.text(separator=separator)
        return strip_forbidden(text) if self.needs_cleaning else text

    def _base_url(self) -> str | None:
        # A tag lookup, not a CSS query: the first query on a page pays for
        # setting up the selector engine.
        bases = self.tree.tags("base")
        href = (bases[0].attributes.get("href") or "").strip() if bases else ""
        try:
            parts = urlsplit(href)
        except ValueError:
            return None
        return href if parts.scheme in ("http", "https") and parts.netloc else None

    def _ticker_bar_quotes(self) -> Iterator[Quote]:
        # Inside a ticker bar a quote may be split over spans ("<b>KGS/USD</b>
        # = 0.01144"), so the bar's flattened text is searched as a whole.
        for node in self.tree.css(_TICKER_CONTAINERS):
            yield from find_quotes(self._text(node, separator=" "))

    def _ticker_line_quotes(self, body_text: str) -> Iterator[Quote]:
        # Without a ticker bar, an element whose whole text is ticker text
        # counts (a quote mentioned inside a sentence does not).
        # Visiting just the lines around an "=" keeps this pass at C speed.
        tickers = TickerLines()
        position = body_text.find("=")
        while position != -1:
            start = body_text.rfind("\n", 0, position) + 1
            end = body_text.find("\n", position)
            if end == -1:
                end = len(body_text)
            found = tickers.parse(body_text[start:end].strip())
            if found:
                yield from found
            position = body_text.find("=", end)

    def _time_element_date(self) -> date | None:
        for node in self.tree.tags("time"):
            when = parse_iso_date(node.attributes.get("datetime") or "") or parse_date_line(
                self._text(node)
            )
            if when is not None:
                return when
        return None

    def _fallback_date(self, body_text: str) -> date | None:
        for line in body_text.splitlines():
            when = parse_date_line(line)
            if when is not None:
                return when
        meta = self.tree.css_first(
            'meta[property="article:published_time"], meta[itemprop="datePublished"], '
            'meta[name="date"]'
        )
        return parse_iso_date(meta.attributes.get("content") or "") if meta is not None else None

    def _drop_chrome(self) -> None:
        self.tree.strip_tags(_CHROME_TAGS, recursive=True)
        doomed = [node for node in self.tree.css(_CHROME) if _is_chrome(node)]
        # A page header holds the site menus; an article's own header its title.
        doomed.extend(n for n in self.tree.tags("header") if not _has_ancestor(n, "article"))
        if len(doomed) > 1:
            # Freeing the deepest first never touches a node whose ancestor
            # is already gone.
            doomed.sort(key=_depth, reverse=True)
        for node in doomed:
            node.decompose()

    def _blocks(self, scope: LexborNode) -> list[str]:
        return [self._text(node) for node in scope.css(_BLOCKS) if not _is_container(node)]

    def _from_article_elements(self, body: LexborNode) -> tuple[ParsedArticle, ...]:
        found = []
        clean = self.needs_cleaning
        for element in self.tree.tags("article"):
            if _has_ancestor(element, "article"):
                continue  # comments and related items nested in a story
            heading: LexborNode | None = None
            published: datetime | None = None
            paragraphs: list[str] = []
            # One query per article, sorted out here: each query walks the subtree.
            for node in element.css(_ARTICLE_PARTS):
                tag = node.tag
                if tag in _HEADINGS:
                    heading = heading or node
                elif tag == "time":
                    published = published or parse_iso_datetime(
                        node.attributes.get("datetime") or ""
                    )
                elif tag == "p" or not _is_container(node):
                    paragraphs.append(strip_forbidden(node.text()) if clean else node.text())
            if heading is None:
                continue
            article = _article(
                self._text(heading),
                paragraphs,
                url=self._heading_url(heading),
                published=published,
            )
            if article is not None:
                found.append(article)
        return tuple(found)

    def _from_headings(self, body: LexborNode) -> tuple[ParsedArticle, ...]:
        scope = body.css_first("main") or body
        drafts: list[tuple[LexborNode, list[str]]] = []
        for node in scope.css(_ARTICLE_FLOW):
            if node.tag in _HEADINGS:
                drafts.append((node, []))
            elif drafts and not _is_container(node):
                drafts[-1][1].append(self._text(node))
        built = (
            _article(self._text(heading), paragraphs, url=self._heading_url(heading))
            for heading, paragraphs in drafts
        )
        return tuple(article for article in built if article is not None)

    def _from_blocks(self, body: LexborNode) -> tuple[ParsedArticle, ...]:
        # No <article> and no headings: the paragraphs may still read like a
        # plain-text page, a headline line followed by prose.
        return article_lines([text for text in map(str.strip, self._blocks(body)) if text])

    def _heading_url(self, heading: LexborNode) -> str | None:
        link = _heading_link(heading)
        if link is None:
            return None
        href = strip_forbidden(link.attributes.get("href") or "").strip()
        if not href or href.startswith("#"):
            return None
        try:
            url = urljoin(self.base, href) if self.base else href
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            return None
        # javascript: and data: links are not article addresses, and a feed
        # reader must never be handed one.
        return url if scheme in _URL_SCHEMES else None


def _has_ancestor(node: LexborNode, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _depth(node: LexborNode) -> int:
    depth = 0
    parent = node.parent
    while parent is not None:
        depth += 1
        parent = parent.parent
    return depth


def _is_chrome(node: LexborNode) -> bool:
    attributes = node.attributes
    return "hidden" in attributes or (attributes.get("role") or "").strip() in _CHROME_ROLES


def _heading_link(heading: LexborNode) -> LexborNode | None:
    parent = heading.parent
    if parent is not None and parent.tag == "a" and "href" in parent.attributes:
        return parent
    has_elements = False
    # The link is nearly always a direct child; a query is a walk of its own.
    for child in heading.iter():
        if child.tag == "a" and "href" in child.attributes:
            return child
        has_elements = True
    return heading.css_first("a[href]") if has_elements else None


def _is_container(node: LexborNode) -> bool:
    # A <blockquote> or <li> wrapping <p>s: the inner blocks are the
    # paragraphs. (A <p> never contains another block; css() matches the
    # node itself, hence "more than one".)
    return node.tag != "p" and len(node.css(_BLOCKS)) > 1


def _article(
    title: str, paragraphs: list[str], *, url: str | None, published: datetime | None = None
) -> ParsedArticle | None:
    article = build_article(title, paragraphs, url=url, published=published)
    # A heading with nothing under it is a section label or a teaser link.
    return article if article is not None and article.paragraphs else None
