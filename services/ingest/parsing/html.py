"""HTML pages: the ticker bar, the page date and the articles of a news page.

One tree is read for all three (``html_tree`` builds it); a page that says it
is one article is read whole (``single``), any other as a front page of many
(``html_front``), and the ticker and date come from ``html_ticker_date``. A
page that may nest too deep to build is refused first (``html_depth``).
"""

from __future__ import annotations

from datetime import date, datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .articles import build_articles
from .ceiling import memory_given_back
from .clean import strip_forbidden, tree_text_has_forbidden
from .html_chrome import ChromeCut, drop_site_chrome
from .html_depth import UNCHECKED_TAGS, check_depth
from .html_front import FrontPage
from .html_scope import ARTICLE_BODY, page_text
from .html_ticker_date import (
    fallback_date,
    may_show_pair,
    may_show_quote,
    ticker_bar_quotes,
    ticker_line_quotes,
    time_element_date,
)
from .html_tree import INVISIBLE_TAGS, build_tree, drop_invisible
from .language import with_language
from .model import ParsedArticle, ParsedPage, Quote
from .notes import Notes
from .single import first_heading, markup_headline, names_its_story, read_single
from .stamp_day import StampDay
from .structured import PageFacts, page_facts
from .text import BEFORE_HEADLINES
from .ticker import unique_quotes


def parse_html(
    body: bytes, tags: int | None = None, received: datetime | None = None
) -> ParsedPage:
    """Parse an HTML page given as UTF-8 bytes free of forbidden characters.

    (``clean_utf8`` makes them; Lexbor parses bytes twice as fast as a str.)
    ``tags``: the count of "<" in ``body``, when the caller has it
    (``clean_utf8_tags``). ``received``: when the page was received, which a
    front page's relative stamps count from when it states no date.
    """
    if len(body) > UNCHECKED_TAGS:
        if tags is None:
            tags = body.count(b"<")
        if tags > UNCHECKED_TAGS:
            check_depth(body, tags)
    with memory_given_back():
        page = _Page(body, received)
        page_date, quotes, articles = page.read()
        if not articles:
            page.notes.warn("no article found")
        return ParsedPage(
            page_date=page_date,
            articles=with_language(articles, page.language),
            quotes=unique_quotes(quotes),
            diagnostics=page.notes.diagnostics(),
        )


# A story holds at least this much text (some fifty words): a few sentences,
# not a caption, a note or a teaser.
_STORY_CHARS = 300
# A sentence: this many words at least, ending as sentences end.
_SENTENCE_WORDS = 8
_SENTENCE_ENDS = '.!?…"”»'


def _one_article_body(tree: LexborHTMLParser) -> LexborNode | None:
    """The element the page marks as an article's body (microdata), when it marks
    one, as a single article's page does; a front page marks none, or one per teaser."""
    found = tree.css(ARTICLE_BODY)
    return found[0] if len(found) == 1 else None


def _stays_in_body(node: LexborNode, body: LexborNode) -> bool:
    """Whether ``node`` is in ``body`` and survives ``drop_invisible``: neither
    it nor an element holding it is dropped (or is a line break, replaced)."""
    if node.tag == "br":
        return False
    current: LexborNode | None = node
    while current is not None:
        if current.tag in INVISIBLE_TAGS:
            return False
        if current.mem_id == body.mem_id:
            return True
        current = current.parent
    return False


def _left_may_show_quote(tree: LexborHTMLParser, chrome: ChromeCut, clean: bool) -> bool:
    """Whether a bar of the tree left once ``chrome`` is cut may hold a quote."""
    body = tree.body
    if not chrome or body is None:
        return False
    text = body.text(separator="\n")
    return may_show_quote(tree, text if clean else strip_forbidden(text))


def _one_story(
    stories: tuple[ParsedArticle, ...],
    h1: str,
    headline: str,
    named: tuple[str, ...],
    bare: list[str],
) -> bool:
    """Whether the stories a page's headings cut are one article as a person sees
    it: none, or none that holds a sentence (boxes of links and labels); one
    under the site's name in an <h1> (``headline`` is the page's own); one
    with less text than a story holds (the cut kept only paragraphs and list
    items, not the text an older page sets between <br>s or runs between
    empty <p>s); or several, one of them under the page's own headline or
    the one its <title> names (``named``) and not linked (a front page links
    its stories to their pages): the rest are its sections or the boxes
    around it (the site's name, a table of scores, latest news, most read).
    So are several none of which is linked, under a heading with no text of
    its own (``bare``) that the <title> names: the story's sections."""
    if not stories or not any(map(_tells, stories)):
        return True
    if len(stories) == 1:
        return (stories[0].title == h1 and h1 != headline) or _chars(stories[0]) < _STORY_CHARS
    if any(
        story.url is None and (story.title == headline or story.title.casefold() in named)
        for story in stories
    ):
        return True
    return any(heading.casefold() in named for heading in bare) and all(
        story.url is None for story in stories
    )


