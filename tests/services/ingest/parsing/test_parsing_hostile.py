"""Hostile and broken input: parse_page returns a page or raises ParseError, nothing else."""

from __future__ import annotations

import contextlib
import json
import re
import resource
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.ingest.parsing import (
    ParsedArticle,
    ParsedPage,
    ParseError,
    Quote,
    SchemaError,
    ceiling,
    html_depth,
    parse_page,
    validate_json_document,
)
from services.ingest.parsing.clean import (
    clean_utf8,
    clean_utf8_tags,
    has_forbidden,
    tree_text_has_forbidden,
)
from services.ingest.parsing.dates import parse_date_line
from services.ingest.parsing.html_depth import MAX_DEPTH
from services.ingest.parsing.html_tree import build_tree
from services.ingest.parsing.ticker import parse_ticker_line
from tests.support.sample import SAMPLE_TITLES

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
SAMPLE_TEXT = (FIXTURES / "timesca-2025-12-15.txt").read_text(encoding="utf-8")
SAMPLE_HTML = (FIXTURES / "timesca-2025-12-15.html").read_text(encoding="utf-8")
SAMPLE_LINES = SAMPLE_TEXT.split("\n")
TICKER_LINES = sorted({line.strip() for line in SAMPLE_LINES if "USD =" in line})
DATE_LINE = "15 December 2025"
MEDIA_TYPES = ["text/plain", "text/html", "application/json"]

XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def parse_or_error(body: bytes, media_type: str) -> ParsedPage | None:
    """The page, or None when parse_page refused it with a ParseError (and only that)."""
    try:
        page = parse_page(body, media_type)
    except ParseError as exc:
        assert str(exc)
        return None
    check_page(page)
    return page


def check_page(page: ParsedPage) -> None:
    assert isinstance(page, ParsedPage)
    for quote in page.quotes:
        assert isinstance(quote, Quote)
        assert isinstance(quote.rate, Decimal)
        assert XML_FORBIDDEN.search(quote.change) is None
    for article in page.articles:
        assert isinstance(article, ParsedArticle)
        assert article.title
        texts = [article.title, *article.paragraphs, *article.tags, article.url or ""]
        for text in texts:
            assert isinstance(text, str)
            assert XML_FORBIDDEN.search(text) is None, repr(text)
        for text in (article.title, *article.paragraphs):
            assert text == text.strip()
            assert parse_ticker_line(text) is None, text
            assert parse_date_line(text) is None, text


@FUZZ
@given(text=st.text(), media_type=st.sampled_from(MEDIA_TYPES))
def test_random_text(text: str, media_type: str) -> None:
    parse_or_error(text.encode("utf-8"), media_type)


@FUZZ
@given(body=st.binary(max_size=2000), media_type=st.sampled_from(MEDIA_TYPES))
def test_random_bytes(body: bytes, media_type: str) -> None:
    parse_or_error(body, media_type)


@FUZZ
@given(
    lines=st.lists(
        st.one_of(
            st.sampled_from(SAMPLE_LINES),
            st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
            st.sampled_from(["<p>", "</p>", "<h2>", "</h2>", "<article>", "&#1;", "&#xFFFE;"]),
        ),
        max_size=40,
    ),
    media_type=st.sampled_from(["text/plain", "text/html"]),
)
def test_sample_lines_mixed_with_noise(lines: list[str], media_type: str) -> None:
    parse_or_error("\n".join(lines).encode("utf-8"), media_type)


