"""Authors as pages print them: names cleaned of "By" and of job titles, and HTML bylines.

Structured data and meta tags often carry a byline as printed ("By TOM
KRISHER, AP Auto Writer"); the body prints one in an element marked as the
author's (``rel=author``, ``itemprop=author``, a class or id naming a byline
or an author) or as a paragraph of its own ("By Jane Doe", "Автор: …").
Either way the article's authors are the names alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from selectolax.lexbor import LexborNode

from .bylines import names_a_time
from .clean import squash_space, strip_forbidden
from .dates import read_date_line

MAX_AUTHORS = 8
_MAX_NAME = 80
_MAX_NAME_WORDS = 6
_MAX_BYLINE = 160
# A text this long is first told too long for a byline from its start alone.
_PEEK = 4 * _MAX_BYLINE
_NODES_READ = 12
# At most this many queries of the subtrees after the first byline element
# (each with a fixed cost of its own, about a twentieth of a whole page's
# walk) are made instead of one query of the whole scope.
_QUERIES_AFTER = 12
_PREFIX = re.compile(
    r"(?:by|from|von|par|por|authors?|interviewed\s+by|автор(?:ы)?|беседовал[аи]?|текст(?:\s+и\s+фото)?|фото)"
    r"\s*:?\s+(?=\S)",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*(?:[,;|/·•]|\s(?:and|und|et|y|и|&)\s)\s*")
# A part of a byline that is a job title or an outlet, not a person.
_ROLE = re.compile(
    r"\b(?:writer|reporter|correspondent|editor|contributor|columnist|journalist|staff|"
    r"press|photographer|analyst|producer|associated|reuters|updated|published|"
    r"корреспондент|редактор|обозреватель|журналист|фотограф)",
    re.IGNORECASE,
)
# A byline's credit for its pictures, after its authors.
_PHOTO_CREDIT = re.compile(
    r"(?:фото|видео|photos?|videos?|images?)(?:\s*:\s*|\s+by\s+|\s+)(?P<who>.+)", re.IGNORECASE
)
_SELF = frozenset({"автора", "авторов", "the author", "author"})
_NOT_A_NAME = re.compile(r"[\d@:/?=]|https?")
_PARTICLES = frozenset(
    {"de", "da", "del", "della", "der", "van", "von", "bin", "ibn", "al", "le", "la"}
)
# Elements holding one author's name each, then containers of a printed byline.
_AUTHOR_ELEMENTS = '[rel~="author" i], [itemprop="author"]'
_BYLINE_ELEMENTS = '[class*="byline" i], [id*="byline" i], [class*="author" i]'
# Either kind, in one query.
BYLINE_SELECTOR = f"{_AUTHOR_ELEMENTS}, {_BYLINE_ELEMENTS}"
# A lone word in capitals after a name is a credential ("MS", "RDN").
_CREDENTIAL = re.compile(r"[A-Z]{1,4}")
# Between a byline's names, and before its date.
_JOINERS = re.compile(r"^[\s,;|/·•\-–—]*(?:(?:and|и)\s+)?")


def _is_name(part: str) -> bool:
    words = part.split()
    return (
        0 < len(words) <= _MAX_NAME_WORDS
        and len(part) <= _MAX_NAME
        and all(word[0].isupper() or word in _PARTICLES for word in words)
        and words[0][0].isupper()
        and _NOT_A_NAME.search(part) is None
    )


def _parts(value: str) -> list[str] | None:
    # An element classed as an author's may hold a whole page (WordPress
    # themes class the <body> "single-author"): its text is told too long
    # from its start, without squashing all of it. Squashing removes no
    # character but white space and the forbidden ones, so the start's other
    # characters are all in the squashed text.
    if len(value) > _PEEK and len("".join(strip_forbidden(value[:_PEEK]).split())) > _MAX_BYLINE:
        return None
    text = squash_space(strip_forbidden(value))
    if not text or len(text) > _MAX_BYLINE:
        return None
    text = _PREFIX.sub("", text, count=1) if _PREFIX.match(text) else text
    return [part.strip(" .-–—") for part in _SEPARATORS.split(text)]


def author_names(value: str) -> list[str]:
    """The person names in a printed byline or author field, in order."""
    return _names(_parts(value) or ())


def _names(parts: list[str] | tuple[()]) -> list[str]:
    """The person names among a byline's ``parts`` (``_parts``), in order."""
    names: list[str] = []
    for part in parts:
        # A name's test first: most parts that are none fail it at once (a
        # figure, a lower-case word), before the role search, which tries
        # each of its words at every position (ten times as long).
        if (
            part
            and _is_name(part)
            and _ROLE.search(part) is None
            and _CREDENTIAL.fullmatch(part) is None
            and _PREFIX.match(part + " x") is None
            and part not in names
        ):
            names.append(part)
    return names[:MAX_AUTHORS]


