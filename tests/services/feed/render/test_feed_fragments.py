"""Documents assembled from entry fragments are the full render's bytes, and stay valid."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.feed.render import (
    FORMATS,
    assemble_formats,
    clear_fragments,
    render_formats,
)
from services.feed.render import fragments as frag
from services.feed.render.exchange_rate import ExchangeRate

from .feed_render_checks import parse_with_feedparser
from .feed_render_factories import T0, hostile_entries, make_entries, make_entry, make_meta

PAGING = {
    "subscription": {
        "prev_archive_url": "https://news.example.org/feeds/articles/archive/3.x",
        "hub_url": "https://news.example.org/websub",
    },
    "archive": {
        "is_archive": True,
        "current_url": "https://news.example.org/feeds/articles.x",
        "next_archive_url": "https://news.example.org/feeds/articles/archive/2.x",
    },
    "plain": {},
}


def metas(kind: str = "plain", **more: object) -> dict[str, object]:
    return {fmt: make_meta(fmt, **PAGING[kind], **more) for fmt in FORMATS}


def rate_entry(n: int, value: str = "0.01144") -> object:
    stat = ExchangeRate(value=value, base="KGS", target="USD", observed=T0)
    return make_entry(n, authors=(), rss_extensions=(stat,))


def same_bytes(meta: dict, entries: list) -> dict[str, bytes]:
    full = render_formats(meta, entries)
    assert assemble_formats(meta, entries) == full  # fragments made now
    assert assemble_formats(meta, entries) == full  # fragments reused
    return full


@pytest.mark.parametrize("kind", sorted(PAGING))
def test_assembled_documents_are_the_full_render(kind: str) -> None:
    clear_fragments()
    same_bytes(metas(kind), make_entries(50, paragraphs=3))
    same_bytes(metas(kind), [])
    same_bytes(metas(kind), hostile_entries())


def test_the_frame_follows_the_entries_authors_and_namespaces() -> None:
    with_author, without = make_entry(1), make_entry(2, authors=())
    for entries in ([with_author], [without], [with_author, without]):
        same_bytes(metas(), entries)
    # RSS-CB items: the namespaces are declared on <rss> whether one or all items use them.
    same_bytes(metas(), [rate_entry(1), rate_entry(2, "12500")])
    same_bytes(metas(), [make_entry(3), rate_entry(4), make_entry(5)])
    same_bytes(metas(), [make_entry(3), make_entry(5)])


def test_one_changed_entry_is_made_again_and_the_rest_reused() -> None:
    clear_fragments()
    entries = make_entries(10)
    same_bytes(metas(), entries)
    made: list[str] = []
    real = frag._start

    def counting(entry):  # type: ignore[no-untyped-def]
        made.append(entry.guid)
        return real(entry)

    edited = dataclasses.replace(entries[3], title="Edited", updated=T0 + timedelta(days=1))
    entries[3] = edited
    try:
        frag._start = counting  # type: ignore[assignment]
        full = same_bytes(metas(updated=edited.updated), entries)
    finally:
        frag._start = real  # type: ignore[assignment]
    assert made == [edited.guid]
    assert b"Edited" in full["atom"] and b"Edited" in full["rss"] and b"Edited" in full["json"]


def test_a_format_fragment_is_made_when_a_document_in_that_format_first_holds_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clear_fragments()
    entries = [make_entry(n) for n in range(500, 504)] + [rate_entry(504)]
    entries += hostile_entries()
    rendered: list[str] = []
    written: list[str] = []
    real_render, real_write = frag._render_xml, frag.entry_xml

    def render(fmt, *args, **kwargs):  # type: ignore[no-untyped-def]
        rendered.append(fmt)
        return real_render(fmt, *args, **kwargs)

    def write(item):  # type: ignore[no-untyped-def]
        written.append(item.guid)
        return real_write(item)

    monkeypatch.setattr(frag, "_render_xml", render)
    monkeypatch.setattr(frag, "entry_xml", write)
    only_json = {"json": metas("subscription")["json"]}
    json_doc = assemble_formats(only_json, entries)["json"]
    assert rendered == [] and written == []  # a JSON reader's render makes no XML
    assert all(set(part.made) == {"json"} for part in frag.all_fragments(entries, ("json",)))
    # The other formats are made when first asked for, to the bytes of a fresh render.
    assert assemble_formats(metas("subscription"), entries)["json"] == json_doc
    assert sorted(set(rendered)) == ["atom", "rss"] and written
    same_bytes(metas("subscription"), entries)


def test_assembled_documents_pass_feedparser() -> None:
    entries = [make_entry(n) for n in range(300, 305)] + hostile_entries() + [rate_entry(200)]
    documents = assemble_formats(metas("subscription"), entries)
    for fmt in ("atom", "rss"):
        parsed = parse_with_feedparser(fmt, documents[fmt])
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert len(parsed.entries) == len(entries)
    assert len(json.loads(documents["json"])["items"]) == len(entries)


def test_errors_are_those_of_the_full_render() -> None:
    with pytest.raises(ValueError, match="duplicate entry guid"):
        assemble_formats(metas(), [make_entry(1), make_entry(1, title="again")])
    with pytest.raises(ValueError, match="unknown feed format"):
        assemble_formats({"html": make_meta()}, [make_entry(1)])
    with pytest.raises(ValueError, match="absolute URI"):
        assemble_formats(metas(), [make_entry(1, guid="not a uri")])


text = st.text(st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=40, deadline=None)
@given(
    titles=st.lists(text, min_size=0, max_size=4),
    paragraphs=st.lists(text, max_size=3),
    tags=st.lists(text, max_size=3),
    authors=st.lists(text, max_size=3).map(tuple),
)
def test_random_entries_assemble_to_the_full_render(
    titles: list[str], paragraphs: list[str], tags: list[str], authors: tuple[str, ...]
) -> None:
    entries = [
        make_entry(n, title=t, paragraphs=tuple(paragraphs), tags=tuple(tags), authors=authors)
        for n, t in enumerate(titles, start=1)
    ]
    same_bytes(metas("subscription"), entries)


def test_entries_met_together_share_one_document_per_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = [make_entry(n) for n in range(400, 406)] + [rate_entry(406), rate_entry(407)]
    entries += hostile_entries()
    clear_fragments()
    one_by_one = [frag._make([entry])[0] for entry in entries]
    frag._FRAGMENTS.clear()  # the frames stay: only entry documents are counted
    rendered: list[str] = []
    real = frag._render_xml

    def counting(fmt, *args, **kwargs):  # type: ignore[no-untyped-def]
        rendered.append(fmt)
        return real(fmt, *args, **kwargs)

    monkeypatch.setattr(frag, "_render_xml", counting)
    together = frag._make(entries)
    assert together == one_by_one
    # The articles are written without a document (``entry_xml``); the rate
    # entries (RSS-CB) share one Atom and one RSS document instead of one each.
    assert sorted(rendered) == ["atom", "rss"]
    same_bytes(metas("subscription"), entries)


def test_a_new_date_or_archive_page_reuses_the_rendered_frame() -> None:
    clear_fragments()
    entries = make_entries(3)
    for n, page in enumerate((3, 4, 5, 19, 20, 1000)):
        url = f"https://news.example.org/feeds/tags/a1/archive/{page}.x"
        same_bytes(metas(prev_archive_url=url, updated=T0 + timedelta(hours=n)), entries)
    # One frame per format, rendered once with stand-ins for the date and page.
    assert frag._rendered_frame.cache_info().misses == len(FORMATS)
    # A stand-in held by other text too: rendered as it is, still the same bytes.
    held = f"https://news.example.org/feeds/{frag._PAGE_HOLDER}/archive/{frag._PAGE_HOLDER}.x"
    same_bytes(metas(prev_archive_url=held), entries)
    same_bytes(metas(prev_archive_url=held.replace(frag._PAGE_HOLDER, "7", 1)), entries)


def test_a_kept_entry_counts_the_bytes_its_text_takes_in_memory() -> None:
    # Cyrillic text takes two bytes a character: the store's byte budget counts them.
    clear_fragments()
    paragraphs = ("Курс тенге к доллару вырос на фоне цен на нефть. " * 40,)
    entry = make_entry(600, paragraphs=paragraphs)
    assemble_formats({"json": metas("subscription")["json"]}, [entry])
    (kept,) = frag._FRAGMENTS._entries.values()
    part, size = kept
    held = sys.getsizeof(paragraphs[0]) + sys.getsizeof(part.item.content_html)
    assert size >= held + len(part.made["json"])


@pytest.mark.parametrize("feed_language", ["en", "ru", None])
def test_entry_languages_assemble_to_the_full_render(feed_language: str | None) -> None:
    """An entry states its language where it is not the document's: the same
    fragments serve every document, whatever language it states."""
    entries = [
        make_entry(1, language="ru"),
        make_entry(2, language="en"),
        make_entry(3),
        rate_entry(4),
        dataclasses.replace(rate_entry(5), language="ru"),  # type: ignore[type-var]
    ]
    for _ in range(2):  # with the fragments of the other languages' documents kept
        full = same_bytes(metas("subscription", language=feed_language), entries)
    atom, items = full["atom"], json.loads(full["json"])["items"]
    stated = [e.get("language") for e in items]
    own = [None if e.language == feed_language else e.language for e in entries]  # type: ignore[attr-defined]
    assert stated == own
    assert atom.count(b"<entry xml:lang=") == sum(lang is not None for lang in own)
    assert (b"<language>" in full["rss"]) == (feed_language is not None)
