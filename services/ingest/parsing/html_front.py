"""A news front page's stories: the walk over many articles on one page.

A page's <article> elements, else its headings with the paragraphs under
them, else its paragraphs read as plain text; site chrome dropped on the way.
"""

from __future__ import annotations

import functools
from itertools import pairwise
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .articles import build_articles, is_page_furniture
from .clean import squash_space, strip_forbidden
from .html_cards import card_drafts, in_side_box, is_link_item, may_be_leads, teaser_after
from .html_chrome import BARE_HEADINGS, OUTSIDE, note_text, note_texts
from .html_loose import MAY_HIDE, count_loose_text, may_hide
from .html_story_meta import BoxMeta, story_boxes, story_draft
from .html_story_set import STORIES, Stories, WalkedTagSet, drop_chrome, drop_story_chrome
from .html_story_url import story_url
from .html_tree import Ancestry, node_text
from .model import ParsedArticle
from .notes import Notes
from .stamp_day import StampDay
from .structured import http_url
from .text import article_lines

_HEADINGS = frozenset({"h1", "h2", "h3"})
# A story's text blocks; preformatted text (code, a poem, a table set in
# type) is part of it as much as its paragraphs.
_BLOCK_TAGS = frozenset({"p", "blockquote", "li", "pre"})
# A new block closes an open <p> unless one of these stands between them (the
# HTML Standard's "button scope", less what lives only inside a table or a
# formula, and SVG's, gone with the drawings). The block lookups fetch them
# too, so that a <p> is checked for blocks inside it only where one can be.
_PARAGRAPH_SCOPE = frozenset({"button", "table", "object", "marquee", "applet", "math"})
_BLOCK_QUERY = WalkedTagSet([*_BLOCK_TAGS, *_PARAGRAPH_SCOPE])
_ARTICLE_FLOW = WalkedTagSet([*_HEADINGS, *_BLOCK_TAGS, *_PARAGRAPH_SCOPE])
# A story's own <article> comes first (its scope is listed too): any other
# is nested in it.
_ARTICLE_PARTS = WalkedTagSet([*_HEADINGS, *_BLOCK_TAGS, "article", *_PARAGRAPH_SCOPE])
# Elements of a block looked through for the next block before walking up.
_FEW_ELEMENTS = 16
# Text left in the page once its stories are read: every heading and block.
_ALL_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LEFT_OVER = WalkedTagSet([*_ALL_HEADINGS, *_BLOCK_TAGS, *_PARAGRAPH_SCOPE])
_NOT_TEXT = frozenset({*_PARAGRAPH_SCOPE, "article"})  # fetched, but no text block


