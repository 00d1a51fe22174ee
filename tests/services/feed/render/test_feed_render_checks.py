"""The checks themselves: each must flag the fault it is named after.

A validator that passes everything would make every other test vacuous, so
each rule is run against a good feed broken in exactly one way.
"""

from __future__ import annotations

import json

import pytest
from feed_render_checks import (
    check_atom_schema,
    check_feedparser,
    check_invalid_rfc2822_date,
    check_invalid_rfc3339_date,
    feed_problems,
    rfc2822_problem,
    rfc3339_problem,
)
from feed_render_factories import make_entry, make_meta

from services.feed.render import render_feed


def good(fmt: str) -> bytes:
    return render_feed(fmt, make_meta(fmt), [make_entry(1), make_entry(2)])


def rule_names(problems: list[str]) -> set[str]:
    return {problem.split(":", 1)[0] for problem in problems}


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_good_feeds_have_no_problems(fmt: str) -> None:
    assert feed_problems(fmt, good(fmt), make_meta(fmt).self_url) == []


@pytest.mark.parametrize(
    ("fmt", "old", "new", "rule"),
    [
        (
            "atom",
            b"<id>urn:uuid:00000000-0000-4000-8000-000000000002</id>",
            b"<id></id>",
            "MissingId",
        ),
        ("rss", b"-000000000002</guid>", b"-000000000001</guid>", "DuplicateId"),
        ("json", b'-000000000002"', b'-000000000001"', "DuplicateId"),
        ("atom", b'rel="self"', b'rel="related"', "MissingSelf"),
        ("rss", b'rel="self"', b'rel="related"', "MissingSelf"),
        (
            "json",
            b'"feed_url":"https://news.example.org/feeds/articles.json"',
            b'"feed_url":"https://news.example.org/other.json"',
            "MissingSelf",
        ),
        ("rss", b"Mon, 15 Dec 2025 08:31:00 +0000", b"2025-12-15T08:31:00Z", "InvalidRFC2822Date"),
        (
            "rss",
            b"Mon, 15 Dec 2025 08:31:00 +0000",
            b"Mon, 15 Dec 2025 08:31:00",
            "InvalidRFC2822Date",
        ),
        ("atom", b"2025-12-15T08:31:00+00:00", b"2025-12-15T08:31:00", "InvalidRFC3339Date"),
        ("json", b"2025-12-15T08:31:00+00:00", b"2025-12-15 08:31", "InvalidRFC3339Date"),
        ("atom", b"<title>Silk Road News</title>", b"<title></title>", "MissingTitle"),
        ("rss", b"<title>Silk Road News</title>", b"<title> </title>", "MissingTitle"),
        ("json", b'"title":"Silk Road News"', b'"title":""', "MissingTitle"),
        (
            "rss",
            b"<description>Articles from Central Asia</description>",
            b"",
            "MissingDescription",
        ),
        ("atom", b"<name>Aida Bekova</name></author>", b"<name>A</name></author><zz/>", "RelaxNG"),
        (
            "atom",
            b"&lt;p&gt;First",
            b"&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;First",
            "UnsafeContent",
        ),
        (
            "rss",
            b"&lt;p&gt;First",
            b"&lt;img src=x onerror=alert(1)&gt;&lt;p&gt;First",
            "UnsafeContent",
        ),
        ("json", b"<p>First", b'<a href=\\"javascript:alert(1)\\">x</a><p>First', "UnsafeContent"),
        ("json", b'"version":"https://jsonfeed.org/version/1.1",', b"", "JSONSchema"),
    ],
)
def test_each_rule_catches_its_fault(fmt: str, old: bytes, new: bytes, rule: str) -> None:
    data = good(fmt)
    assert old in data
    problems = feed_problems(fmt, data.replace(old, new, 1), make_meta(fmt).self_url)
    assert rule in rule_names(problems), problems


def test_not_well_formed_xml_is_reported() -> None:
    data = good("atom").replace(b"</feed>", b"")
    assert feed_problems("atom", data, make_meta("atom").self_url)[0].startswith(
        "not well-formed XML"
    )


def test_feedparser_problems_are_reported() -> None:
    truncated = good("rss")[:-40]
    assert any("bozo" in p for p in check_feedparser("rss", truncated))
    assert any("version" in p for p in check_feedparser("atom", b"<html><body/></html>"))
    assert check_feedparser("rss", good("rss")) == []


def test_atom_schema_allows_foreign_extensions_and_rejects_atom_intruders() -> None:
    data = good("atom")
    extension = b'<x:meta xmlns:x="urn:x" a="1"><x:inner>t</x:inner></x:meta><generator>'
    assert check_atom_schema(data.replace(b"<generator>", extension, 1)) == []
    assert check_atom_schema(data.replace(b"<generator>", b"<x/><generator>", 1)) != []
    two_ids = data.replace(b"<generator>", b"<id>urn:x:2</id><generator>", 1)
    assert check_atom_schema(two_ids) != []
    bad_lang = data.replace(b'xml:lang="en"', b'xml:lang="en_US"', 1)
    assert check_atom_schema(bad_lang) != []


def test_date_rules_directly() -> None:
    assert rfc3339_problem("2025-12-15T08:31:00Z") is None
    assert rfc3339_problem("2025-12-15T08:31:00.123+06:00") is None
    for bad in ("2025-12-15T08:31:00", "2025-12-15", "2025-02-30T00:00:00Z", None, 5):
        assert rfc3339_problem(bad) is not None, bad
    assert rfc2822_problem("Mon, 15 Dec 2025 08:31:00 +0000") is None
    assert rfc2822_problem("15 Dec 2025 08:31:00 GMT") is None
    for bad in ("Mon, 15 Dec 2025 08:31:00", "2025-12-15T08:31:00Z", "Mon, 32 Foo 2025"):
        assert rfc2822_problem(bad) is not None, bad
    assert check_invalid_rfc2822_date(good("rss")) == []
    assert check_invalid_rfc3339_date("json", good("json")) == []
    assert json.loads(good("json"))["items"][0]["date_published"].endswith("+00:00")