def paragraph_byline(text: str) -> list[str] | None:
    """The authors a paragraph names when it is only a byline ("By Jane Doe, Staff Writer").

    Every part of it must be a name, a job title or a date: "By Monday the
    talks had failed" is a sentence.
    """
    if len(text) > _MAX_BYLINE or _PREFIX.match(text) is None:
        return None
    split = _parts(text) or ()
    parts = [part for part in split if part]
    if parts and names_a_time(parts[0]):
        return None
    for part in parts:
        # (A figure's test, at C speed, before the role search.)
        if not (
            _is_name(part)
            or any(map(str.isdigit, part))
            or _ROLE.search(part)
            or _photo_credit(part)
        ):
            return None
    # The names of the parts split here (``author_names`` would split the text again).
    names = _names(split)
    return names or None


def _photo_credit(part: str) -> bool:
    """Whether a byline's part credits its photographs ("фото: Таалайбек
    Ибраев", "photos by Oleg Kim", "фото автора"): no author, no sentence."""
    credit = _PHOTO_CREDIT.fullmatch(part)
    return credit is not None and (_is_name(credit["who"]) or credit["who"].lower() in _SELF)


def names_and_date(text: str, authors: list[str] | tuple[str, ...]) -> bool:
    """Whether ``text`` is the byline the page prints: the ``authors``' names,
    then a date or nothing ("Joanna Lillis Dec 3, 2026", "Joanna Lillis")."""
    rest = text
    for name in authors:
        if not rest.startswith(name):
            break
        rest = _JOINERS.sub("", rest[len(name) :], count=1)
    if rest == text:
        return False
    return not rest or read_date_line(rest) is not None


def body_authors(scope: LexborNode) -> list[str]:
    """The authors an HTML body's byline elements name, or none."""
    names: list[str] = []
    for node in scope.css(_AUTHOR_ELEMENTS)[:_NODES_READ]:
        names.extend(name for name in author_names(node.text_lexbor()) if name not in names)
    if names:
        return names[:MAX_AUTHORS]
    # The byline query tests substrings of every element's class: its first
    # element is looked for alone (that query stops there), as it is usually
    # the byline when the page prints one; the rest only when it is not.
    first = scope.css_first(_BYLINE_ELEMENTS)
    if first is None:
        return []
    # Each piece of text of its own: "By", the name's link, a date.
    found = author_names(first.text(separator="|"))
    if found:
        return found
    for node in islice(_byline_elements_after(first, scope), _NODES_READ - 1):
        found = author_names(node.text(separator="|"))
        if found:
            return found
    return []


def _byline_elements_after(first: LexborNode, scope: LexborNode) -> Iterator[LexborNode]:
    """The byline elements after ``first`` (the first in ``scope``) in document
    order: those inside it, then those in the subtrees of the elements after
    it and after each element holding it, up to ``scope``. The part of the
    tree before it, which the query for it walked, is not walked again,
    unless more queries than one of the whole scope costs would be needed."""
    following = _following_elements(first, scope)
    if following is None:
        yield from scope.css(_BYLINE_ELEMENTS)[1:]
        return
    inside = first.css(_BYLINE_ELEMENTS)
    yield from inside[1:] if inside and inside[0].mem_id == first.mem_id else inside
    for element in following:
        yield from element.css(_BYLINE_ELEMENTS)


def _following_elements(first: LexborNode, scope: LexborNode) -> list[LexborNode] | None:
    """The elements after ``first`` and after each element holding it, up to
    ``scope``, in document order; None when there are more than _QUERIES_AFTER."""
    following: list[LexborNode] = []
    node: LexborNode | None = first
    while node is not None and node.mem_id != scope.mem_id:
        sibling = node.next
        while sibling is not None:
            if sibling.is_element_node:
                if len(following) == _QUERIES_AFTER:
                    return None
                following.append(sibling)
            sibling = sibling.next
        node = node.parent
    return following if node is not None else None
