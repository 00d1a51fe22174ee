"""HTML pages: the ticker bar, the page date and the articles of a news page."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .articles import build_article
from .clean import strip_forbidden
from .dates import parse_date_line, parse_iso_date, parse_iso_datetime
from .model import ParsedArticle, ParsedPage, Quote
from .text import article_lines
from .ticker import find_quotes, parse_ticker_line, unique_quotes

# Never visible, so never content, and their text would confuse every later step.
_INVISIBLE = ["script", "style", "noscript", "template", "iframe", "object", "embed", "svg"]
# Site chrome around the articles: menus, sidebars ("Most read"), footers, forms.
_CHROME_TAGS = ["nav", "aside", "footer", "form", "dialog", "button", "select", "textarea"]
_CHROME_ROLES = (
    '[role="navigation"], [role="complementary"], [role="contentinfo"], '
    '[role="banner"], [role="search"], [hidden], [aria-hidden="true"]'
)
_TICKER_CONTAINERS = (
    'marquee, [class*="ticker" i], [id*="ticker" i], [class*="marquee" i], [id*="marquee" i]'
)
_HEADINGS = frozenset({"h1", "h2", "h3"})
_BLOCKS = "p, blockquote, li"
_ARTICLE_FLOW = "h1, h2, h3, p, blockquote, li"
_URL_SCHEMES = frozenset({"", "http", "https"})


def parse_html(text: str) -> ParsedPage:
    """Parse a decoded HTML page (see ``decode_body``)."""
    tree = LexborHTMLParser(text)
    base = _base_url(tree)
    tree.strip_tags(_INVISIBLE, recursive=True)
    for br in tree.css("br"):
        # A line break separates words; dropped, it would glue them together.
        br.replace_with(" ")
    body = tree.body
    lines = _text_lines(body) if body is not None else []
    quotes = _ticker_quotes(tree, lines)
    page_date = _page_date(tree, lines)
    _drop_chrome(tree)
    articles: tuple[ParsedArticle, ...] = ()
    if body is not None:
        articles = (
            _from_article_elements(body, base) or _from_headings(body, base) or _from_blocks(body)
        )
    return ParsedPage(page_date=page_date, articles=articles, quotes=quotes)


def _base_url(tree: LexborHTMLParser) -> str | None:
    node = tree.css_first("base[href]")
    href = (node.attributes.get("href") or "").strip() if node is not None else ""
    parts = urlsplit(href) if href else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return href


def _text_lines(body: LexborNode) -> list[str]:
    text = strip_forbidden(body.text(separator="\n"))
    return [line for line in (raw.strip() for raw in text.splitlines()) if line]


def _ticker_quotes(tree: LexborHTMLParser, lines: list[str]) -> tuple[Quote, ...]:
    quotes: list[Quote] = []
    # Inside a ticker bar a quote may be split over spans ("<b>KGS/USD</b> =
    # 0.01144"), so the bar's flattened text is searched as a whole.
    for node in tree.css(_TICKER_CONTAINERS):
        quotes.extend(find_quotes(node.text(separator=" ")))
    # Elsewhere only an element whose whole text is ticker text counts.
    for line in lines:
        found = parse_ticker_line(line)
        if found:
            quotes.extend(found)
    return unique_quotes(quotes)


def _page_date(tree: LexborHTMLParser, lines: list[str]) -> date | None:
    for node in tree.css("time"):
        when = parse_iso_date(node.attributes.get("datetime") or "") or parse_date_line(
            strip_forbidden(node.text()).strip()
        )
        if when is not None:
            return when
    for line in lines:
        when = parse_date_line(line)
        if when is not None:
            return when
    meta = tree.css_first(
        'meta[property="article:published_time"], meta[itemprop="datePublished"], meta[name="date"]'
    )
    return parse_iso_date(meta.attributes.get("content") or "") if meta is not None else None


def _drop_chrome(tree: LexborHTMLParser) -> None:
    tree.strip_tags(_CHROME_TAGS, recursive=True)
    doomed = tree.css(_CHROME_ROLES)
    # A page header holds the site menus; an article's own header holds its title.
    doomed.extend(n for n in tree.css("header") if not _has_ancestor(n, "article"))
    # Descendants after ancestors, so no node is touched after its parent is freed.
    doomed.sort(key=_depth, reverse=True)
    for node in doomed:
        node.decompose()


def _depth(node: LexborNode) -> int:
    depth = 0
    parent = node.parent
    while parent is not None:
        depth += 1
        parent = parent.parent
    return depth


def _has_ancestor(node: LexborNode, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _node_text(node: LexborNode) -> str:
    # Entities such as &#1; can still produce characters XML forbids.
    return strip_forbidden(node.text())


def _is_container(node: LexborNode) -> bool:
    # A <blockquote> or <li> wrapping <p>s: the inner blocks are the
    # paragraphs. (A <p> can never contain another block.)
    return node.tag != "p" and len(node.css(_BLOCKS)) > 1


def _heading_url(heading: LexborNode, base: str | None) -> str | None:
    link = heading.css_first("a[href]")
    if link is None:
        parent = heading.parent
        link = parent if parent is not None and parent.tag == "a" else None
    if link is None:
        return None
    href = strip_forbidden(link.attributes.get("href") or "").strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href) if base else href
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    # javascript: and data: links are not article addresses, and a feed
    # reader must never be handed one.
    return url if scheme in _URL_SCHEMES else None


def _published(article: LexborNode) -> datetime | None:
    node = article.css_first("time[datetime]")
    return parse_iso_datetime(node.attributes.get("datetime") or "") if node is not None else None


def _from_article_elements(body: LexborNode, base: str | None) -> tuple[ParsedArticle, ...]:
    found = []
    for element in body.css("article"):
        if _has_ancestor(element, "article"):
            continue  # comments and related items nested in a story
        heading = element.css_first("h1, h2, h3")
        if heading is None:
            continue
        paragraphs = [_node_text(node) for node in element.css(_BLOCKS) if not _is_container(node)]
        article = _article(
            _node_text(heading),
            paragraphs,
            url=_heading_url(heading, base),
            published=_published(element),
        )
        if article is not None:
            found.append(article)
    return tuple(found)


def _from_headings(body: LexborNode, base: str | None) -> tuple[ParsedArticle, ...]:
    scope = body.css_first("main") or body
    drafts: list[tuple[LexborNode, list[str]]] = []
    for node in scope.css(_ARTICLE_FLOW):
        if node.tag in _HEADINGS:
            drafts.append((node, []))
        elif drafts and not _is_container(node):
            drafts[-1][1].append(_node_text(node))
    built = (
        _article(_node_text(heading), paragraphs, url=_heading_url(heading, base))
        for heading, paragraphs in drafts
    )
    return tuple(article for article in built if article is not None)


def _from_blocks(body: LexborNode) -> tuple[ParsedArticle, ...]:
    # No <article> and no headings: the paragraphs may still read like a
    # plain-text page, a headline line followed by prose.
    blocks = [
        text
        for node in body.css(_BLOCKS)
        if not _is_container(node) and (text := _node_text(node).strip())
    ]
    return article_lines(blocks)


def _article(
    title: str, paragraphs: list[str], *, url: str | None, published: datetime | None = None
) -> ParsedArticle | None:
    article = build_article(title, paragraphs, url=url, published=published)
    # A heading with nothing under it is a section label or a teaser link.
    return article if article is not None and article.paragraphs else None
