"""Where a single article's story is looked for: the element holding it, when
the page marks one that holds a fair share of its text, else the whole body;
and the page's text in lines, as that share is measured.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .clean import strip_forbidden

# The page's <article> holding less of its text than this is a card, not the story.
_SCOPE_SHARE = 0.2
_CONTENT_NAMES = (
    ".entry-content, .post-content, .article-body, .article-content, .story-body, "
    ".post-body, #content, .content"
)
_CONTENT_CLASSES = frozenset(
    {
        "entry-content", "post-content", "article-body", "article-content", "story-body",
        "post-body", "content",
    }
)  # fmt: skip
_CONTENT_ID = "content"
# Every element _CONTENT_NAMES matches, whatever the case of its names.
_CONTENT_CANDIDATES = "[class*=content i], [class*=-body i], [id=content i]"
# A class attribute's names, as the selector engine splits it (at ASCII white space).
_CLASS_NAMES = re.compile(r"[^ \t\n\f\r]+")
# What microdata marks as an article's body.
ARTICLE_BODY = '[itemprop~="articleBody" i]'
_LINE = re.compile(r"\S(?:[^\n]*\S)?")
# More <article>s than this make a list of teasers: the page is read whole.
_MAX_SCOPES = 8
# A text with a line break for every this many characters or fewer is mostly
# blank lines (hostile input): a regex finds its lines, skipping a run of
# breaks in one step. Shorter lines of text are split: a regex's match costs
# as much as a dozen pieces of a split, whatever their length.
_DENSE_LINES = 4
_PREFIX_CHARS = 32


def story_scope(
    tree: LexborHTMLParser,
    body: LexborNode,
    body_text: str | None,
    article_bodies: list[LexborNode] | None = None,
) -> tuple[LexborNode, tuple[str, int, int] | None]:
    """Where the story is looked for: the page's one <article> or what holds
    its one microdata articleBody (of a few such, the longest; else its
    <main>, else an element named as content systems name their content),
    when that holds a fair share of the page's text; else the whole body.

    The story is in it, and the blocks of menus, sidebars and footers outside
    it are never measured (a third of the page's time or more); their lines
    are told as left out: the first, the characters and the count.
    """
    # (A tag lookup: a third of a selector query's time.)
    marked = tree.tags("article")
    # The page's dominant content, as the HTML Standard and ARIA name it.
    # (Each selector of a list costs the engine a walk of the tree: a page
    # without a <main>, told by a tag lookup at a third of a walk's cost, is
    # asked for the role alone.)
    main = None
    if not marked and article_bodies is None:
        # One query for both, the elements marking the body told apart here.
        main = "main, [role=main]" if tree.tags("main") else "[role=main]"
        found = body.css(f"{ARTICLE_BODY}, {main}")
        # (One matching both comes twice.)
        article_bodies = list({n.mem_id: n for n in found if _marks_body(n)}.values())
        main = found if not article_bodies else None
    if len(marked) != 1:
        if article_bodies is None:
            article_bodies = body.css(ARTICLE_BODY)
        marked = [node.parent or node for node in article_bodies] or marked
    if not marked:
        marked = main if main is not None else body.css(
            "main, [role=main]" if tree.tags("main") else "[role=main]"
        )
    if not marked:
        # The content elements content systems name so (WordPress's entry-content…).
        marked = _content_elements(body)
    if not marked or len(marked) > _MAX_SCOPES:
        return body, None
    # The text of boxes of teasers, which is no share of the page's story text.
    listed = 0
    if len(marked) > 1:
        texts = [page_text(node) for node in marked]
        lined = [lines(text) for text in texts]
        sizes = [sum(map(len, text)) for text in lined]
        candidates, listed = _not_lists(marked, sizes)
        longest = max(candidates, key=sizes.__getitem__)
        marked = [marked[longest]]
        inside_text, inside = texts[longest], lined[longest]
    else:
        inside_text = page_text(marked[0])
        inside = lines(inside_text)
    everything, outside_chars = _lines_around(
        body_text if body_text is not None else page_text(body), inside_text, inside
    )
    inside_chars = sum(map(len, inside))
    if outside_chars is None:
        outside_chars = sum(map(len, everything)) - inside_chars
    total = outside_chars + inside_chars
    if not inside or outside_chars - listed > (1 - _SCOPE_SHARE) * (total - listed):
        return body, None
    if len(everything) == len(inside):
        return marked[0], None
    # The first line outside: before the article, or else after it.
    first = everything[0] if everything[0] != inside[0] else everything[len(inside)]
    return marked[0], (strip_forbidden(first), outside_chars, len(everything) - len(inside))


def _marks_body(node: LexborNode) -> bool:
    """Whether ``node`` matches ARTICLE_BODY: "articleBody" among its itemprop's
    names, in any ASCII case, as the engine tells them."""
    names = _CLASS_NAMES.findall(node.attributes.get("itemprop") or "")
    return any(name.encode().lower() == b"articlebody" for name in names)


def _content_elements(body: LexborNode) -> list[LexborNode]:
    """The elements ``_CONTENT_NAMES`` matches: of those whose class or id
    holds the names in any case (three selectors, not eight, to test every
    element with), the ones naming them as written. One naming them in
    another case matches only on a page the engine reads in quirks mode,
    and it tells."""
    kept = []
    for node in body.css(_CONTENT_CANDIDATES):
        attributes = node.attributes
        classes = _CLASS_NAMES.findall(attributes.get("class") or "")
        ident = attributes.get("id")
        if ident == _CONTENT_ID or not _CONTENT_CLASSES.isdisjoint(classes):
            kept.append(node)
        elif (ident or "").lower() == _CONTENT_ID or not _CONTENT_CLASSES.isdisjoint(
            [name.lower() for name in classes]
        ):
            return body.css(_CONTENT_NAMES)
    return kept


def _not_lists(marked: list[LexborNode], sizes: list[int]) -> tuple[list[int], int]:
    """The places in ``marked`` (with their text's ``sizes``) of all but the
    lists of others and their items, and the size of those lists: an element
    whose text is mostly that of others among them (a box of teasers, "You
    may also like", each card an <article>) is no story, however much its
    cards add up to, and its cards are teasers. A story holding its readers'
    comments as <article>s has most of its text outside them."""
    place = {node.mem_id: i for i, node in enumerate(marked)}
    held = [0] * len(marked)
    cards = [0] * len(marked)
    outer_of = [-1] * len(marked)
    for i, node in enumerate(marked):
        current = node.parent
        while current is not None:
            outer = place.get(current.mem_id)
            if outer is not None:
                held[outer] += sizes[i]
                cards[outer] += 1
                outer_of[i] = outer
                break
            current = current.parent
    # A list's own text (its heading, "You may also like") is less than one
    # of its cards holds on average; a story's own text, beside a box of
    # cards or its readers' comments inside it, runs longer.
    lists = [
        2 * held[i] > sizes[i] and (sizes[i] - held[i]) * cards[i] < held[i]
        for i in range(len(marked))
    ]
    carded = [False] * len(marked)  # inside a list: a card, or a list in it
    for i in range(len(marked)):
        outer = outer_of[i]
        while outer >= 0 and not lists[outer]:
            outer = outer_of[outer]
        carded[i] = outer >= 0
    kept = [i for i in range(len(marked)) if not (lists[i] or carded[i])]
    own = max((sizes[i] - held[i] for i in range(len(marked)) if lists[i]), default=0)
    if not kept or own > max(sizes[i] for i in kept):
        # What is left is shorter than a list's own text: no story, the
        # lists are not told apart.
        return list(range(len(marked))), 0
    outermost = zip(sizes, lists, carded, strict=True)
    return kept, sum(size for size, is_list, in_list in outermost if is_list and not in_list)


def page_text(node: LexborNode) -> str:
    """The text under ``node``, a line break between any two of its texts.

    The texts of nothing but spaces and line breaks (the source's indents
    between tags) hold no line and are left out, at C speed: the text is
    built in three quarters of the time and is a third shorter to search.
    """
    return node.text(separator="\n", skip_empty=True)


def lines(text: str) -> list[str]:
    """The lines of ``text`` that hold more than white space, less the space around them.

    (Split, stripped and filtered at C speed: three times faster than a
    regular expression finding them, unless the text is mostly line breaks.
    The split stops at the line break that makes the text "mostly line
    breaks", and its pieces tell whether there is one more: no count of the
    line breaks, a sixth of the split's time, first. A page of short lines,
    a dozen characters each, is no such text: split, its lines take a third
    of the regex's time.)
    """
    most = len(text) // _DENSE_LINES
    pieces = text.split("\n", most)
    if len(pieces) > most and "\n" in pieces[-1]:
        return _LINE.findall(text)
    return list(filter(None, map(str.strip, pieces)))


def _lines_around(text: str, part: str, part_lines: list[str]) -> tuple[list[str], int | None]:
    """``lines(text)``, where ``part`` (with its ``part_lines``) is the
    ``page_text`` of an element inside the one ``text`` is of: a run of its
    texts, between line breaks, so the lines around it are split and the
    element's are taken as they are (the page's story, split once). And the
    characters of the lines around it, when it is found so (its own are not
    counted again).
    """
    # Found by its start, then compared whole at memcmp speed: a search for
    # the whole of a long text costs more than splitting it again.
    start = text.find(part[:_PREFIX_CHARS])
    end = start + len(part)
    if (
        start < 0
        or not text.startswith(part, start)
        or (start and text[start - 1] != "\n")
        or (end < len(text) and text[end] != "\n")
    ):
        return lines(text), None
    before, after = lines(text[:start]), lines(text[end:])
    return before + part_lines + after, sum(map(len, before)) + sum(map(len, after))
