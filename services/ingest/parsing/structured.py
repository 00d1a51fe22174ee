"""What a page says about itself: JSON-LD, OpenGraph and ``article:*`` meta, canonical link.

Read before the page's scripts are dropped (JSON-LD lives in a <script>).
Every value is bounded and checked: a page's own claims are input like any other.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .clean import squash_space, strip_forbidden
from .dates import parse_iso_datetime
from .html_byline import author_names
from .html_tree import drop_invisible
from .language import declared_language, normalise_language

ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "BlogPosting", "Report", "ReportageNewsArticle",
        "AnalysisNewsArticle", "OpinionNewsArticle", "BackgroundNewsArticle", "LiveBlogPosting",
        "TechArticle", "ScholarlyArticle", "SocialMediaPosting", "Blog", "ReviewNewsArticle",
    }
)  # fmt: skip
# JSON-LD is small; a script of megabytes is no description of a page.
_MAX_JSON_LD = 512 * 1024
JSON_LD_SCRIPTS = 'script[type="application/ld+json" i]'
_MAX_FIELD = 300
_MAX_AUTHORS = 8
_MAX_NODES = 200
_JSON = json.JSONDecoder()
# The meta names and properties that name an author.
_AUTHOR_KEYS = frozenset({"article:author", "author", "dc.creator", "byl"})
# Lexbor's id of the <link> tag, which an element's tag_id is compared with
# (cheaper than reading its name).
_LINK_TAG_ID = LexborHTMLParser("").create_node("link").tag_id
# schema.org's types of an author that is no person: an outlet or a body.
_ORGANISATIONS = frozenset(
    {
        "Organization", "NewsMediaOrganization", "Corporation", "GovernmentOrganization",
        "NGO", "EducationalOrganization", "Project",
    }
)  # fmt: skip


@dataclass(slots=True)
class PageFacts:
    """The page's claims about its article, where it makes any."""

    headline: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    url: str | None = None
    body: str | None = None
    og_type: str | None = None
    language: str | None = None  # normalised (``language.normalise_language``)
    article_items: int = 0  # JSON-LD article objects on the page
    # The authors are organisations only (the outlet): a person the page
    # prints as its byline is the author a reader looks for.
    organisation_authors: bool = False

    @property
    def single_article(self) -> bool:
        """Whether the page says it is one article (a front page lists several)."""
        if self.article_items > 1:
            return False
        return self.article_items == 1 or (self.og_type or "").lower() == "article"


# A value that urlsplit reads as an http(s) URL with a host, told without it:
# the scheme, then a host of printable ASCII up to the path, query, fragment
# or end. (urlsplit checks only a non-ASCII host, and one in brackets, an
# IPv6 address; the tabs and line breaks it drops could join a host to what
# follows it, and stop this match.)
_PLAIN_HTTP_URL = re.compile(
    r"[Hh][Tt][Tt][Pp][Ss]?://[^/?#\[\]\x00-\x20\x7f-\U0010ffff]+(?:[/?#]|\Z)"
)


def http_url(value: object) -> str | None:
    """``value`` when it is an absolute http(s) URL with a host (as ``urlsplit``
    reads it), of at most 2048 characters; else None."""
    if not isinstance(value, str):
        return None
    value = strip_forbidden(value).strip()
    if not value or len(value) > 2048:
        return None
    # Most values are such URLs, which urlsplit (several times the cost) would
    # only confirm.
    if _PLAIN_HTTP_URL.match(value) is not None:
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme in ("http", "https") and parts.netloc else None