@FUZZ
@given(data=st.data())
def test_sample_with_lines_shuffled_deleted_and_duplicated(data: st.DataObject) -> None:
    lines = list(SAMPLE_LINES)
    operations = data.draw(
        st.lists(st.sampled_from(["shuffle", "delete", "duplicate"]), min_size=1, max_size=6)
    )
    for operation in operations:
        if operation == "shuffle":
            lines = data.draw(st.permutations(lines))
        elif lines and operation == "delete":
            start = data.draw(st.integers(0, len(lines) - 1))
            del lines[start : start + data.draw(st.integers(1, 10))]
        elif lines:
            index = data.draw(st.integers(0, len(lines) - 1))
            lines[index:index] = [lines[index]] * data.draw(st.integers(1, 3))
    page = parse_or_error("\n".join(lines).encode("utf-8"), "text/plain")
    assert page is not None  # reordered text is still text
    for article in page.articles:
        for text in (article.title, *article.paragraphs):
            assert DATE_LINE not in text
            assert not any(ticker in text for ticker in TICKER_LINES)


@FUZZ
@given(
    inserts=st.lists(
        st.tuples(st.integers(0, len(SAMPLE_TEXT)), st.text(min_size=1, max_size=5)),
        min_size=1,
        max_size=20,
    ),
    media_type=st.sampled_from(["text/plain", "text/html"]),
)
def test_sample_with_characters_inserted(inserts: list[tuple[int, str]], media_type: str) -> None:
    source = SAMPLE_TEXT if media_type == "text/plain" else SAMPLE_HTML
    chars = list(source)
    for position, text in sorted(inserts, reverse=True):
        chars.insert(min(position, len(chars)), text)
    parse_or_error("".join(chars).encode("utf-8"), media_type)


@FUZZ
@given(
    cut=st.tuples(st.integers(0, len(SAMPLE_HTML)), st.integers(0, 2000)),
)
def test_html_sample_with_a_slice_removed(cut: tuple[int, int]) -> None:
    start, length = cut
    parse_or_error((SAMPLE_HTML[:start] + SAMPLE_HTML[start + length :]).encode(), "text/html")


MARKUP_TOKENS = st.sampled_from(
    [
        "<article>", "</article>", "<header>", '<header role="banner">', "</header>",
        "<nav>", "</nav>", "<aside>", "</aside>", "<footer>", "</footer>", "<form>", "</form>",
        "<div hidden>", '<div role="navigation">', '<div class="ticker">', "<marquee>",
        "</div>", "</marquee>", "<main>", "</main>", "<h1>", "<h2>", "<h3>", "</h1>", "</h2>",
        "</h3>", "<p>", "</p>", "<blockquote>", "</blockquote>", "<ul>", "<li>", "</li>",
        "</ul>", "<br>", "<script>", "</script>", "<svg>", "</svg>", '<a href="/x">',
        '<a href="javascript:x()">', "</a>", '<base href="https://b.example/">',
        '<time datetime="2025-12-15T10:00:00Z">', "</time>", "&#1;", "&rsquo;", "&#xFFFE;",
        "Kazakhstan Opens a New Rail Line", "The line opened on Monday.", "KGS/USD = 0.01144 0%",
        "15 December 2025", " ", "\n",
    ]
)  # fmt: skip


@FUZZ
@given(tokens=st.lists(MARKUP_TOKENS, max_size=60))
def test_random_markup(tokens: list[str]) -> None:
    parse_or_error("".join(tokens).encode("utf-8"), "text/html")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
ARTICLE_LIKE = st.fixed_dictionaries(
    {"title": st.one_of(st.text(max_size=40), JSON_VALUES)},
    optional={
        "paragraphs": st.one_of(st.lists(st.text(max_size=40), max_size=4), JSON_VALUES),
        "body": st.one_of(st.text(max_size=80), JSON_VALUES),
        "url": st.one_of(st.sampled_from(["https://x.org/a", "http://[x", "ftp://y"]), JSON_VALUES),
        "published": st.sampled_from(["2025-12-15T10:00:00Z", "2025-12-15T25:00:00Z", "x"]),
        "tags": st.one_of(st.lists(st.text(max_size=10), max_size=3), JSON_VALUES),
    },
)
PAGE_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "page_date": st.one_of(st.sampled_from(["2025-12-15", "2025-02-30"]), JSON_VALUES),
        "articles": st.one_of(st.lists(ARTICLE_LIKE, max_size=3), JSON_VALUES),
        "rates": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "pair": st.sampled_from(["KGS/USD", "kgs", ""]),
                    "rate": st.one_of(st.sampled_from(["0.01144", "1,5"]), JSON_VALUES),
                    "change": st.sampled_from(["0%", "-0%", "+1.25%", "x"]),
                },
            ),
            max_size=3,
        ),
    },
)


