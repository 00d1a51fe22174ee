"""Entries written as text are the bytes feedgen and lxml write for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from services.feed.render import fragments as frag
from services.feed.render.entry_xml import entry_xml, rfc2822
from services.feed.render.exchange_rate import ExchangeRate
from services.feed.render.prepare import prepare_entry

from .feed_render_factories import T0, hostile_entries, make_entries, make_entry

# What escaping and line handling treat specially, mixed with any character.
special = st.sampled_from(list("&<>\"'\r\n\t ]>\u00a0\u2028\u0085;#"))
text = st.text(special | st.characters(codec="utf-8"), max_size=30)


def rendered(entry: object) -> tuple[bytes, bytes]:
    """The entry's fragments cut out of feedgen's one-entry documents."""
    item = prepare_entry(entry)  # type: ignore[arg-type]
    return frag._xml_fragment("atom", item, ()), frag._xml_fragment("rss", item, ())


def test_ordinary_and_hostile_entries_are_written_as_feedgen_writes_them() -> None:
    entries = [*make_entries(5, paragraphs=3), *hostile_entries()]
    entries.append(make_entry(7, link="https://x.example/a?b=1&c=\"2\"\t", authors=()))
    written = 0
    for entry in entries:
        direct = entry_xml(prepare_entry(entry))
        if direct is not None:
            written += 1
            assert direct == rendered(entry)
    # Only entries with nothing unusual take the written path; most do.
    assert written >= len(entries) - 2


def test_entries_with_rss_extensions_are_left_to_feedgen() -> None:
    stat = ExchangeRate(value="0.01144", base="KGS", target="USD", observed=T0)
    assert entry_xml(prepare_entry(make_entry(1, rss_extensions=(stat,)))) is None


@settings(max_examples=300, deadline=None)
@given(
    title=text,
    summary=text,
    paragraphs=st.lists(text, max_size=3),
    tags=st.lists(text, max_size=3),
    authors=st.lists(text, max_size=3).map(tuple),
    link=st.sampled_from(["https://news.example.org/a", "http://x.example/?q=<&>\"", "mailto:x"])
    | text,
    offset=st.integers(min_value=-14 * 60, max_value=14 * 60),
    seconds=st.integers(min_value=0, max_value=10**10),
)
def test_random_entries_are_written_as_feedgen_writes_them(
    title: str,
    summary: str,
    paragraphs: list[str],
    tags: list[str],
    authors: tuple[str, ...],
    link: str,
    offset: int,
    seconds: int,
) -> None:
    when = datetime(1990, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds, microseconds=7)
    entry = make_entry(
        1,
        title=title,
        summary=summary,
        paragraphs=tuple(paragraphs),
        tags=tuple(tags),
        authors=authors,
        link=link,
        published=when.astimezone(timezone(timedelta(minutes=offset))),
        updated=when + timedelta(days=1),
    )
    direct = entry_xml(prepare_entry(entry))
    if direct is not None:
        assert direct == rendered(entry)


def test_dates_are_written_as_feedgen_writes_them() -> None:
    from feedgen.util import formatRFC2822

    day = datetime(2024, 1, 1, 0, 0, 9, tzinfo=UTC)
    for n in range(0, 400, 7):
        when = day + timedelta(days=n, hours=n % 24)
        assert rfc2822(when) == formatRFC2822(when)
