"""Inputs for the renderer tests: ordinary, hostile and large feeds."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from services.feed.render import FeedEntry, FeedMeta

BASE = "https://news.example.org"
EXTENSIONS = {"atom": "atom", "rss": "rss", "json": "json"}
T0 = datetime(2025, 12, 15, 8, 30, tzinfo=UTC)

PARAGRAPH = (
    "The som held steady against the dollar this week as the National Bank of the Kyrgyz "
    "Republic kept its policy rate unchanged, citing slowing inflation and strong remittance "
    "inflows from Russia and Kazakhstan. Traders in Bishkek said demand for dollars was muted "
    "ahead of the holidays, while exporters continued to convert earnings. "
)[:300]


def self_url(fmt: str, path: str = "/feeds/articles") -> str:
    return f"{BASE}{path}.{EXTENSIONS[fmt]}"


def make_meta(fmt: str = "atom", **overrides: Any) -> FeedMeta:
    meta = FeedMeta(
        feed_id=f"{BASE}/feeds/articles",
        title="Silk Road News",
        subtitle="Articles from Central Asia",
        self_url=self_url(fmt),
        html_url=f"{BASE}/",
        updated=T0 + timedelta(hours=2),
        ttl_minutes=5,
        language="en",
        alternates=tuple(
            (media, self_url(other))
            for other, media in (
                ("atom", "application/atom+xml"),
                ("rss", "application/rss+xml"),
                ("json", "application/feed+json"),
            )
        ),
    )
    return dataclasses.replace(meta, **overrides)


def make_entry(n: int = 1, **overrides: Any) -> FeedEntry:
    entry = FeedEntry(
        guid=f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        title=f"Som steady as central bank holds rate ({n})",
        link=f"{BASE}/articles/{n}",
        published=T0 + timedelta(minutes=n),
        updated=T0 + timedelta(minutes=n, seconds=30),
        summary=f"The som held steady against the dollar (story {n}).",
        paragraphs=(f"First paragraph of story {n}.", "Second paragraph & more."),
        tags=("Economy", "Kyrgyzstan"),
        authors=("Aida Bekova",),
    )
    return dataclasses.replace(entry, **overrides)


def make_entries(count: int, paragraphs: int = 2) -> list[FeedEntry]:
    return [
        make_entry(n, paragraphs=tuple(f"{n}.{p} {PARAGRAPH}" for p in range(paragraphs)))
        for n in range(1, count + 1)
    ]


CONTROL_CHARS = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]))
SCRIPT = "<script>alert(1)</script>"
IMG_ONERROR = "<img src=x onerror=alert(1)>"
JS_LINK = '<a href="javascript:alert(1)">click</a>'
UNBALANCED = "<b><i>unclosed </div> </p>"
RTL = "\u202eevil\u202c \u200fmark"
ASTRAL = "Flags 🇰🇬 emoji 😀 math 𝔘𝔫𝔦 CJK 𠀋"
CDATA_END = "]]> and <![CDATA[ x ]]>"
SURROGATES_AND_NONCHARS = "a\ud800b\udfffc\ufffed\uffff"


def hostile_entries() -> list[FeedEntry]:
    """One entry per kind of hostile text, plus one with all of them at once."""
    nasty = [
        CONTROL_CHARS,
        SCRIPT,
        IMG_ONERROR,
        JS_LINK,
        UNBALANCED,
        RTL,
        ASTRAL,
        CDATA_END,
        SURROGATES_AND_NONCHARS,
    ]
    entries = [
        make_entry(
            n,
            title=f"{text} title {n}",
            summary=f"{text} summary",
            paragraphs=(text, "", "   ", f"before {text} after"),
            tags=(text, f"tag {n}"),
            authors=(f"{text} author",),
        )
        for n, text in enumerate(nasty, start=1)
    ]
    everything = "".join(nasty)
    entries.append(
        make_entry(
            100,
            title="T" * 5000,
            summary=everything,
            paragraphs=(everything, "", SCRIPT * 3, IMG_ONERROR),
            tags=(everything,),
        )
    )
    entries.append(make_entry(101, title=CONTROL_CHARS, summary="", paragraphs=()))
    entries.append(make_entry(102, link="javascript:alert(1)", authors=(), tags=()))
    return entries
