"""Validity checks for rendered feeds, shared by the renderer tests.

Each ``check_*`` function returns a list of problems (empty when the feed is
fine), so a test can assert ``== []`` and see every problem at once. The rule
names are the W3C Feed Validator's message names, so a failure reads like the
validator's report would.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import lxml.html
from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree

SCHEMAS = Path(__file__).with_name("schemas")
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
NS = {"atom": ATOM_NS, "content": CONTENT_NS, "fh": HISTORY_NS}
MEDIA_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
}

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
# RFC 822 as updated by RFC 1123 (four-digit year), with a numeric or named zone.
_RFC2822 = re.compile(
    r"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}(:\d{2})? ([+-]\d{4}|UT|GMT|[ECMP][SD]T)",
    re.ASCII,
)


# --- dates -----------------------------------------------------------------


def rfc3339_problem(value: object) -> str | None:
    """Why ``value`` is not an RFC 3339 date-time with an offset, or None."""
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        return f"not RFC 3339: {value!r}"
    try:
        parsed = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError as exc:
        return f"not a real date-time: {value!r} ({exc})"
    if parsed.tzinfo is None:
        return f"no offset: {value!r}"
    return None


def rfc2822_problem(value: object) -> str | None:
    """Why ``value`` is not an RFC 822 date with a zone, or None."""
    if not isinstance(value, str) or not _RFC2822.fullmatch(value):
        return f"not RFC 822: {value!r}"
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        return f"not a real date: {value!r} ({exc})"
    if parsed.tzinfo is None:
        return f"no zone: {value!r}"
    return None


def _absolute_uri(value: object) -> bool:
    if not isinstance(value, str) or any(ch.isspace() for ch in value):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("urn", "mailto", "tag"))


# --- schemas ---------------------------------------------------------------


@cache
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))


def format_checker() -> FormatChecker:
    """A FormatChecker that really checks 'date-time' and 'uri'.

    jsonschema only asserts those formats when optional packages
    (rfc3339-validator, rfc3987) are installed; they are not, so the checks
    are registered here instead of silently passing.
    """
    checker = FormatChecker()
    checker.checks("date-time")(lambda value: rfc3339_problem(value) is None)
    checker.checks("uri")(_absolute_uri)
    return checker


@cache
def json_feed_validator() -> Draft202012Validator:
    schema = json.loads((SCHEMAS / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=format_checker())


def check_atom_schema(data: bytes) -> list[str]:
    schema = atom_schema()
    if schema.validate(etree.fromstring(data)):
        return []
    return [f"RelaxNG: {error.message} (line {error.line})" for error in schema.error_log]


def check_json_schema(doc: Any) -> list[str]:
    return [
        f"JSONSchema: {'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in json_feed_validator().iter_errors(doc)
    ]


# --- parsed views of a feed ------------------------------------------------


@dataclass(frozen=True)
class EntryView:
    """What the rules need of one entry, read straight from the document."""

    id: str | None
    title: str | None
    dates: tuple[str, ...]
    content_html: tuple[str, ...]  # HTML after XML unescaping, as a reader sees it
    description: str | None = None


def _text(element: etree._Element | None) -> str | None:
    return None if element is None else (element.text or "")


def atom_entries(root: etree._Element) -> list[EntryView]:
    views = []
    for entry in root.iterfind("atom:entry", NS):
        html = tuple(
            node.text or ""
            for node in entry.iterfind("atom:content", NS)
            if node.get("type") == "html"
        )
        views.append(
            EntryView(
                id=_text(entry.find("atom:id", NS)),
                title=_text(entry.find("atom:title", NS)),
                dates=tuple(
                    node.text or ""
                    for tag in ("atom:updated", "atom:published")
                    for node in entry.iterfind(tag, NS)
                ),
                content_html=html,
                description=_text(entry.find("atom:summary", NS)),
            )
        )
    return views


def rss_entries(root: etree._Element) -> list[EntryView]:
    views = []
    for item in root.iterfind("channel/item"):
        description = _text(item.find("description"))
        encoded = _text(item.find("content:encoded", NS))
        views.append(
            EntryView(
                id=_text(item.find("guid")),
                title=_text(item.find("title")),
                dates=tuple(node.text or "" for node in item.iterfind("pubDate")),
                # Readers render both description and content:encoded as HTML.
                content_html=tuple(html for html in (description, encoded) if html is not None),
                description=description,
            )
        )
    return views


def json_entries(doc: dict[str, Any]) -> list[EntryView]:
    return [
        EntryView(
            id=item.get("id"),
            title=item.get("title"),
            dates=tuple(item[key] for key in ("date_published", "date_modified") if key in item),
            content_html=(item["content_html"],) if "content_html" in item else (),
            description=item.get("summary"),
        )
        for item in doc.get("items", [])
    ]


def entries_of(fmt: str, data: bytes) -> list[EntryView]:
    if fmt == "json":
        return json_entries(json.loads(data))
    root = etree.fromstring(data)
    return atom_entries(root) if fmt == "atom" else rss_entries(root)


# --- W3C Feed Validator rules ----------------------------------------------


def check_missing_id(entries: list[EntryView]) -> list[str]:
    return [
        f"MissingId: entry {index} has no id"
        for index, entry in enumerate(entries)
        if not (entry.id or "").strip()
    ]


def check_duplicate_id(entries: list[EntryView]) -> list[str]:
    seen: set[str] = set()
    problems = []
    for index, entry in enumerate(entries):
        if entry.id is None:
            continue
        if entry.id in seen:
            problems.append(f"DuplicateId: entry {index} repeats id {entry.id!r}")
        seen.add(entry.id)
    return problems


def check_missing_title(fmt: str, data: bytes, entries: list[EntryView]) -> list[str]:
    if fmt == "json":
        feed_title = json.loads(data).get("title")
    else:
        root = etree.fromstring(data)
        path = "atom:title" if fmt == "atom" else "channel/title"
        feed_title = _text(root.find(path, NS))
    problems = [] if (feed_title or "").strip() else ["MissingTitle: feed has no title"]
    problems += [
        f"MissingTitle: entry {index} has no title"
        for index, entry in enumerate(entries)
        if not (entry.title or "").strip()
    ]
    return problems


def check_missing_description(fmt: str, data: bytes, entries: list[EntryView]) -> list[str]:
    """RSS channels need a description; every entry here carries a summary too."""
    problems = []
    if fmt == "rss":
        description = _text(etree.fromstring(data).find("channel/description"))
        if not (description or "").strip():
            problems.append("MissingDescription: channel has no description")
    problems += [
        f"MissingDescription: entry {index} has no summary/description"
        for index, entry in enumerate(entries)
        if not (entry.description or "").strip()
    ]
    return problems


def self_links(fmt: str, data: bytes) -> list[str]:
    if fmt == "json":
        url = json.loads(data).get("feed_url")
        return [url] if url else []
    root = etree.fromstring(data)
    path = "atom:link[@rel='self']" if fmt == "atom" else "channel/atom:link[@rel='self']"
    return [link.get("href", "") for link in root.iterfind(path, NS)]


def check_missing_self(fmt: str, data: bytes, self_url: str) -> list[str]:
    links = self_links(fmt, data)
    if links == [self_url]:
        return []
    return [f"MissingSelf: expected exactly one self link {self_url!r}, found {links!r}"]


def check_invalid_rfc2822_date(data: bytes) -> list[str]:
    root = etree.fromstring(data)
    dates = [node.text for node in root.iterfind("channel/lastBuildDate")]
    dates += [node.text for node in root.iterfind("channel/pubDate")]
    dates += [node.text for node in root.iterfind("channel/item/pubDate")]
    return [f"InvalidRFC2822Date: {p}" for p in map(rfc2822_problem, dates) if p]


def check_invalid_rfc3339_date(fmt: str, data: bytes) -> list[str]:
    if fmt == "json":
        dates = [date for entry in entries_of(fmt, data) for date in entry.dates]
    else:
        root = etree.fromstring(data)
        dates = [node.text for node in root.iter(f"{{{ATOM_NS}}}updated")]
        dates += [node.text for node in root.iter(f"{{{ATOM_NS}}}published")]
    return [f"InvalidRFC3339Date: {p}" for p in map(rfc3339_problem, dates) if p]


def check_atom_schematron(data: bytes) -> list[str]:
    """The two RFC 4287 rules its RELAX NG grammar states only as Schematron."""
    root = etree.fromstring(data)
    problems = []
    feed_has_author = root.find("atom:author", NS) is not None
    for index, entry in enumerate(root.iterfind("atom:entry", NS)):
        if not feed_has_author and entry.find("atom:author", NS) is None:
            problems.append(f"MissingAuthor: entry {index} has no author and neither has the feed")
        has_alternate = any(
            link.get("rel", "alternate") == "alternate" for link in entry.iterfind("atom:link", NS)
        )
        if not has_alternate and entry.find("atom:content", NS) is None:
            problems.append(f"MissingAlternateLink: entry {index} has no content or alternate link")
    return problems


def check_validator_rules(fmt: str, data: bytes, self_url: str) -> list[str]:
    entries = entries_of(fmt, data)
    problems = check_missing_id(entries) + check_duplicate_id(entries)
    problems += check_missing_title(fmt, data, entries)
    problems += check_missing_description(fmt, data, entries)
    problems += check_missing_self(fmt, data, self_url)
    if fmt == "rss":
        problems += check_invalid_rfc2822_date(data)
    else:
        problems += check_invalid_rfc3339_date(fmt, data)
    if fmt == "atom":
        problems += check_atom_schematron(data)
    return problems


# --- content safety --------------------------------------------------------


# The renderer's allow-list, restated here so the tests pin it down independently.
ALLOWED_TAGS = {"p", "a", "em", "strong", "blockquote", "ul", "ol", "li", "br", "code", "pre"}
ALLOWED_SCHEMES = ("http:", "https:", "mailto:")


def unsafe_markup(html: str) -> list[str]:
    """Markup in an HTML fragment that a reader must never receive.

    Any element outside the allow-list (script, img, iframe, ...), any on*
    event-handler attribute, and any URL whose scheme is not http, https or
    mailto.
    """
    problems = []
    if re.search(r"<\s*script", html, re.IGNORECASE):
        problems.append(f"'<script' in {html[:120]!r}")
    if not html.strip():
        return problems
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in wrapper.iterdescendants():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions are inert
        if element.tag.lower() not in ALLOWED_TAGS:
            problems.append(f"<{element.tag}> element in {html[:120]!r}")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"{name} attribute in {html[:120]!r}")
            if name.lower() in ("href", "src") and not value.strip().lower().startswith(
                ALLOWED_SCHEMES
            ):
                problems.append(f"{name}={value!r} in {html[:120]!r}")
    return problems


def check_content_safe(fmt: str, data: bytes) -> list[str]:
    return [
        f"UnsafeContent: entry {index}: {problem}"
        for index, entry in enumerate(entries_of(fmt, data))
        for html in entry.content_html
        for problem in unsafe_markup(html)
    ]


# --- feedparser --------------------------------------------------------------


def parse_with_feedparser(fmt: str, data: bytes) -> feedparser.FeedParserDict:
    return feedparser.parse(data, response_headers={"content-type": MEDIA_TYPES[fmt]})


def check_feedparser(fmt: str, data: bytes) -> list[str]:
    parsed = parse_with_feedparser(fmt, data)
    problems = []
    if parsed.bozo:
        problems.append(f"feedparser bozo: {parsed.get('bozo_exception')!r}")
    expected_version = "atom10" if fmt == "atom" else "rss20"
    if parsed.version != expected_version:
        problems.append(f"feedparser version {parsed.version!r}, expected {expected_version!r}")
    for index, entry in enumerate(parsed.entries):
        details = list(entry.get("content", []))
        if entry.get("summary_detail", {}).get("type") == "text/html":
            details.append(entry.summary_detail)  # an RSS description is HTML
        problems += [
            f"UnsafeContent (feedparser): entry {index}: {p}"
            for detail in details
            for p in unsafe_markup(detail.value)
        ]
    return problems


# --- everything at once ------------------------------------------------------


def feed_problems(fmt: str, data: bytes, self_url: str) -> list[str]:
    """Every check that applies to format ``fmt``; [] for a valid, safe feed."""
    if not isinstance(data, bytes):
        return [f"expected bytes, got {type(data).__name__}"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"not UTF-8: {exc}"]
    if fmt == "json":
        try:
            doc = json.loads(text)
        except ValueError as exc:
            return [f"not JSON: {exc}"]
        problems = check_json_schema(doc)
    else:
        try:
            etree.fromstring(data)
        except etree.XMLSyntaxError as exc:
            return [f"not well-formed XML: {exc}"]
        problems = check_feedparser(fmt, data)
        if fmt == "atom":
            problems += check_atom_schema(data)
    problems += check_validator_rules(fmt, data, self_url)
    problems += check_content_safe(fmt, data)
    return problems
