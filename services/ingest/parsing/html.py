"""HTML pages: the ticker bar, the page date and the articles of a news page.

Lexbor (through selectolax) builds the tree: it is fast, follows the HTML
Standard, expands no external entities and never touches the network. Every
CSS query walks the whole tree, so the page is read with a handful of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import date
from itertools import accumulate, pairwise
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import (
    LexborDocumentOptions,
    LexborHTMLParser,
    LexborNode,
    SelectolaxError,
)

from .articles import Draft, build_articles
from .ceiling import (
    address_space_ceiling,
    memory_given_back,
    release_free_memory,
    tree_budget,
)
from .clean import strip_forbidden
from .dates import parse_date_line, parse_iso_date, parse_iso_datetime
from .model import ParsedArticle, ParsedPage, ParseError, Quote
from .notes import Notes
from .single import first_heading, read_single
from .structured import PageFacts, page_facts
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
# Readers' comments under a story are not part of it, whatever their markup:
# WordPress's <div id="comments" class="comments-area"> holding an
# <ol class="comment-list">, a <section class="comments">, or a lone
# <div class="comment-content">. Whole class names only, so that a story in
# category-commentary stays.
_COMMENTS = "#comments, .comments, .comments-area, .comment-list, .comment-content"
# Each selector in a list costs a test of every element, so roles are matched
# as one [role] and sorted out here, with the headers.
_CHROME = "header, [role], [hidden]"
_ARTICLE_CHROME = "[role], [hidden]"
_CHROME_ROLES = frozenset({"navigation", "complementary", "contentinfo", "banner", "search"})
# The page's stories: outermost <article>s (comments and related items nested
# in a story are not stories) that are not themselves chrome or inside it
# (a hidden draft, a "related" sidebar, the page header, readers' comments).
# The query checks the ancestors in C, cheaper than walking up from Python.
_NOT_STORY = ", ".join(
    ["header", "[hidden]", _COMMENTS, *(f'[role="{role}"]' for role in sorted(_CHROME_ROLES))]
)
_STORIES = f"article:not(article *):not(:is({_NOT_STORY})):not(:is({_NOT_STORY}) *)"
_TICKER_BOX = (
    'marquee, [class*="ticker" i], [id*="ticker" i], [class*="marquee" i], [id*="marquee" i]'
)
# Outermost ticker containers only: a bar, its lists and its items all match.
_TICKER_CONTAINERS = f":is({_TICKER_BOX}):not(:is({_TICKER_BOX}) *)"
_HEADINGS = frozenset({"h1", "h2", "h3"})
# A <time> inside an SVG drawing or a <noscript> is not the page's.
_TIME = "time:not(:is(svg, noscript, template) *)"
_TIME_TEXTS_READ = 8
_BLOCK_TAGS = frozenset({"p", "blockquote", "li"})
_BLOCKS = "p, blockquote, li"
# A new block closes an open <p> unless one of these stands between them (the
# HTML Standard's "button scope", less what lives only inside a table or a
# formula, and SVG's, gone with the drawings). The block queries fetch them
# too, so that a <p> is checked for blocks inside it only where one can be.
_PARAGRAPH_SCOPE = frozenset({"button", "table", "object", "marquee", "applet", "math"})
_SCOPE_LIST = ", ".join(sorted(_PARAGRAPH_SCOPE))
_BLOCK_QUERY = f"{_BLOCKS}, {_SCOPE_LIST}"
_ARTICLE_FLOW = f"h1, h2, h3, p, blockquote, li, {_SCOPE_LIST}"
_ARTICLE_PARTS = f"h1, h2, h3, p, blockquote, li, time, {_SCOPE_LIST}"
# The "/KZT" of a currency pair: a literal first character keeps the scan fast.
_PAIR_SECOND_HALF = re.compile(rb"/\s*[A-Z]{3}\b")
_URL_SCHEMES = frozenset({"", "http", "https"})

# Building the tree takes time quadratic in nesting depth (the HTML
# Standard's scope checks walk the stack of open elements): 100,000 nested
# elements take Lexbor about 14 s, and a 5 MB page of them would take hours.
# Browsers cap the depth; news pages nest a few dozen levels. So a page that
# may nest deeper than this is measured first and refused if it does.
MAX_DEPTH = 2_000
# ...but only a page with many tags can cost much: with at most this many
# ("<" counted at memchr speed) even the deepest nesting builds in about
# 0.3 s, less than measuring a typical 250 kB page would cost every time.
UNCHECKED_TAGS = 16_384
# Attributes end at the next "<" too, so no tag can make the scan go back
# over the rest of the page.
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
# Elements that never hold others, or that close their predecessor.
_FLAT = frozenset(
    b"area base br col embed hr img input link meta source track wbr p li dt dd option "
    b"tr td th thead tbody tfoot rt rp".split()
)
# A quick upper bound on that depth: every start tag of an element that is
# not flat counts, even if self-closing or cut short, and only an end tag that
# certainly is one (no "/" before its ">") counts back. Real pages come out a
# few levels above their depth; reading just the tag names, one ``findall``
# costs a fraction of walking ``_TAG`` in Python.
_BOUND_TAG = re.compile(rb"<(/[A-Za-z][A-Za-z0-9-]*+(?=[^<>/]*+>)|[A-Za-z][A-Za-z0-9-]*+)")


def parse_html(body: bytes) -> ParsedPage:
    """Parse an HTML page given as UTF-8 bytes free of forbidden characters.

    (``clean_utf8`` makes them; Lexbor parses bytes twice as fast as a str.)
    """
    if len(body) > UNCHECKED_TAGS:
        tags = body.count(b"<")
        if tags > UNCHECKED_TAGS:
            _check_depth(body, tags)
    with memory_given_back():
        page = _Page(body)
        page_date, quotes, articles = page.read()
        if not page.single and (not quotes or page_date is None):
            # The first tree is gone by now; the second takes its memory.
            page_date, quotes = _read_whole_page(body, page_date, quotes)
        if not articles:
            page.notes.warn("no article found")
        return ParsedPage(
            page_date=page_date,
            articles=articles,
            quotes=unique_quotes(quotes),
            diagnostics=page.notes.diagnostics(),
        )


def _read_whole_page(
    body: bytes, page_date: date | None, quotes: list[Quote]
) -> tuple[date | None, list[Quote]]:
    """Fill in the quotes or the date from a fresh tree of the whole page.

    For a page with no ticker bar outside its menus and sidebars, or no
    <time>: read as a person sees it, chrome included (one more parse, only
    for such pages).
    """
    whole = _Page(body)
    _drop_invisible(whole.tree)
    body_text = whole._text(whole.tree.body or whole.tree.root, separator="\n")
    if not quotes:
        if _may_hold_ticker_bar(body):
            quotes = list(whole._ticker_bar_quotes())
        if not quotes:
            quotes = list(whole._ticker_line_quotes(body_text))
    if page_date is None:
        page_date = whole._fallback_date(body_text)
    return page_date, quotes


def _build_tree(source: bytes) -> LexborHTMLParser:
    budget = tree_budget(len(source))
    with address_space_ceiling(budget) as bounded:
        try:
            # Without the mutation events, which only mirror a <select>'s
            # chosen <option> into <selectedcontent>: 3% less parse time.
            return LexborHTMLParser(source, options=LexborDocumentOptions.WO_EVENTS)
        except (SelectolaxError, MemoryError):
            if not bounded:
                raise ParseError("the page's markup could not be parsed") from None
    release_free_memory()
    raise ParseError(
        f"the page's markup builds a document tree of more than {budget // 2**20:,} MB, "
        f"over {budget // max(len(source), 1):,} bytes for each byte of the page; "
        "no news page does"
    )


def _drop_invisible(holder: LexborHTMLParser | LexborNode) -> None:
    """Drop what is never seen from the whole tree or from under one node."""
    holder.strip_tags(_INVISIBLE, recursive=True)
    # On the whole tree a tag lookup, which skips the CSS engine's cost per query.
    breaks = holder.tags("br") if isinstance(holder, LexborHTMLParser) else holder.css("br")
    for br in breaks:
        # A line break separates words; dropped, it would glue them together.
        br.replace_with(" ")


def _may_hold_ticker_bar(body: bytes) -> bool:
    lowered = body.lower()
    return b"ticker" in lowered or b"marquee" in lowered


def _check_depth(body: bytes, tags: int | None = None) -> None:
    """Refuse a page that may nest deeper than MAX_DEPTH; ``tags`` is its count of "<"."""
    # The number of start tags bounds the depth, and two C-speed counts bound
    # that; only a page with more could be too deep and pays for measuring.
    # (End tags are about half of all tags, so they are counted only when
    # that could be enough.)
    if tags is None:
        tags = body.count(b"<")
    if tags <= MAX_DEPTH or (tags <= 2 * MAX_DEPTH and tags - body.count(b"</") <= MAX_DEPTH):
        return
    # A big page: first the bound. With S the running sum of its steps, the
    # depth (which an end tag never takes below zero) is at most the highest
    # S less the lowest S or zero.
    tokens = _BOUND_TAG.findall(body)
    steps = list(map(_DEPTH_STEPS.get, tokens))
    if None in steps:
        # Tag names not seen before: remembered, up to a point (a page may be
        # made of nothing but new names).
        new = set(tokens).difference(_DEPTH_STEPS)
        fits = len(_DEPTH_STEPS) + len(new) <= _DEPTH_STEPS_KEPT
        table = _DEPTH_STEPS if fits else dict(_DEPTH_STEPS)
        table.update((token, _depth_step(token)) for token in new)
        steps = list(map(table.__getitem__, tokens))
    sums = list(accumulate(steps))
    if max(sums, default=0) - min(0, min(sums, default=0)) <= MAX_DEPTH:
        return
    # Over the bound (a page of self-closing or unfinished tags, or a deep
    # one): walk the tags to know, and to say where.
    depth = deepest = 0
    for match in _TAG.finditer(body):
        closing, name, self_closing = match.groups()
        if name.lower() in _FLAT or self_closing:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    raise ParseError(
                        f"the page nests elements more than {MAX_DEPTH:,} levels deep "
                        f"(at byte offset {match.start()}); no news page does"
                    )


_DEPTH_STEPS: dict[bytes, int] = {}
_DEPTH_STEPS_KEPT = 4096


def _depth_step(token: bytes) -> int:
    closing = token.startswith(b"/")
    if (token[1:] if closing else token).lower() in _FLAT:
        return 0
    return -1 if closing else 1


class _Page:
    def __init__(self, source: bytes) -> None:
        self.source = source
        self.tree = _build_tree(source)
        self.ancestry = _Ancestry()
        # A single-article page is read whole from one tree.
        self.single = False
        self.notes = Notes()

    def read(self) -> tuple[date | None, list[Quote], tuple[ParsedArticle, ...]]:
        """The page date, the ticker bars' quotes and the stories, as far as this tree tells.

        Reads the tree destructively: menus, sidebars and chrome are dropped as it goes.
        """
        tree = self.tree
        body = tree.body
        if body is None:  # Lexbor always builds one; this keeps the types honest
            return None, [], ()
        # The first <time> usually lives in the page header; a first-match
        # query costs next to nothing.
        page_date = self._time_element_date()
        facts = page_facts(tree)
        if facts.single_article:
            if page_date is None and (facts.published or facts.modified):
                page_date = (facts.published or facts.modified).date()
            return page_date, *self._read_single(facts)
        # Menus, sidebars, footers and forms hold most of a news page's
        # elements, and every pass below walks what is left of the tree.
        # (A ticker bar inside them is found by the whole-page pass in
        # parse_html, and only when no other bar is: a page with bars both
        # there and elsewhere gives the quotes of the others.)
        tree.strip_tags(_CHROME_TAGS, recursive=True)
        _drop_invisible(tree)
        quotes = list(self._ticker_bar_quotes())
        articles = self._take_article_elements()
        if not articles:
            self._drop_chrome(tree.body or body)
            articles = self._from_headings(body) or self._from_blocks(body)
        return page_date, quotes, articles

    def _read_single(self, facts: PageFacts) -> tuple[list[Quote], tuple[ParsedArticle, ...]]:
        """A page that says it is one article: its main content, by block scoring."""
        self.single = True
        tree = self.tree
        heading = first_heading(tree)
        _drop_invisible(tree)
        # Nothing is dropped from this tree, so ticker bars in menus and
        # sidebars are found in it; ticker lines only where a pair may be
        # named (the page's text costs more to build than this scan).
        quotes = list(self._ticker_bar_quotes())
        if not quotes and _PAIR_SECOND_HALF.search(self.source):
            quotes = list(self._ticker_line_quotes(self._text(tree.body, separator="\n")))
        single = read_single(tree, facts, heading)
        self.notes = single.notes
        if single.draft is None:
            return quotes, ()
        return quotes, build_articles([single.draft], require_paragraphs=True)

    def _text(self, node: LexborNode, separator: str = "") -> str:
        text = node.text(separator=separator)
        # Lexbor expands character references, and a numeric one can spell a
        # character XML forbids (&#1;, &#xFFFE;); the source was clean.
        return strip_forbidden(text)

    @functools.cached_property
    def base(self) -> str | None:
        """The page's <base href>, read only for a relative link: most links are absolute."""
        # A tag lookup, not a CSS query: the first query on a page pays for
        # setting up the selector engine.
        hrefs = (node.attributes.get("href") for node in self.tree.tags("base"))
        href = strip_forbidden(next((href.strip() for href in hrefs if href), ""))
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
        # The first <time> nearly always says it, and a first-match query stops
        # there instead of walking the whole page.
        first = self.tree.css_first(_TIME)
        if first is None:
            return None
        when = self._date_of(first, read_text=True)
        if when is not None:
            return when
        # Each <time>'s text holds the text of any <time> nested in it, so
        # only the first few are read; the rest say it with datetime= or not.
        found = (
            self._date_of(node, read_text=index < _TIME_TEXTS_READ)
            for index, node in enumerate(self.tree.css(_TIME)[1:], 1)
        )
        return next(filter(None, found), None)

    def _date_of(self, node: LexborNode, *, read_text: bool) -> date | None:
        when = parse_iso_date(node.attributes.get("datetime") or "")
        if when is not None or not read_text:
            return when
        # Read before the page's invisible elements and line breaks are dealt
        # with: the same, for this element only (and only if it has any
        # elements inside; nearly always it holds just text).
        if next(node.iter(), None) is not None:
            _drop_invisible(node)
        return parse_date_line(self._text(node))

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

    def _drop_chrome(self, scope: LexborNode, *, within_article: bool = False) -> None:
        # Matches come in document order, where a node's descendants follow
        # it, and once for each selector they match: taken once each, last
        # first, none is touched after it or an ancestor has been freed.
        comments = {
            node.mem_id: node for node in scope.css(_COMMENTS) if node.mem_id != scope.mem_id
        }
        for node in reversed(comments.values()):
            node.decompose()
        # Inside a story a <header> holds its title, never the site's menus.
        query = _ARTICLE_CHROME if within_article else _CHROME
        doomed = {
            node.mem_id: node
            for node in scope.css(query)
            # A query matches its scope too; the scope is never dropped here.
            if node.mem_id != scope.mem_id and self._is_chrome(node)
        }
        for node in reversed(doomed.values()):
            node.decompose()

    def _is_chrome(self, node: LexborNode) -> bool:
        # A page header holds the site menus; an article's own header its title.
        if node.tag == "header" and not self.ancestry.inside(node, "article"):
            return True
        attributes = node.attributes
        return "hidden" in attributes or (attributes.get("role") or "").strip() in _CHROME_ROLES

    def _blocks(self, scope: LexborNode) -> list[str]:
        nodes = scope.css(_BLOCK_QUERY)
        return [self._text(node) for node in self._leaf_blocks(nodes, [n.tag for n in nodes])]

    def _leaf_blocks(self, nodes: list[LexborNode], tags: list[str | None]) -> list[LexborNode]:
        """The blocks among ``nodes`` (whose tags are ``tags``) holding text themselves.

        ``nodes`` come from a query that also fetched ``_PARAGRAPH_SCOPE``.

        A <blockquote> or <li> wrapping <p>s is a container: the inner blocks
        are the paragraphs. Matches come in document order, so a block
        contains others exactly when the next block is inside it. Even a <p>
        can, though only through an element that stops a new block from
        closing it (a <button>, or a table in a page without a doctype):
        were its text taken, each block's would hold all the blocks nested
        in it, and thousands nested would cost time quadratic in them.
        """
        blocks = [(node, tag) for node, tag in zip(nodes, tags, strict=True) if tag in _BLOCK_TAGS]
        nesting_paragraphs = not _PARAGRAPH_SCOPE.isdisjoint(tags)
        return [
            node
            for i, (node, tag) in enumerate(blocks, 1)
            if i == len(blocks)
            or (tag == "p" and not nesting_paragraphs)
            or not self.ancestry.contains(node, blocks[i][0])
        ]

    def _take_article_elements(self) -> tuple[ParsedArticle, ...]:
        """The stories of the page's <article> elements, which are removed once read.

        Left in place when they give no story (they may be wrappers whose
        headings the fallbacks read).
        """
        elements = self.tree.css(_STORIES)
        for element in elements:
            self._drop_chrome(element, within_article=True)
        articles = self._from_article_elements(elements)
        if articles:
            for element in elements:
                element.decompose()
        return articles

    def _from_article_elements(self, elements: list[LexborNode]) -> tuple[ParsedArticle, ...]:
        drafts = []
        for element in elements:
            # One query per article, sorted out here: each query walks the subtree.
            parts = element.css(_ARTICLE_PARTS)
            tags = [node.tag for node in parts]
            first = next((i for i, tag in enumerate(tags) if tag in _HEADINGS), None)
            if first is None:
                continue
            heading = parts[first]
            published = None
            if "time" in tags:
                stamps = (node.attributes.get("datetime") for node in parts if node.tag == "time")
                published = next(filter(None, map(parse_iso_datetime, filter(None, stamps))), None)
            paragraphs = [self._text(node) for node in self._leaf_blocks(parts, tags)]
            drafts.append(
                Draft(self._text(heading), paragraphs, self._heading_url(heading), published)
            )
        # A heading with nothing under it is a section label or a teaser link.
        return build_articles(drafts, require_paragraphs=True)

    def _from_headings(self, body: LexborNode) -> tuple[ParsedArticle, ...]:
        scope = body.css_first("main") or body
        flow = scope.css(_ARTICLE_FLOW)
        tags = [node.tag for node in flow]
        leaves = {node.mem_id for node in self._leaf_blocks(flow, tags)}
        # A heading holding another heading (broken markup) is no title: its
        # text would hold everything nested in it. What follows it until the
        # next heading belongs to no story.
        headings = [node for node, tag in zip(flow, tags, strict=True) if tag in _HEADINGS]
        wrappers = {
            outer.mem_id
            for outer, inner in pairwise(headings)
            if self.ancestry.contains(outer, inner)
        }
        drafts: list[tuple[LexborNode, list[str]]] = []
        current: list[str] | None = None
        for node, tag in zip(flow, tags, strict=True):
            if tag in _HEADINGS:
                current = None
                if node.mem_id not in wrappers:
                    current = []
                    drafts.append((node, current))
            elif current is not None and node.mem_id in leaves:
                current.append(self._text(node))
        return build_articles(
            (
                Draft(self._text(heading), paragraphs, self._heading_url(heading))
                for heading, paragraphs in drafts
            ),
            require_paragraphs=True,
        )

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
            scheme = urlsplit(href).scheme
            if not scheme and self.base:
                # Only a relative link needs the page's base (kept as published
                # without one).
                href = urljoin(self.base, href)
                scheme = urlsplit(href).scheme
        except ValueError:
            return None
        # javascript: and data: links are not article addresses, and a feed
        # reader must never be handed one.
        return href if scheme.lower() in _URL_SCHEMES else None