def _short(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = squash_space(strip_forbidden(value))
    return text[:_MAX_FIELD] if text else None


def _objects(data: Any, budget: list[int]) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``data`` that has a type, @graph included, up to a budget."""
    stack = [data]
    while stack and budget[0] > 0:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            budget[0] -= 1
            if "@type" in item:
                yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(reversed(graph))


def _has_type(item: dict[str, Any], types: frozenset[str]) -> bool:
    """Whether the object's @type (a name, or a list of them) is one of ``types``."""
    kind = item.get("@type")
    if isinstance(kind, str):
        return kind in types
    return isinstance(kind, list) and any(isinstance(k, str) and k in types for k in kind)


def _author_names(value: Any) -> tuple[list[str], bool]:
    """The names of the authors, and whether they are organisations' only:
    a person's, when any is named, else the organisations'."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    organisations: list[str] = []
    for item in items[:_MAX_AUTHORS]:
        name = item.get("name") if isinstance(item, dict) else item
        text = _short(name)
        if text and not http_url(text):
            outlet = isinstance(item, dict) and _has_type(item, _ORGANISATIONS)
            if outlet:
                # An outlet's name is whole ("RFE/RL", "RFE/RL's Kyrgyz Service").
                if text not in organisations:
                    organisations.append(text)
                continue
            # As printed ("By TOM KRISHER, AP Auto Writer"): the names alone.
            names.extend(found for found in author_names(text) if found not in names)
    if names:
        return names[:_MAX_AUTHORS], False
    return organisations[:_MAX_AUTHORS], bool(organisations)


def _from_json_ld(scripts: Iterable[LexborNode], facts: PageFacts) -> None:
    budget = [_MAX_NODES]
    for script in scripts:
        if facts.article_items > 1:
            return  # a page of several articles: its own facts are not read
        source = script.text_lexbor()
        if len(source) > _MAX_JSON_LD:
            continue
        try:
            # (json.loads's own checks, for bytes and keyword arguments, skipped:
            # a text with a byte order mark fails here as there.)
            data = _JSON.decode(source)
        except (ValueError, RecursionError):
            continue
        for item in _objects(data, budget):
            if not _has_type(item, ARTICLE_TYPES):
                continue
            facts.article_items += 1
            if facts.article_items > 1:
                continue
            facts.headline = _short(item.get("headline")) or _short(item.get("name"))
            facts.authors, facts.organisation_authors = _author_names(item.get("author"))
            facts.published = _when(item.get("datePublished"))
            facts.modified = _when(item.get("dateModified"))
            facts.language = _in_language(item.get("inLanguage"))
            main = item.get("mainEntityOfPage")
            facts.url = http_url(item.get("url")) or http_url(
                main.get("@id") if isinstance(main, dict) else main
            )
            body = item.get("articleBody")
            facts.body = body_text(strip_forbidden(body)) if isinstance(body, str) else None


# An articleBody that is the story's markup (some sites put their HTML there,
# some escaped once more): its tags, and where its blocks end.
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z]")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_BLOCK_END = re.compile(
    r"<br\s*/?>|</(?:p|div|h[1-6]|li|blockquote|pre|tr|figcaption|section|article)\s*>",
    re.IGNORECASE,
)


def body_text(body: str) -> str:
    """An articleBody as text: as it is, or read as HTML when it is the story's
    markup, a line per block, so that neither its tags count as the story's
    words nor its paragraphs run together."""
    if _ESCAPED_TAG.search(body):
        body = html.unescape(body)
    if not _TAG.search(body):
        return body
    tree = LexborHTMLParser(_BLOCK_END.sub(lambda tag: tag.group(0) + "\n", body))
    drop_invisible(tree)
    text = tree.body.text_lexbor() if tree.body is not None else ""
    return "\n".join(line for line in map(str.strip, text.splitlines()) if line)


def _in_language(value: object) -> str | None:
    # schema.org: a BCP 47 tag, or a Language object naming one.
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return normalise_language(value)


def _when(value: object) -> datetime | None:
    return parse_iso_datetime(value.strip()[:64]) if isinstance(value, str) else None


def page_facts(tree: LexborHTMLParser, scripts: Iterable[LexborNode] | None = None) -> PageFacts:
    """JSON-LD first, then OpenGraph/``article:*`` meta and <link rel=canonical> fill the gaps.

    ``scripts``: the page's JSON-LD <script>s (JSON_LD_SCRIPTS), when the
    caller found them in a query of its own.
    """
    facts = PageFacts()
    head = tree.head
    if head is None:
        return facts
    _from_json_ld(tree.css(JSON_LD_SCRIPTS) if scripts is None else scripts, facts)
    meta: dict[str, str] = {}
    authors: list[str] = []
    # Of the links only those naming a canonical one at all (stylesheets,
    # icons and preloads outnumber them): read below as before.
    for node in head.css('meta[content], link[rel*="canonical" i][href]'):
        attributes = node.attributes
        if node.tag_id == _LINK_TAG_ID:
            rel = (attributes.get("rel") or "").lower().split()
            if "canonical" in rel:
                meta.setdefault("canonical", attributes.get("href") or "")
            continue
        key = attributes.get("property") or attributes.get("name") or attributes.get("http-equiv")
        if not key:
            continue
        key = key.strip().lower()
        if key in _AUTHOR_KEYS and len(authors) < _MAX_AUTHORS:
            name = _short(attributes.get("content") or "")
            if name and not http_url(name):
                authors.extend(found for found in author_names(name) if found not in authors)
        elif key:
            meta.setdefault(key, attributes.get("content") or "")
    facts.og_type = _short(meta.get("og:type"))
    facts.headline = facts.headline or _short(meta.get("og:title"))
    if authors and (not facts.authors or (facts.organisation_authors and authors != facts.authors)):
        # A meta tag's author, when JSON-LD names none or an organisation only.
        facts.authors, facts.organisation_authors = authors[:_MAX_AUTHORS], False
    facts.published = facts.published or _when(meta.get("article:published_time"))
    facts.modified = facts.modified or _when(
        meta.get("article:modified_time") or meta.get("og:updated_time")
    )
    facts.url = http_url(meta.get("canonical")) or facts.url or http_url(meta.get("og:url"))
    # The article's own statement, then the document's, then the page's metadata.
    root = tree.root.attributes if tree.root is not None else {}
    declared = (root.get("lang"), root.get("xml:lang"), meta.get("content-language"))
    facts.language = facts.language or declared_language((*declared, meta.get("og:locale")))
    return facts
