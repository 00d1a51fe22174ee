from __future__ import annotations

from feed_render_checks import NS, feed_problems
from feed_render_factories import BASE, SCRIPT, make_entry, make_meta, self_url
from lxml import etree

from services.feed.render import content_html, render_feed

FH_ARCHIVE = "{http://purl.org/syndication/history/1.0}archive"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


def render(meta=None, entries=()) -> tuple[bytes, etree._Element]:
    meta = meta or make_meta("rss")
    data = render_feed("rss", meta, list(entries))
    assert feed_problems("rss", data, meta.self_url) == []
    return data, etree.fromstring(data)


def atom_links(channel: etree._Element) -> list[dict[str, str]]:
    return [dict(link.attrib) for link in channel.iterfind("atom:link", NS)]


def test_channel() -> None:
    data, root = render(entries=[make_entry(1)])
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<rss ")
    assert (root.tag, root.get("version")) == ("rss", "2.0")
    channel = root.find("channel")
    assert channel.findtext("title") == "Silk Road News"
    assert channel.findtext("link") == f"{BASE}/"
    assert channel.findtext("description") == "Articles from Central Asia"
    assert channel.findtext("language") == "en"
    assert channel.findtext("ttl") == "5"
    assert channel.findtext("generator") == "silkfeed"
    assert channel.findtext("lastBuildDate") == "Mon, 15 Dec 2025 10:30:00 +0000"
    assert channel.find("pubDate") is None
    assert atom_links(channel) == [
        {"href": self_url("rss"), "rel": "self", "type": "application/rss+xml"},
        {"href": self_url("atom"), "rel": "alternate", "type": "application/atom+xml"},
        {"href": self_url("json"), "rel": "alternate", "type": "application/feed+json"},
    ]
    assert channel.find(FH_ARCHIVE) is None


def test_item_fields() -> None:
    entry = make_entry(7, paragraphs=("One < two.", "Three & four."), tags=("Economy", "KGS"))
    _, root = render(entries=[entry])
    (item,) = root.iterfind("channel/item")
    assert item.findtext("title") == entry.title
    assert item.findtext("link") == f"{BASE}/articles/7"
    guid = item.find("guid")
    assert (guid.text, guid.get("isPermaLink")) == (entry.guid, "false")
    assert item.findtext("pubDate") == "Mon, 15 Dec 2025 08:37:00 +0000"
    assert item.findtext("description") == entry.summary
    assert item.findtext("content:encoded", namespaces=NS) == content_html(entry.paragraphs)
    assert [c.text for c in item.iterfind("category")] == ["Economy", "KGS"]
    # RSS <author> must be an e-mail address; a bare name goes to dc:creator.
    assert item.find("author") is None
    assert item.findtext(DC_CREATOR) == "Aida Bekova"


def test_description_is_the_summary_escaped_as_html() -> None:
    entry = make_entry(1, summary=f"Tom & Jerry {SCRIPT}")
    _, root = render(entries=[entry])
    description = root.findtext("channel/item/description")
    assert description == "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;"


def test_rfc5005_archive_document() -> None:
    meta = make_meta(
        "rss",
        self_url=f"{BASE}/feeds/articles/2025-11.rss",
        current_url=self_url("rss"),
        prev_archive_url=f"{BASE}/feeds/articles/2025-10.rss",
        next_archive_url=f"{BASE}/feeds/articles/2025-12.rss",
        is_archive=True,
        alternates=(),
    )
    _, root = render(meta, [make_entry(1)])
    channel = root.find("channel")
    assert atom_links(channel) == [
        {
            "href": f"{BASE}/feeds/articles/2025-11.rss",
            "rel": "self",
            "type": "application/rss+xml",
        },
        {"href": self_url("rss"), "rel": "current"},
        {"href": f"{BASE}/feeds/articles/2025-10.rss", "rel": "prev-archive"},
        {"href": f"{BASE}/feeds/articles/2025-12.rss", "rel": "next-archive"},
    ]
    archive = channel.find(FH_ARCHIVE)
    assert archive is not None and len(archive) == 0 and not archive.text
    children = list(channel)
    assert children.index(archive) < children.index(channel.find("item"))


def test_ttl_follows_meta() -> None:
    _, root = render(make_meta("rss", ttl_minutes=30), [])
    assert root.findtext("channel/ttl") == "30"


def test_blank_subtitle_falls_back_to_title_for_required_description() -> None:
    _, root = render(make_meta("rss", subtitle=" \x00 "), [])
    assert root.findtext("channel/description") == "Silk Road News"


def test_empty_feed() -> None:
    _, root = render(make_meta("rss"), [])
    assert root.find("channel/item") is None