@FUZZ
@given(document=st.one_of(PAGE_LIKE, JSON_VALUES))
def test_json_documents_validate_consistently(document: object) -> None:
    body = json.dumps(document).encode("utf-8")
    errors = validate_json_document(body)
    assert all(set(e) == {"field", "message"} and e["message"] for e in errors)
    assert all(e["field"] == "" or e["field"].startswith("/") for e in errors)
    try:
        page = parse_page(body, "application/json")
    except SchemaError as exc:
        assert exc.errors == errors != []
    else:
        assert errors == []
        check_page(page)


# --- specific hostile inputs -------------------------------------------------
# Their time bounds are on this process's CPU time: the work a page makes, not
# how long the machine's other work kept the test from a core.


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_invalid_utf8_names_the_byte_offset(media_type: str) -> None:
    body = "Kazakhstan’s exports".encode() + b"\xc3\x28 more"
    with pytest.raises(ParseError, match=r"not valid UTF-8: byte 0xc3 at offset 22"):
        parse_page(body, media_type)


@pytest.mark.parametrize("media_type", MEDIA_TYPES)
def test_nul_bytes_mean_binary(media_type: str) -> None:
    with pytest.raises(ParseError, match="NUL byte at offset 1"):
        parse_page(b"K\x00azakhstan", media_type)
    with pytest.raises(ParseError, match=r"binary|UTF-8"):
        parse_page(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", media_type)


def test_utf16_text_is_refused() -> None:
    with pytest.raises(ParseError, match="NUL byte"):
        parse_page("Kazakhstan Exports Grow".encode("utf-16"), "text/plain")


def test_mostly_control_characters_mean_binary() -> None:
    with pytest.raises(ParseError, match="binary"):
        parse_page(bytes(range(1, 32)) * 10, "text/plain")


def test_forbidden_characters_are_removed_from_text() -> None:
    page = parse_page(
        "Kazakh\x01stan Exports \x1bGrow Again\n\nExports grew\x0b by 5%\ufffe.\n".encode(),
        "text/plain",
    )
    (article,) = page.articles
    assert article.title == "Kazakhstan Exports Grow Again"
    assert article.paragraphs == ("Exports grew by 5%.",)


def test_forbidden_characters_from_entities_are_removed_from_html() -> None:
    page = parse_page(
        b"<h2>Tajik&#1; Dam Work &#xFFFE;Resumes</h2><p>Work&#x1F; resumed&#0;.</p>",
        "text/html",
    )
    (article,) = page.articles
    assert article.title == "Tajik Dam Work Resumes"
    # &#0; becomes U+FFFD as HTML requires; that one is a legal XML character.
    assert article.paragraphs == ("Work resumed\ufffd.",)


@pytest.mark.parametrize(
    ("body", "tags"),
    [
        (b"<p>Tajik Dam&rsquo;s &amp; Work <a href='?a=1&b=2#top'>more</a></p>", 4),
        # Forbidden bytes are dropped; the count is of the bytes kept.
        (b"<p>Tajik&\x01#1; Dam <<</p>\x1f", 4),
        (b"no markup at all", 0),
    ],
)
def test_cleaning_counts_the_pages_tags(body: bytes, tags: int) -> None:
    cleaned, counted = clean_utf8_tags(body)
    assert counted == tags == cleaned.count(b"<")
    assert cleaned == clean_utf8(body)


@pytest.mark.parametrize(
    "text",
    ["plain words", "line\nbreaks\tand\u00a0spaces\u2029", "a\x01b", "\x1f", "x\ufffe", "\uffff y",
     "curly \u2019quote\x0b", "\u0416\x01"],
)  # fmt: skip
def test_a_tree_text_is_told_forbidden_as_any_text(text: str) -> None:
    # Any text a tree gives: one without NUL (see the next test).
    assert tree_text_has_forbidden(text) is has_forbidden(text)


def test_a_tree_text_holds_no_nul() -> None:
    # The source holds none (a body with one is refused), and every reference
    # to it is read as U+FFFD: the tree text's check does not look for it.
    body, _ = clean_utf8_tags(b"<p>a&#0;b&#x0;c&#000;d&#x00000</p><title>&#0;</title>")
    tree = build_tree(body)
    assert tree.root is not None
    text = tree.root.text(separator="\n")
    assert "\x00" not in text
    assert text.count("\ufffd") == 5


def test_a_reference_made_by_dropping_a_forbidden_byte_is_read_and_cleaned() -> None:
    page = parse_page(b"<h2>Tajik&\x01#1; Dam Work Resumes</h2><p>Work&#\x02x1F; resumed.</p>", "text/html")
    (article,) = page.articles
    assert article.title == "Tajik Dam Work Resumes"
    assert article.paragraphs == ("Work resumed.",)


def test_deep_nesting_in_a_page_of_few_tags_builds_quickly() -> None:
    # Too few tags to cost much however they nest, so the page is not measured.
    depth = html_depth.UNCHECKED_TAGS - 4
    body = ("<div>" * depth + "<h2>Deep Kazakh Story Title</h2><p>Deep text.</p>").encode()
    started = time.process_time()
    page = parse_page(body, "text/html")
    assert time.process_time() - started < 2.0
    assert [a.title for a in page.articles] == ["Deep Kazakh Story Title"]


def test_deeply_nested_html_is_fine() -> None:
    body = ("<div>" * 1_500 + "<h2>Deep Kazakh Story Title</h2><p>Deep text.</p>").encode()
    page = parse_page(body, "text/html")
    assert [a.title for a in page.articles] == ["Deep Kazakh Story Title"]


@pytest.mark.parametrize(
    "body",
    [
        "<div>" * 100_000,
        "<ul><li><p>Item.</p>" * 100_000,
        "<article><h2>A Kazakh Title</h2><p>x</p>" * 100_000,
        "<div>" * 50_000 + "</div>" * 50_000,
    ],
)
def test_absurdly_deep_nesting_is_refused_quickly(body: str) -> None:
    # Building a tree this deep would take Lexbor time quadratic in the depth.
    started = time.process_time()
    with pytest.raises(ParseError, match="nests elements more than 2,000 levels deep"):
        parse_page(body.encode(), "text/html")
    assert time.process_time() - started < 2.0


@pytest.mark.parametrize("extra", [0, 1])
def test_depth_limit_is_exact_on_pages_with_many_tags(extra: int) -> None:
    # Enough shallow tags that counting them cannot clear the page, so the
    # depth is measured: flat, self-closing and closed elements add nothing,
    # and stray end tags never take the depth below zero.
    unit = '<P>x<br/><IMG src="a/b.png"><Span>s</Span><DIV/><li>i</p>'
    noise = unit * (html_depth.UNCHECKED_TAGS // unit.count("<") + 1)
    head = "</div>" * 5 + noise
    # The heading is one level more: the deepest element is MAX_DEPTH + extra down.
    depth = MAX_DEPTH - 1 + extra
    body = (
        head
        + "<div>" * depth
        + "<h2>Deep Kazakh Story Title</h2><p>Deep text.</p>"
        + "</div>" * depth
    ).encode()
    if extra:
        offset = len(head) + MAX_DEPTH * len("<div>")
        with pytest.raises(ParseError, match=f"at byte offset {offset}"):
            parse_page(body, "text/html")
    else:
        page = parse_page(body, "text/html")
        assert [a.title for a in page.articles] == ["Deep Kazakh Story Title"]


DEPTH_TOKENS = st.sampled_from(
    [
        "<div>",
        "</div>",
        "<DIV/>",
        "</div/>",
        "<Span\tclass='a/b'>",
        "</span\tx='/'>",
        "<p>",
        "</P>",
        "<li>",
        "<img\tsrc=x/>",
        "<br>",
        "</br>",
        "<a",
        "</a",
        ">",
        "<",
        "/",
        "x",
        "<li-x>",
        "<!--\t-->",
        "<svg><path/></svg>",
        "<b\ttitle='>'>",
        "</b>",
    ]
)


def reference_depth(body: bytes) -> int:
    """The depth as the guard defines it: ``_TAG`` walked in Python."""
    depth = deepest = 0
    for match in html_depth._TAG.finditer(body):
        closing, name, self_closing = match.groups()
        if name.lower() in html_depth._FLAT or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


@FUZZ
@given(tokens=st.lists(DEPTH_TOKENS, max_size=80), limit=st.integers(0, 6))
def test_depth_guard_refuses_exactly_what_the_tag_walk_finds_too_deep(
    tokens: list[str], limit: int
) -> None:
    # The quick counts and the quick bound only ever let through what the
    # walk would; with a small limit, random markup reaches every branch.
    body = "".join(tokens).encode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(html_depth, "MAX_DEPTH", limit)
        if reference_depth(body) > limit:
            with pytest.raises(ParseError, match="levels deep"):
                html_depth.check_depth(body)
        else:
            html_depth.check_depth(body)


def test_many_tags_without_a_closing_bracket_are_linear() -> None:
    body = ("<a" * 200_000 + "<p>x</p>").encode()
    started = time.process_time()
    assert parse_page(body, "text/html").articles == ()
    assert time.process_time() - started < 5.0


def test_many_unclosed_flat_elements_are_not_deep() -> None:
    body = ("<p>Para<br><img src=x><li>item" * 3_000).encode()
    assert parse_page(body, "text/html").articles == ()


def test_huge_ticker_like_line_is_not_quadratic() -> None:
    body = ("KGS/USD = 0.01144 0% " * 2000 + "x\n" + "=" * 10_000 + "%\n").encode()
    page = parse_page(body, "text/plain")
    assert page.quotes == () and page.articles == ()


@pytest.mark.parametrize(
    "unit, count",
    [
        # Each <p> closes the one before, and the <i>s inside it, which the
        # parser re-opens (clones) before the next text: quadratic in count.
        ("<i class=c{}><p>x", 8_000),
        # Stray end tags in between fool any count of open and closed tags.
        ("<i class=c{}><p>x</z>", 30_000),
    ],
)
def test_formatting_elements_reopened_without_end_are_refused_quickly(
    unit: str, count: int
) -> None:
    body = "".join(unit.format(k) for k in range(count)).encode()
    started = time.process_time()
    with pytest.raises(ParseError, match="builds a document tree of more than"):
        parse_page(body, "text/html")
    assert time.process_time() - started < 3.0


def test_the_address_space_ceiling_is_lifted_after_the_parse() -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    bad = "".join(f"<b title=t{k}><div>x</div>" for k in range(6_000)).encode()
    with pytest.raises(ParseError):
        parse_page(bad, "text/html")
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    # Nothing of the refused page stays behind to spoil the next one.
    page = parse_page(SAMPLE_HTML.encode(), "text/html")
    assert [a.title for a in page.articles] == SAMPLE_TITLES


def test_a_tighter_limit_already_in_force_is_kept() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with ceiling.address_space_ceiling(64 << 20):
        inside = resource.getrlimit(resource.RLIMIT_AS)
        assert inside[0] != resource.RLIM_INFINITY and inside[1] == hard
        # Nested, a looser ceiling leaves the tighter one in force.
        with ceiling.address_space_ceiling(1 << 40):
            assert resource.getrlimit(resource.RLIMIT_AS) == inside
        assert resource.getrlimit(resource.RLIMIT_AS) == inside
    assert resource.getrlimit(resource.RLIMIT_AS) == (soft, hard)


@pytest.mark.parametrize(
    "unit",
    [
        # Too few tags to be measured for depth, but each nested element's
        # text holds all the text nested in it: read for every element, a
        # 5 MB page would take a minute.
        "<time>{x}",
        "<time>{x}<span>",
        "<div><h2>{x}",
        "<p>{x}<table><tr><td>",  # no doctype: a table does not close the <p>
        "<p>{x}<button>",
        "<ul><li>{x}",
        "<font>{x}<p></p>",  # an inline wrapper's runs between blocks
    ],
)
def test_nested_elements_full_of_text_parse_in_linear_time(unit: str) -> None:
    levels = html_depth.UNCHECKED_TAGS // unit.count("<")
    filler = "x" * (5_000_000 // levels)
    body = (unit.format(x=filler) * levels).encode()
    started = time.process_time()
    parse_page(body, "text/html")
    assert time.process_time() - started < 5.0


def test_threads_build_trees_under_the_ceiling_one_at_a_time() -> None:
    # The limit is the process's: a second thread must neither lower it
    # under the first nor be left under the first's when that one ends.
    before = resource.getrlimit(resource.RLIMIT_AS)
    inside = threading.Event()
    release = threading.Event()
    seen: list[tuple[int, int]] = []

    def first() -> None:
        with ceiling.address_space_ceiling(500 << 20):
            inside.set()
            release.wait(10)

    def second() -> None:
        with ceiling.address_space_ceiling(200 << 20):
            seen.append(resource.getrlimit(resource.RLIMIT_AS))

    one = threading.Thread(target=first)
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.3)
    assert two.is_alive() and not seen  # waiting for the first to finish
    release.set()
    one.join(10)
    two.join(10)
    assert len(seen) == 1 and seen[0][0] != resource.RLIM_INFINITY
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_memory_of_refused_and_big_pages_is_given_back() -> None:
    def resident_mb() -> int:
        return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() >> 20

    start = resident_mb()
    for count in (700, 1_400, 2_800):
        body = "".join(f"<i class=c{k}><p>x" for k in range(count)).encode()
        with contextlib.suppress(ParseError):
            parse_page(body, "text/html")
    assert resident_mb() - start < 64


def test_drawings_nested_in_drawings_are_dropped_whole() -> None:
    # Each <svg> is freed before the one holding it, which frees what it holds.
    drawing = "<svg><g><svg><title>Icon</title>" * 600
    body = f"<html><body><h1>Story</h1><p>{'Words of the story. ' * 20}</p>{drawing}</body></html>"
    page = parse_page(body.encode(), "text/html")
    assert all("Icon" not in text for a in page.articles for text in (a.title, *a.paragraphs))


@pytest.mark.parametrize(
    "unit",
    ['<span class="author">By Dana Omarova ', '<div class="date">', "<time>2 Dec "],
)
def test_meta_nested_deep_in_a_story_box_is_read_in_linear_time(unit: str) -> None:
    # Each element's text holds all the text nested in it: the box's meta
    # elements are found however deep they are, but read a few at most.
    levels = html_depth.UNCHECKED_TAGS - 16
    body = (
        '<html><body><main><article><h2><a href="/1">Kazakhstan to cut export duty on wheat</a>'
        "</h2><p>Kazakhstan will cut its export duty on wheat, the ministry said.</p>"
        + unit * levels
        + "</article></main></body></html>"
    ).encode()
    started = time.process_time()
    page = parse_page(body, "text/html")
    assert time.process_time() - started < 2.0
    assert [a.title for a in page.articles] == ["Kazakhstan to cut export duty on wheat"]


def test_a_ticker_beside_another_instrument_heads_no_story() -> None:
    # Found by the fuzzing above: an <h1> holding a ticker line and a word that
    # reads as another instrument ("A00") was the story's headline.
    page = parse_page(b"<H1>\n\xe2\x80\xa2 KGS/USD = 0.01144 0%\n<P>\nA00", "text/html")
    check_page(page)
    assert [q.pair for q in page.quotes] == ["KGS/USD"]
