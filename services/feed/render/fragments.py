"""Feed documents assembled from stored entry fragments: a render costs the bytes it writes.

A document in every format is a *frame* (everything before its entries, and
the closing tags or brackets after them) with its entries' *fragments* in
between: an Atom ``<entry>``, an RSS ``<item>``, a JSON Feed item. Each
fragment is cut out of a one-entry document made by the very renderer the full
path uses (``render_formats``), so an assembled document is byte for byte the
full render (tests compare the two for every kind of feed, edits and archives
included).

Where fragments live: in this process's memory, in a store bounded by entries
and bytes, keyed by the ``FeedEntry`` itself: every value a fragment is made
from (title, text, link, times, tags, author, RSS extensions) is part of its
key. So there is nothing to invalidate: an edited article, a changed tag or a
different base URL (it is in every link and rate id) is a different entry,
whose fragment in a format is made once, the first time a document in that
format holds it (a feed read only as JSON never makes its XML), and shared by
every feed that holds it after that (all articles, its source, each of its
tags, their archive pages); the old fragments age out. A feed's own settings
(page size, TTL, titles, paging links) are in its frame, never in a fragment.
A table of fragments was the alternative: it would save a restarted worker
one full render per entry, but would cost every render a database read of
the fragments and an invalidation rule per kind of entry; in memory a hit
costs a dictionary lookup.

Why a fragment does not depend on the document around it: feedgen writes Atom
elements without a namespace prefix under a root that carries the default
namespace, and RSS items use only namespaces declared on ``<rss>``; the RSS
item extensions' namespaces (RSS-CB) are declared on the root of every
document holding such an item, the one-entry document included. The frame
depends on the entries in two ways, both passed to it: whether some entry
lacks an author (Atom then names a feed author) and which item-extension
namespaces the RSS root declares.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.byte_lru import ByteLRU

from .atom import render_atom
from .entry_xml import entry_xml, rfc2822
from .jsonfeed import json_item, render_json, with_language
from .model import FeedEntry, FeedMeta
from .prepare import PreparedEntry, prepare_entry, prepare_meta, utc
from .rss import item_namespaces, render_rss

FORMATS = ("atom", "rss", "json")  # every format a feed is published in
# What follows the entries in a document with no entries.
_TAILS = {"atom": b"</feed>", "rss": b"</channel></rss>", "json": b"]}"}
_SEPARATORS = {"atom": b"", "rss": b"", "json": b","}
_PROBE = FeedMeta(
    feed_id="urn:silkfeed:fragment",
    title="fragment",
    subtitle="",
    self_url="http://fragment.invalid/feed",
    html_url="http://fragment.invalid/",
    updated=datetime(1970, 1, 1, tzinfo=UTC),
)

Namespaces = tuple[tuple[str, str], ...]  # (prefix, uri) in first-use order


@dataclass(slots=True)
class EntryFragments:
    """One entry as the formats made so far write it, and what its document's frame
    needs to know. A format's fragment is made the first time a document in that
    format holds the entry: a feed read only as JSON never makes its XML."""

    guid: str
    has_author: bool
    rss_namespaces: Namespaces
    # Not in the fragments: a document states it on the entries whose language
    # is not its own (``_stated``).
    language: str | None
    # What the formats not made yet are made from (counted in the store's bytes).
    item: PreparedEntry = field(compare=False, repr=False)
    made: dict[str, bytes] = field(default_factory=dict)  # format → fragment

    def part(self, fmt: str) -> bytes:
        return self.made[fmt]


# Bounded by bytes as well as entries: an article's text may be up to a megabyte.
_FRAGMENTS: ByteLRU[EntryFragments] = ByteLRU(max_entries=8192, max_bytes=96 * 1024 * 1024)


def clear_fragments() -> None:
    """Forget every fragment and frame (the next render of each entry is a full one)."""
    _FRAGMENTS.clear()
    _rendered_frame.cache_clear()


def _render_xml(
    fmt: str, meta: FeedMeta, entries: Sequence[PreparedEntry], author: bool, ns: Namespaces
) -> bytes:
    if fmt == "atom":
        return render_atom(meta, entries, feed_author=author)
    return render_rss(meta, entries, namespaces=dict(ns))


def _split(fmt: str, empty: bytes) -> tuple[bytes, bytes]:
    tail = _TAILS[fmt]
    if not empty.endswith(tail):  # a renderer change this module must follow
        raise RuntimeError(f"an empty {fmt} document does not end with {tail!r}")
    return empty[: -len(tail)], tail


@functools.lru_cache(maxsize=512)
def _rendered_frame(
    fmt: str, meta: FeedMeta, author: bool, ns: Namespaces
) -> tuple[bytes, bytes]:
    prepared = prepare_meta(meta)
    if fmt == "json":
        return _split(fmt, render_json(prepared, ()))
    return _split(fmt, _render_xml(fmt, prepared, (), author, ns))


# A feed's frame changes from one render to the next by its date (Atom
# <updated>, RSS <lastBuildDate>; JSON Feed has none) and, each time the feed
# fills another archive page, by the page number in its prev-archive link: the
# frame is rendered once with stand-ins for both, and each render writes its
# own values in their place, as the renderer would have written them (digits
# and dates need no escaping in any format).
_DATE_HOLDER = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
_DATE_TEXT: dict[str, Callable[[datetime], str]] = {
    "atom": datetime.isoformat,
    "rss": rfc2822,
    "json": lambda _: "",
}
_PAGE_HOLDER = "7305918264"  # a page number no feed reaches
_PAGE = re.compile(r"[0-9]+(?=[^0-9]*\Z)")  # the last number in a URL


def _frame(fmt: str, meta: FeedMeta, author: bool, ns: Namespaces) -> tuple[bytes, bytes]:
    """What comes before and after the entries of a document with ``meta``."""
    updated = utc(meta.updated, "updated")  # checked as the full render checks it
    held = {_DATE_TEXT[fmt](_DATE_HOLDER): _DATE_TEXT[fmt](updated)}
    general = dataclasses.replace(meta, updated=_DATE_HOLDER)
    page = _PAGE.search(meta.prev_archive_url or "")
    if page is not None:
        url = meta.prev_archive_url or ""
        at, end = page.span()
        general = dataclasses.replace(
            general, prev_archive_url=url[:at] + _PAGE_HOLDER + url[end:]
        )
        held[_PAGE_HOLDER] = page.group()
    head, tail = _rendered_frame(fmt, general, author, ns)
    stand_ins = [(k.encode(), v.encode()) for k, v in held.items() if k]
    for stand_in, _ in stand_ins:
        if head.count(stand_in) != 1 or stand_in in tail:  # other text holds it too
            return _rendered_frame(fmt, meta, author, ns)
    for stand_in, value in stand_ins:
        head = head.replace(stand_in, value)
    return head, tail


@functools.lru_cache(maxsize=1)
def _probe_meta() -> FeedMeta:
    return prepare_meta(_PROBE)


def _xml_fragment(fmt: str, item: PreparedEntry, ns: Namespaces) -> bytes:
    head, tail = _frame(fmt, _PROBE, True, ns)
    whole = _render_xml(fmt, _probe_meta(), (item,), True, ns)
    if not (whole.startswith(head) and whole.endswith(tail)):
        raise RuntimeError(f"a one-entry {fmt} document does not hold its empty frame")
    return whole[len(head) : len(whole) - len(tail)]


_CLOSE = {"atom": b"</entry>", "rss": b"</item>"}


def _xml_fragments(fmt: str, items: list[PreparedEntry], ns: Namespaces) -> list[bytes]:
    """Each item's fragment, cut out of one document holding them all.

    Setting up a document costs the renderer more than an entry does, so the
    entries a render meets for the first time share one. An entry's text and
    attributes are escaped, so its closing tag ends it; a document that does
    not split into as many entries as it holds is made one entry at a time.
    """
    if len(items) > 1:
        head, tail = _frame(fmt, _PROBE, True, ns)
        whole = _render_xml(fmt, _probe_meta(), items, True, ns)
        if whole.startswith(head) and whole.endswith(tail):
            close = _CLOSE[fmt]
            parts = whole[len(head) : len(whole) - len(tail)].split(close)
            if len(parts) == len(items) + 1 and parts[-1] == b"":
                return [part + close for part in parts[:-1]]
    return [_xml_fragment(fmt, item, ns) for item in items]


def _start(entry: FeedEntry) -> EntryFragments:
    item = prepare_entry(entry)
    spaces = tuple(item_namespaces((item,)).items())
    language = item.language
    if language is not None:
        item = dataclasses.replace(item, language=None)
    return EntryFragments(item.guid, bool(item.authors), spaces, language, item)


_ATOM_OPEN = b"<entry>"


def _stated(fmt: str, fragment: bytes, language: str) -> bytes:
    """``fragment`` stating its entry's ``language``, as the renderer writes it in a
    document of another language (tags are letters, digits and hyphens: no escaping)."""
    if fmt == "json":
        return with_language(fragment, language)
    if not fragment.startswith(_ATOM_OPEN):  # a renderer change this module must follow
        raise RuntimeError("an Atom entry fragment does not start with <entry>")
    return b'<entry xml:lang="%s">%s' % (language.encode(), fragment[len(_ATOM_OPEN) :])


def _body(fmt: str, meta: FeedMeta, parts: Sequence[EntryFragments]) -> bytes:
    own = None if meta.language is None else meta.language.strip()
    made = [part.part(fmt) for part in parts]
    if fmt != "rss":  # RSS items carry no language
        made = [
            _stated(fmt, fragment, part.language)
            if part.language is not None and part.language != own
            else fragment
            for part, fragment in zip(parts, made, strict=True)
        ]
    return _SEPARATORS[fmt].join(made)


def _make(entries: Sequence[FeedEntry], formats: Sequence[str] = FORMATS) -> list[EntryFragments]:
    """The fragments of ``entries`` in ``formats``, all made afresh."""
    parts = [_start(entry) for entry in entries]
    _fill(parts, formats)
    return parts


def _fill(parts: Sequence[EntryFragments], formats: Sequence[str]) -> None:
    """Make what ``parts`` lack of ``formats``: written directly (``entry_xml``)
    where that gives the renderer's bytes, else rendered, those with the same RSS
    item namespaces sharing their documents (see ``_xml_fragments``)."""
    todo = list({id(part): part for part in parts}.values())
    if "json" in formats:
        for part in todo:
            if "json" not in part.made:
                part.made["json"] = json_item(part.item)
    xml = [fmt for fmt in ("atom", "rss") if fmt in formats]
    rest = []
    for part in todo:
        if any(fmt not in part.made for fmt in xml):
            written = entry_xml(part.item)
            if written is None:
                rest.append(part)
            else:
                part.made["atom"], part.made["rss"] = written
    for ns in dict.fromkeys(part.rss_namespaces for part in rest):
        for fmt in xml:
            group = [p for p in rest if p.rss_namespaces == ns and fmt not in p.made]
            items = [p.item for p in group]
            space = ns if fmt == "rss" else ()
            try:
                made = _xml_fragments(fmt, items, space)
            except ValueError:
                # Some entry the renderer refuses: find it (and raise) one at a time.
                made = [_xml_fragment(fmt, item, space) for item in items]
            for part, fragment in zip(group, made, strict=True):
                part.made[fmt] = fragment


def _text_bytes(*texts: str) -> int:
    # In memory: 1, 2 or 4 bytes a character (Cyrillic takes 2), and a header.
    return sum(map(sys.getsizeof, texts))


def _keep(entry: FeedEntry, found: EntryFragments) -> None:
    # The key holds the entry's text, the prepared entry a cleaned copy of it.
    item = found.item
    size = sum(map(len, found.made.values())) + 512
    size += _text_bytes(*entry.paragraphs, entry.summary, entry.title)
    size += _text_bytes(item.content_html, item.summary, item.title)
    _FRAGMENTS.put(entry, found, size)


def entry_fragments(entry: FeedEntry) -> EntryFragments:
    """The entry's fragments, made on first use and kept while the entry stays the same."""
    return all_fragments([entry])[0]