def _chars(article: ParsedArticle) -> int:
    return sum(map(len, article.paragraphs))


def _tells(story: ParsedArticle) -> bool:
    """Whether a story's text holds a sentence (a teaser does); a box of links,
    labels or buttons cut under a heading holds none."""
    return any(
        paragraph[-1] in _SENTENCE_ENDS and paragraph.count(" ") >= _SENTENCE_WORDS - 1
        for paragraph in story.paragraphs
    )


def _least_text(stories: tuple[ParsedArticle, ...], untitled: bool, ahead: bool) -> int:
    """How much text block scoring must find for its one article to stand: a
    story's worth on a page without a headline, in place of a thin story, of
    boxes that tell nothing or of stories outweighed by the text ahead of them."""
    if not stories:
        return _STORY_CHARS if untitled else 0
    thin = len(stories) == 1 and _chars(stories[0]) < _STORY_CHARS
    return _STORY_CHARS if thin or ahead or not any(map(_tells, stories)) else 0


class _Page:
    def __init__(self, source: bytes, received: datetime | None = None) -> None:
        self.source = source
        self.received = received
        self.page_day: date | None = None  # as <time>s tell it, for a relative time
        self.tree = build_tree(source)
        self.notes = Notes()
        self.language: str | None = None  # as the page declares it

    def read(self) -> tuple[date | None, list[Quote], tuple[ParsedArticle, ...]]:
        """The page date, the ticker bars' quotes and the stories, as far as this tree tells.

        Reads the tree destructively: menus, sidebars and chrome are dropped as it goes.
        """
        tree = self.tree
        body = tree.body
        if body is None:  # Lexbor always builds one; this keeps the types honest
            return None, [], ()
        # The <time>s by a tag lookup, which skips the selector engine's test
        # of every element (a query's cost for each selector in it).
        facts = page_facts(tree)
        self.language = facts.language
        page_date = self.page_day = time_element_date(tree.tags("time"))
        single = facts.single_article
        marked = None if single or facts.article_items else _one_article_body(tree)
        if single or marked is not None:
            if page_date is None and (facts.published or facts.modified):
                page_date = (facts.published or facts.modified).date()
            # The body's marked elements once the invisible ones are dropped,
            # when this query already tells them (the story's scope asks).
            known = [marked] if marked is not None and _stays_in_body(marked, body) else None
            quotes, articles = self._read_single(facts, known)
            if page_date is None and articles and articles[0].published is not None:
                # The time the article prints, when nothing else dates the page.
                page_date = articles[0].published.date()
            return page_date, quotes, articles
        # The headline the markup shows, read before the tree changes: a page
        # whose headlines cut no story may be one article under it, and one
        # whose <title> names its <h1>'s story is that story's page.
        h1, headline, named = markup_headline(tree)
        if h1 and h1 == headline and names_its_story(tree, h1):
            found = self._read_story_page(facts, page_date, headline)
            if found is not None:
                return found
            tree, body = self.tree, self.tree.body
            if body is None:
                return page_date, [], ()
        drop_invisible(tree)
        # The page as a person sees it, chrome included, is read before the
        # chrome goes: its text (for ticker lines and a date line) and the date.
        # (Its forbidden characters, which a character reference can spell,
        # are told at memchr speed: a regex's test of each is three times slower.)
        whole_text = body.text(separator="\n")
        clean = not tree_text_has_forbidden(whole_text)
        if not clean:
            whole_text = strip_forbidden(whole_text)
        if page_date is None:
            page_date = fallback_date(tree, whole_text)
        # Menus, sidebars, footers and forms hold most of a news page's
        # elements, and every pass below walks what is left of the tree.
        # A ticker bar inside them counts only when no other bar gives a
        # quote: a page with bars both there and elsewhere gives the quotes
        # of the others. The bars' query tests every element's class and id,
        # so it runs only when the page's text could show a quote: on what is
        # left, and on the whole page only when that finds none.
        chrome = drop_site_chrome(tree, self.notes)
        bars = may_show_quote(tree, whole_text)
        # Taking chrome out of a bar brings its words together (a form
        # between a pair and its rate): what is left is asked too, when its
        # text could show a quote that the whole page's could not.
        left = bars or _left_may_show_quote(tree, chrome, clean)
        quotes = list(ticker_bar_quotes(tree)) if left else []
        if not quotes and chrome and bars:
            with chrome.put_back():
                quotes = list(ticker_bar_quotes(tree))
        front = FrontPage(tree, self.notes, clean=clean)
        stories = front.stories(body, StampDay(page_date, self.received, self.notes))
        quotes = quotes or list(ticker_line_quotes(whole_text))
        stories = self._read_unmarked(stories, facts, (h1, headline, named), front.bare)
        return page_date, quotes, stories

    def _read_story_page(
        self, facts: PageFacts, page_date: date | None, headline: str
    ) -> tuple[date | None, list[Quote], tuple[ParsedArticle, ...]] | None:
        """A page whose <title> names its <h1>'s story is that story's page: it
        is read as one article by block scoring before anything changes its
        tree (not as a front page first, then from a second tree), its date,
        when no <time> tells it, from its first date line. None when this finds
        no article: the tree is built anew for the front page's reading."""
        quotes, articles = self._read_single(facts, None, headline)
        if not articles:
            self.tree, self.notes = build_tree(self.source), Notes()
            return None
        if page_date is None and self.tree.body is not None:
            page_date = fallback_date(self.tree, page_text(self.tree.body))
        return page_date, quotes, articles

    def _read_unmarked(
        self,
        stories: tuple[ParsedArticle, ...],
        facts: PageFacts,
        headlines: tuple[str, str, tuple[str, ...]],
        bare: list[str],
    ) -> tuple[ParsedArticle, ...]:
        """A page that marks no article and whose headlines cut no story (an
        older site's story under a styled line, its text between <br>s), or one
        under its first <h1>, is read as a person reads it: as one article,
        found by block scoring like a marked one, under the headline its
        markup shows (``headline``; ``h1``: its first <h1>). A page with no
        headline at all and no story is read so too, when block scoring finds
        a story's worth of text (a bare note is none). When this finds
        nothing, the front page's reading (its notes too) stands. That reading
        changed the tree, so it is built again, only when the page is read
        this way (``facts`` and the headlines were read before it changed:
        ``markup_headline``'s; ``bare``: the headings with no text under them)."""
        h1, headline, named = headlines
        untitled = not (facts.headline or headline)
        # The paragraphs' reading of a page without headings (a plain-text
        # page's) leaves the text before its first headline line out: when
        # that outweighs its stories, the story stands there, under a styled
        # line, and the lines it took for headlines head the page's end matter.
        ahead = self.notes.chars.get(BEFORE_HEADLINES, 0) > sum(map(_chars, stories))
        if not (ahead or _one_story(stories, h1, headline, named, bare)) or (
            untitled and any(map(_tells, stories))
        ):
            return stories
        front_notes, self.tree = self.notes, build_tree(self.source)
        _, articles = self._read_single(facts, None, headline or None)
        if not articles or _chars(articles[0]) < _least_text(stories, untitled, ahead):
            self.notes = front_notes
            return stories
        return articles

    def _read_single(
        self,
        facts: PageFacts,
        article_bodies: list[LexborNode] | None,
        heading: str | None = None,
    ) -> tuple[list[Quote], tuple[ParsedArticle, ...]]:
        """A page that says it is one article: its main content, by block scoring.

        ``heading``: the headline its markup shows (``first_heading``), when
        the caller has read it.
        """
        tree = self.tree
        if heading is None and not facts.headline:
            # The markup's headline stands in for the page's structured one
            # alone: with that, it is never asked.
            heading = first_heading(tree)
        drop_invisible(tree, paragraphs=True)
        # Nothing is dropped from this tree, so ticker bars in menus and
        # sidebars are found in it; the page's text says first whether any
        # of its elements could hold a quote (it is built in a third of the
        # time a regular-expression scan of its bytes for a pair takes).
        text = page_text(tree.body) if tree.body is not None else ""
        # The source is free of the characters XML forbids (``clean_utf8``),
        # but a numeric character reference can spell one in the text. The
        # text of every element is part of the body's, so the body's tells
        # whether any element's text needs them dropped. (It leaves out texts
        # of nothing but spaces, tabs, line breaks and form feeds: a form
        # feed is layout space, squashed out of every block's text.)
        clean = tree_text_has_forbidden(text)
        seen = strip_forbidden(text) if clean else text
        quotes: list[Quote] = []
        if may_show_pair(seen) and may_show_quote(tree, seen):
            quotes = list(ticker_bar_quotes(tree)) or list(ticker_line_quotes(seen))
        single = read_single(
            tree,
            facts,
            heading,
            clean=clean,
            body_text=text,
            article_bodies=article_bodies,
            stamp_from=(self.page_day, self.received),
        )
        self.notes = single.notes
        if single.draft is None:
            return quotes, ()
        # In the language the page declares, which ``with_language`` would
        # otherwise give it in a copy.
        single.draft.language = self.language
        return quotes, build_articles([single.draft], require_paragraphs=True)