class FrontPage:
    """The stories of a page's tree, which it reads destructively."""

    def __init__(
        self, tree: LexborHTMLParser, notes: Notes | None = None, *, clean: bool = False
    ) -> None:
        """``clean``: no text in the tree holds a character XML forbids (the
        body's text, which holds every element's, was found free of them)."""
        self.tree = tree
        self._day: StampDay | None = None
        self._text = LexborNode.text if clean else node_text
        self._clean = clean
        self.ancestry = Ancestry()
        # What went into no story, by kind (see ``drop_site_chrome`` for the page's chrome).
        self.notes = notes if notes is not None else Notes()
        # The headings and blocks read into stories that stay in the tree.
        self._used: set[int] = set()
        # The texts of the headings cut with no text under them.
        self.bare: list[str] = []
        # For loose text: the <article>s taken and their blocks; times and bylines read.
        self._taken: tuple[list[LexborNode], list[list[LexborNode]]] = ([], [])
        self._meta_read: list[LexborNode] = []
        # Teasers set in a <div> beside their headings, read as their stories' text.
        self._teasers: list[LexborNode] = []
        self._hidden: list[list[LexborNode]] = []

    @functools.cached_property
    def base(self) -> str | None:
        """The page's <base href>, else the address it gives itself (its canonical
        link, its og:url): read only for a relative link, as most are absolute."""
        # A tag lookup, not a CSS query: the first query on a page pays for
        # setting up the selector engine.
        hrefs = (node.attributes.get("href") for node in self.tree.tags("base"))
        href = strip_forbidden(next((href.strip() for href in hrefs if href), ""))
        try:
            parts = urlsplit(href)
        except ValueError:
            parts = None
        if parts is not None and parts.scheme in ("http", "https") and parts.netloc:
            return href
        own = self.tree.css_first('link[rel~="canonical" i][href], meta[property="og:url" i]')
        if own is None:
            return None
        return http_url(own.attributes.get("href") or own.attributes.get("content"))

    def stories(self, body: LexborNode, day: StampDay | None = None) -> tuple[ParsedArticle, ...]:
        """The page's stories: its <article>s, else its headings, else its paragraphs.

        The tree's chrome tags and invisible elements are gone already; this
        drops more chrome as it goes. ``day``: what a card's "Вчера" counts from.
        """
        self._day = day
        articles = self._take_article_elements()
        if not articles:
            drop_chrome(self.tree.body or body, self.notes, self.ancestry)
            articles = self._from_headings(body)
            if len(articles) == 1 and may_be_leads(articles[0].paragraphs):
                articles = self._cards_under(articles[0], body) or articles
            articles = articles or self._from_card_titles(body)
            if not articles:
                self._used.clear()
                return self._from_blocks(body)
        self._count_left_over(body)
        return articles

    def _count_left_over(self, body: LexborNode) -> None:
        """Count the headings and blocks still in the page that no story took."""
        nodes, tags = _LEFT_OVER.elements(body)
        leaves = {node.mem_id for node in self._leaf_blocks(nodes, tags)}
        left: list[str] = []
        for node, tag in zip(nodes, tags, strict=True):
            counted = node.mem_id in leaves or tag in _ALL_HEADINGS
            if not counted or node.mem_id in self._used:
                continue
            text = squash_space(self._text(node))
            # A ticker bar's items and date lines are read as the page's, not left out.
            if text and not is_page_furniture(text):
                left.append(text)
        note_texts(self.notes, OUTSIDE, left)
        # Text left once every heading and block is out (in <article>s too) is in none.
        blocks = [node for node, tag in zip(nodes, tags, strict=True) if tag not in _NOT_TEXT]
        scopes, inside = [body, *self._taken[0]], [blocks, *self._taken[1]]
        read = [*self._meta_read, *self._teasers, *self.tree.tags("title")]
        hidden = [None, *self._hidden]
        count_loose_text(scopes, inside, read, self.notes, clean=self._clean, hidden=hidden)

    def _less_link_items(self, blocks: list[LexborNode]) -> list[LexborNode]:
        """``blocks`` less the list items that are one bare link each (a menu, a share
        bar, a list of headlines): never a story's line, counted as outside the stories."""
        kept = []
        for node in blocks:
            if is_link_item(node):
                note_text(self.notes, OUTSIDE, node)
            else:
                kept.append(node)
        return kept

    def _leaf_blocks(self, nodes: list[LexborNode], tags: list[str | None]) -> list[LexborNode]:
        """The blocks among ``nodes`` (whose tags are ``tags``) holding text themselves.

        ``nodes`` come from a lookup that also fetched ``_PARAGRAPH_SCOPE``.

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
            or not self._holds(node, blocks[i][0])
        ]

    def _holds(self, node: LexborNode, following: LexborNode) -> bool:
        """Whether ``following`` (later in the document) is inside ``node``."""
        # Most often it is the next item of the same list: a sibling, never
        # inside it, told without walking up to learn either's depth.
        parent = node.parent
        other = following.parent
        if parent is not None and other is not None and parent.mem_id == other.mem_id:
            return False
        # A block holds a few elements at most: looking through them costs
        # less than walking up from both to learn their depths.
        target = following.mem_id
        for seen, inner in enumerate(node.traverse()):
            if inner.mem_id == target:
                return True
            if seen == _FEW_ELEMENTS:
                return self.ancestry.contains(node, following)
        return False

    def _take_article_elements(self) -> tuple[ParsedArticle, ...]:
        """The stories of the page's <article> elements, which are removed once read.

        Left in place when they give no story (they may be wrappers whose
        headings the fallbacks read).
        """
        stories = Stories(self.tree.css(STORIES))
        drop_story_chrome(stories, self.notes, self.ancestry)
        articles = self._from_article_elements(stories)
        if articles:
            # What each hides from a reader, looked up while they are in the tree.
            self._hidden = [may_hide(found) for found in stories.query(MAY_HIDE)]
            for element in stories.elements:
                element.decompose(recursive=False)  # whole, for its loose text
        return articles

    def _from_article_elements(self, stories: Stories) -> tuple[ParsedArticle, ...]:
        drafts = []
        elements = stories.elements
        # Counted only when the elements give stories (else the fallbacks read them).
        left_out: list[tuple[str, str]] = []
        # The time and the byline each story prints (a <time datetime>, a date
        # or an author element outside its paragraphs).
        boxes, holder = [[e] for e in elements], stories.holder
        meta = BoxMeta(self.tree, holder or self.tree, boxes, self._day, holder is not None)
        blocks: list[list[LexborNode]] = []  # each one's headings and blocks
        for element, authors, published in zip(elements, meta.authors, meta.times, strict=True):
            # One lookup per article, sorted out here: each one walks the subtree.
            parts, tags = _ARTICLE_PARTS.elements(element)
            blocks.append([n for n, t in zip(parts, tags, strict=True) if t not in _NOT_TEXT])
            first = next((i for i, tag in enumerate(tags) if tag in _HEADINGS), None)
            if first is None:
                left_out.extend((OUTSIDE, self._text(n)) for n in self._leaf_blocks(parts, tags))
                continue
            heading = parts[first]
            paragraphs = self._story_text(parts, tags, first)
            if not any(map(str.strip, paragraphs)):
                left_out.append((BARE_HEADINGS, self._text(heading)))
            drafts.append(
                story_draft(
                    self._text(heading), paragraphs, self._heading_url(heading), published, authors
                )
            )
        # A heading with nothing under it is a section label or a teaser link.
        articles = build_articles(drafts, require_paragraphs=True)
        if articles:
            for kind, text in left_out:
                if text := squash_space(text):
                    self.notes.add(kind, text)
            self._taken, self._meta_read = (elements, blocks), meta.read
        return articles

    def _story_text(self, parts: list[LexborNode], tags: list[str | None], first: int) -> list[str]:
        """A story's paragraphs, its subheadings among them, from its element's ``parts``.

        ``first`` is the index of its headline in ``parts``. The headings of
        articles nested in the story (readers' comments, related items) are
        not its subheadings: with such articles, headings are left out.
        """
        leaves = self._less_link_items(self._leaf_blocks(parts, tags))
        nests_articles = tags.count("article") > 1  # its own and another
        if not any(tag in _HEADINGS for tag in tags[first + 1 :]) or nests_articles:
            return [self._text(node) for node in leaves]
        keep = {node.mem_id for node in leaves}
        # A subheading stays in its story, in order, unless a list item or a
        # quote holds it (whose text then holds it already).
        keep.update(
            node.mem_id
            for node, tag in zip(parts[first + 1 :], tags[first + 1 :], strict=True)
            if tag in _HEADINGS
            and not self.ancestry.inside(node, "li")
            and not self.ancestry.inside(node, "blockquote")
        )
        return [self._text(node) for node in parts if node.mem_id in keep]

    def _from_headings(self, body: LexborNode) -> tuple[ParsedArticle, ...]:
        scope = body.css_first("main") or body
        flow, tags = _ARTICLE_FLOW.elements(scope)
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
        # The wrappers' text is their inner headings'; never counted twice.
        self._used.update(wrappers)
        drafts: list[tuple[LexborNode, str, list[LexborNode]]] = []
        current: list[LexborNode] | None = None
        for node, tag in zip(flow, tags, strict=True):
            if tag in _HEADINGS:
                if node.mem_id in wrappers or in_side_box(node):
                    # (A side box's heading and text are counted as outside the stories.)
                    current = None
                # A heading that shows nothing (an icon's, a widget's empty
                # slot) breaks no text a reader sees: the story runs on.
                # (Only the others' texts are read: no two of them nest.)
                elif title := self._text(node).strip():
                    current = []
                    drafts.append((node, title, current))
                else:
                    self._used.add(node.mem_id)
            elif current is not None and node.mem_id in leaves:
                current.append(node)
        found = []
        boxes = story_boxes([heading for heading, _, _ in drafts], self.ancestry)
        meta = BoxMeta(self.tree, scope, boxes, self._day)
        self._meta_read = meta.read
        for k, (heading, title, blocks) in enumerate(drafts):
            # A list item that is one link and nothing else is the page's
            # (a menu, a share bar, "Read also" and its list of stories):
            # never a story's paragraph, each counted as text outside the stories.
            blocks = [node for node in blocks if not is_link_item(node)]
            if not blocks and (teaser := teaser_after(heading)) is not None:
                blocks = [teaser]  # "<h3><a …>…</a></h3><div class="teaser">…</div>"
                self._teasers.append(teaser)
            paragraphs = [self._text(node) for node in blocks]
            self._used.add(heading.mem_id)
            if any(map(str.strip, paragraphs)):
                self._used.update(node.mem_id for node in blocks)
            else:
                note_text(self.notes, BARE_HEADINGS, heading)
                self.bare.append(squash_space(title))
            url = self._heading_url(heading)
            found.append(story_draft(title, paragraphs, url, meta.times[k], meta.authors[k]))
        return build_articles(found, require_paragraphs=True)

    def _from_blocks(self, body: LexborNode) -> tuple[ParsedArticle, ...]:
        # No <article> and no headings: the paragraphs may still read like a
        # plain-text page, a headline line followed by prose.
        nodes, tags = _BLOCK_QUERY.elements(body)
        texts = map(self._text, self._less_link_items(self._leaf_blocks(nodes, tags)))
        blocks = [text for text in map(str.strip, texts) if text]
        return article_lines(blocks, self.notes)

    def _from_card_titles(self, body: LexborNode) -> tuple[ParsedArticle, ...]:
        """Cards titled by a link classed as a title, with no heading (``html_cards``)."""
        drafts, taken = card_drafts(self.tree, body, self.ancestry, self._heading_url, self._day)
        articles = build_articles(drafts, require_paragraphs=True)
        if len(articles) > 1:
            self._used.update(node.mem_id for node in taken)
            self._meta_read = [*self._meta_read, *taken]
            return articles
        return ()

    def _cards_under(self, story: ParsedArticle, body: LexborNode) -> tuple[ParsedArticle, ...]:
        """The cards a section's heading stands over ("Главные новости" over
        cards titled by links): the one story it cut holds only their text."""
        used, read = set(self._used), self._meta_read
        self._used.clear()
        self._meta_read = []
        cards = self._from_card_titles(body)
        texts = {text for card in cards for text in (card.title, *card.paragraphs)}
        if cards and texts.issuperset(story.paragraphs):
            return cards
        self._used, self._meta_read = used, read
        return ()

    def _heading_url(self, heading: LexborNode) -> str | None:
        return story_url(heading, lambda: self.base)