def all_fragments(
    entries: Sequence[FeedEntry], formats: Sequence[str] = FORMATS
) -> list[EntryFragments]:
    """``entry_fragments`` of each entry, holding at least ``formats``; what is
    not kept is made together."""
    fresh: dict[FeedEntry, EntryFragments] = {}
    parts = []
    for entry in entries:
        part = _FRAGMENTS.get(entry)
        if part is None:
            if entry not in fresh:
                fresh[entry] = _start(entry)
            part = fresh[entry]
        parts.append(part)
    grown = {
        entry: part
        for entry, part in zip(entries, parts, strict=True)
        if entry in fresh or any(fmt not in part.made for fmt in formats)
    }
    _fill(parts, formats)
    for entry, part in grown.items():
        _keep(entry, part)
    return parts


def assemble_formats(metas: dict[str, FeedMeta], entries: Sequence[FeedEntry]) -> dict[str, bytes]:
    """The same bytes as ``render_formats(metas, entries)``, from stored fragments.

    Raises ValueError as the full render does: an unknown format, a bad meta
    value, an entry the renderer refuses, duplicate guids.
    """
    for fmt in metas:
        if fmt not in _TAILS:
            raise ValueError(f"unknown feed format {fmt!r}; expected one of {FORMATS}")
    parts = all_fragments(entries, tuple(metas))
    seen: set[str] = set()
    for part in parts:
        if part.guid in seen:
            raise ValueError(f"duplicate entry guid: {part.guid!r}")
        seen.add(part.guid)
    author = any(not part.has_author for part in parts)
    merged: dict[str, str] = {}
    for part in parts:
        merged.update(part.rss_namespaces)
    ns = tuple(merged.items())  # in the order the full render declares them
    out = {}
    for fmt, meta in metas.items():
        # Checked and cleaned as the full render does, once per distinct meta.
        head, tail = _frame(fmt, meta, author, ns if fmt == "rss" else ())
        out[fmt] = b"".join((head, _body(fmt, meta, parts), tail))
    return out