class _Ancestry:
    """Depths and enclosing tags of nodes, remembered by node.

    Walking up from every node of a deeply nested page would take time
    quadratic in its depth (10,000 nested lists are a few kilobytes); with
    each node's answer remembered, every node is visited once.
    """

    def __init__(self) -> None:
        self._depth: dict[int, int] = {}
        self._within: dict[tuple[int, str], bool] = {}

    def depth(self, node: LexborNode) -> int:
        path = []
        current: LexborNode | None = node
        while current is not None and current.mem_id not in self._depth:
            path.append(current.mem_id)
            current = current.parent
        depth = -1 if current is None else self._depth[current.mem_id]
        for mem_id in reversed(path):
            depth += 1
            self._depth[mem_id] = depth
        return self._depth[node.mem_id]

    def inside(self, node: LexborNode, tag: str) -> bool:
        """Whether an ancestor of ``node`` is a ``tag`` element."""
        # Remembered per node: whether it is a ``tag`` element or inside one.
        path = []
        current = node.parent
        while current is not None and (current.mem_id, tag) not in self._within:
            path.append(current)
            current = current.parent
        within = False if current is None else self._within[(current.mem_id, tag)]
        for ancestor in reversed(path):
            within = within or ancestor.tag == tag
            self._within[(ancestor.mem_id, tag)] = within
        parent = node.parent
        return parent is not None and self._within[(parent.mem_id, tag)]

    def contains(self, outer: LexborNode, inner: LexborNode) -> bool:
        """Whether ``inner`` is a descendant of ``outer``."""
        steps = self.depth(inner) - self.depth(outer)
        current: LexborNode | None = inner
        for _ in range(steps):
            current = current.parent if current is not None else None
        return steps > 0 and current is not None and current.mem_id == outer.mem_id


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
