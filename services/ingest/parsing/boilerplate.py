"""Furniture around and inside an article: the elements whose text is not the story.

Told by tag (navigation, asides, footers, figures and their captions), by
ARIA role, by being hidden (``hidden``, ``aria-hidden``, an inline
``display: none``), by microdata that restates the page's facts (a hidden
copy of the headline, dates, keywords) and by the class and id words sites
give their menus, share bars, related-story boxes, captions and notices.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from selectolax.lexbor import LexborNode

# Captions and credits belong to a picture, not to the story's text.
CHROME_TAGS = frozenset({"nav", "aside", "footer", "figure", "figcaption"})
_CHROME_ROLES = frozenset(
    {"navigation", "complementary", "contentinfo", "banner", "search", "dialog", "alertdialog"}
)
# Class and id words of the furniture around and inside articles; a word
# starts the name or follows a separator, so "post-share" and "sharedaddy"
# match but "content" in "entry-content" does not trip "tent". Searched in
# the names lower-cased, after a space: a pattern that starts with a
# separator and lists lower-case literals lets the regex engine skip ahead
# to each separator and rule each word out by its first letter (five times
# faster than an ignore-case search with a start-of-name alternative). The
# words are grouped by their first letters, a branch for each (a third less
# time than a branch for each word, which the engine tries one by one):
# share, sharing, social, related, comment, disqus, sidebar, footer, navbar,
# nav, menu, newsletter, subscri(be), promo, advert, ad(s) and bio and tags
# as whole words, cookie, breadcrumb, popular, recommend, trending,
# most(-)read, outbrain, taboola, signup, login, author-bio, bio-box,
# tag(-)list, pagination, pager, caption, credit, gallery, slideshow,
# carousel, modal, popup, consent, gdpr, sr-only, visually(-)hidden,
# screen(-)reader, print-only, rollover, tooltip, popover, hovercard.
_WORD_END = r"(?=$|[\s_-])"
_BOILERPLATE = re.compile(
    r"[\s_-](?:"
    rf"a(?:d(?:vert|s?{_WORD_END})|uthor-bio)"
    rf"|b(?:readcrumb|io(?:-box|{_WORD_END}))"
    r"|c(?:o(?:mment|okie|nsent)|a(?:ption|rousel)|redit)"
    r"|disqus|footer|g(?:allery|dpr)|hovercard|login"
    r"|m(?:enu|o(?:st-?read|dal))|n(?:av|ewsletter)|outbrain"
    r"|p(?:o(?:pular|pup|pover)|romo|ag(?:ination|er)|rint-only)"
    r"|r(?:e(?:lated|commend)|ollover)"
    r"|s(?:har(?:e|ing)|ocial|idebar|ubscri|ignup|lideshow|r-only|creen-?reader)"
    rf"|t(?:rending|aboola|ag(?:-?list|s{_WORD_END})|ooltip)"
    r"|visually-?hidden"
    r")"
)
# The same words inside a camelCase name ("InlineImage-imageEmbedCaption"),
# looked for only in names with a capital letter: a capitalised word after
# a lower-case letter. The words are searched for (the engine skips to
# their capitals) and the letter before each told apart: four times faster
# than a pattern led by the lower-case letter, which nearly every
# character of a name is.
_CAMEL_WORDS = re.compile(
    r"S(?:hare|ocial|idebar|ignup|ubscri)|Re(?:lated|commend)|C(?:omment|ookie|aption|redit)"
    r"|Footer|M(?:enu|odal)|Newsletter|P(?:romo|opular|opup)|Advert|Breadcrumb|Trending|Gallery"
)
# Microdata properties whose element holds the story's text, not a restated fact.
_TEXT_PROPERTIES = frozenset({"articlebody", "text", "description", "reviewbody"})
# The attributes told first, before the names.
_MARKING = frozenset({"hidden", "role", "aria-hidden", "style", "itemprop"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def is_boilerplate(
    node: LexborNode,
    tag: str,
    holds_paragraph: Callable[[int], bool],
    index: int,
    seen: dict[str, bool],
) -> bool:
    """Whether ``node`` (and so all it holds) is furniture, not the story.

    ``tag``: the node's tag name, as far as the caller knows it ("" for a
    tag that is no furniture by itself; reading the name costs more).
    ``holds_paragraph``: tells, given ``index`` (the node's place in the
    caller's walk of the tree), whether a <p> is inside ``node``; asked only
    of a microdata element.
    ``seen``: the class and id names already judged on this page.
    """
    if tag in CHROME_TAGS:
        return True
    attributes = node.attributes
    return bool(attributes) and attributes_mark(attributes, holds_paragraph, index, seen)


def attributes_mark(
    attributes: dict[str, str | None],
    holds_paragraph: Callable[[int], bool],
    index: int,
    seen: dict[str, bool],
) -> bool:
    """Whether an element's ``attributes`` (not empty) mark it as furniture,
    as ``is_boilerplate`` tells (the other arguments are its own)."""
    # Most elements carry none of the attributes that mark furniture
    # whatever its names: one pass over their few attributes rules all out.
    if not _MARKING.isdisjoint(attributes) and _marked(attributes, holds_paragraph, index):
        return True
    names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
    if names == " ":
        return False
    # A page repeats its class names (every menu item, every card): each is
    # searched once.
    known = seen.get(names)
    if known is None:
        known = is_furniture_name(names)
        seen[names] = known
    return known


def _marked(
    attributes: dict[str, str | None], holds_paragraph: Callable[[int], bool], index: int
) -> bool:
    """Whether the attributes mark the element as furniture: hidden, a chrome role, a fact."""
    if "hidden" in attributes or (attributes.get("role") or "").strip() in _CHROME_ROLES:
        return True
    if (attributes.get("aria-hidden") or "").strip() == "true":
        return True
    style = attributes.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    prop = attributes.get("itemprop")
    # A microdata fact (a headline, a date, keywords) holding no paragraph:
    # the story's own elements carry no itemprop, a text one, or hold its
    # paragraphs (an itemscope'd blog post).
    return (
        bool(prop) and prop.strip().lower() not in _TEXT_PROPERTIES and not holds_paragraph(index)
    )


def is_furniture_name(names: str) -> bool:
    """Whether class and id ``names`` name furniture (a share bar, a sidebar, a caption…)."""
    if _BOILERPLATE.search(" " + names.lower()) is not None:
        return True
    return not names.islower() and _has_camel_word(names)


def _has_camel_word(names: str) -> bool:
    """Whether a furniture word (``_CAMEL_WORDS``) follows a lower-case letter in ``names``."""
    position = 0
    while (found := _CAMEL_WORDS.search(names, position)) is not None:
        start = found.start()
        if start and "a" <= names[start - 1] <= "z":
            return True
        position = start + 1
    return False
