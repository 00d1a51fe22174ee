from __future__ import annotations

from feed_render_checks import NS, feed_problems
from feed_render_factories import BASE, T0, make_entry, make_meta, self_url
from lxml import etree

from services.feed.render import content_html, render_feed

ATOM = "{http://www.w3.org/2005/Atom}"
FH_ARCHIVE = "{http://purl.org/syndication/history/1.0}archive"


def render(meta=None, entries=()) -> tuple[bytes, etree._Element]:
    data = render_feed("atom", meta or make_meta("atom"), list(entries))
    assert feed_problems("atom", data, (meta or make_meta("atom")).self_url) == []
    return data, etree.fromstring(data)


def links(parent: etree._Element) -> list[dict[str, str]]:
    return [dict(link.attrib) for link in parent.iterfind("atom:link", NS)]


def test_feed_head() -> None:
    data, root = render(entries=[make_entry(1)])
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<feed ")
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.findtext("atom:id", namespaces=NS) == f"{BASE}/feeds/articles"
    assert root.findtext("atom:title", namespaces=NS) == "Silk Road News"
    assert root.findtext("atom:subtitle", namespaces=NS) == "Articles from Central Asia"
    # meta.updated, not the time of rendering
    assert root.findtext("atom:updated", namespaces=NS) == "2025-12-15T10:30:00+00:00"
    generator = root.find("atom:generator", NS)
    assert (generator.text, dict(generator.attrib)) == ("silkfeed", {})
    assert links(root) == [
        {"href": self_url("atom"), "rel": "self", "type": "application/atom+xml"},
        {"href": f"{BASE}/", "rel": "alternate", "type": "text/html"},
        {"href": self_url("rss"), "rel": "alternate", "type": "application/rss+xml"},
        {"href": self_url("json"), "rel": "alternate", "type": "application/feed+json"},
    ]
    assert root.find(FH_ARCHIVE) is None
    assert b"purl.org/syndication/history" not in data


def test_entry_fields() -> None:
    entry = make_entry(7, paragraphs=("One < two.", "Three & four."), tags=("Economy", "KGS"))
    _, root = render(entries=[entry])
    (node,) = root.iterfind("atom:entry", NS)
    assert node.findtext("atom:id", namespaces=NS) == entry.guid
    assert node.findtext("atom:title", namespaces=NS) == entry.title
    assert node.findtext("atom:published", namespaces=NS) == "2025-12-15T08:37:00+00:00"
    assert node.findtext("atom:updated", namespaces=NS) == "2025-12-15T08:37:30+00:00"
    summary = node.find("atom:summary", NS)
    assert (summary.get("type"), summary.text) == ("text", entry.summary)
    content = node.find("atom:content", NS)
    assert content.get("type") == "html"
    assert content.text == content_html(entry.paragraphs)
    assert content.text == "<p>One &lt; two.</p><p>Three &amp; four.</p>"
    assert links(node) == [{"href": f"{BASE}/articles/7", "rel": "alternate", "type": "text/html"}]
    assert [c.get("term") for c in node.iterfind("atom:category", NS)] == ["Economy", "KGS"]
    assert node.findtext("atom:author/atom:name", namespaces=NS) == "Aida Bekova"
    # Every entry has an author, so the feed needs none of its own.
    assert root.find("atom:author", NS) is None


def test_entries_keep_their_order() -> None:
    entries = [make_entry(n) for n in (3, 1, 2)]
    _, root = render(entries=entries)
    ids = [e.findtext("atom:id", namespaces=NS) for e in root.iterfind("atom:entry", NS)]
    assert ids == [e.guid for e in entries]


def test_feed_author_stands_in_when_an_entry_has_none() -> None:
    _, root = render(entries=[make_entry(1), make_entry(2, authors=())])
    assert root.findtext("atom:author/atom:name", namespaces=NS) == "Silk Road News"
    second = root.findall("atom:entry", NS)[1]
    assert second.find("atom:author", NS) is None


def test_rfc5005_archive_document() -> None:
    meta = make_meta(
        "atom",
        self_url=f"{BASE}/feeds/articles/2025-11.atom",
        current_url=self_url("atom"),
        prev_archive_url=f"{BASE}/feeds/articles/2025-10.atom",
        next_archive_url=f"{BASE}/feeds/articles/2025-12.atom",
        is_archive=True,
        alternates=(),
    )
    _, root = render(meta, [make_entry(1)])
    assert links(root)[2:] == [
        {"href": self_url("atom"), "rel": "current"},
        {"href": f"{BASE}/feeds/articles/2025-10.atom", "rel": "prev-archive"},
        {"href": f"{BASE}/feeds/articles/2025-12.atom", "rel": "next-archive"},
    ]
    archive = root.find(FH_ARCHIVE)
    assert archive is not None and len(archive) == 0 and not archive.text
    # In the head: before the first entry.
    children = list(root)
    assert children.index(archive) < children.index(root.find("atom:entry", NS))


def test_live_feed_with_older_archive_has_prev_archive_only() -> None:
    meta = make_meta("atom", prev_archive_url=f"{BASE}/feeds/articles/2025-11.atom")
    _, root = render(meta, [make_entry(1)])
    rels = [link["rel"] for link in links(root)]
    assert rels.count("prev-archive") == 1
    assert "next-archive" not in rels and "current" not in rels
    assert root.find(FH_ARCHIVE) is None


def test_empty_feed() -> None:
    meta = make_meta("atom", updated=T0, subtitle="")
    _, root = render(meta, [])
    assert root.find("atom:entry", NS) is None
    assert root.find("atom:subtitle", NS) is None
    assert root.findtext("atom:updated", namespaces=NS) == "2025-12-15T08:30:00+00:00"
