from __future__ import annotations

import pytest
from feed_render_checks import ALLOWED_TAGS, unsafe_markup
from feed_render_factories import CDATA_END, CONTROL_CHARS, IMG_ONERROR, JS_LINK, SCRIPT
from hypothesis import given, settings
from hypothesis import strategies as st

from services.feed.render import content_html, xml_safe
from services.feed.render.html import ALLOWED_ATTRIBUTES, URL_SCHEMES, sanitize_html

REL = 'rel="noopener noreferrer nofollow"'


def test_allow_list_is_the_small_explicit_one() -> None:
    from services.feed.render.html import ALLOWED_TAGS as renderer_tags

    assert set(renderer_tags) == ALLOWED_TAGS
    assert {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()} == {
        "a": {"href", "title"}
    }
    assert set(URL_SCHEMES) == {"http", "https", "mailto"}


def test_one_p_per_paragraph_with_text_escaped() -> None:
    assert content_html(["a < b & c > d", "second"]) == (
        "<p>a &lt; b &amp; c &gt; d</p><p>second</p>"
    )


def test_blank_paragraphs_are_dropped_and_text_is_trimmed() -> None:
    assert content_html(["", "  ", "\n", " x ", "\x00\x01"]) == "<p>x</p>"
    assert content_html([]) == ""
    assert content_html(["", " "]) == ""


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (SCRIPT, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        (IMG_ONERROR, "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
        (JS_LINK, '<p>&lt;a href="javascript:alert(1)"&gt;click&lt;/a&gt;</p>'),
        ("<b><i>unclosed", "<p>&lt;b&gt;&lt;i&gt;unclosed</p>"),
        ("</div>", "<p>&lt;/div&gt;</p>"),
        (CDATA_END, "<p>]]&gt; and &lt;![CDATA[ x ]]&gt;</p>"),
        (f"a{CONTROL_CHARS}b", "<p>ab</p>"),
        ("\u202eevil\u200f 😀", "<p>\u202eevil\u200f 😀</p>"),
    ],
)
def test_markup_in_text_stays_text(paragraph: str, expected: str) -> None:
    html = content_html([paragraph])
    assert html == expected
    assert unsafe_markup(html) == []


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (SCRIPT + "<p>kept</p>", "<p>kept</p>"),
        (IMG_ONERROR + "text", "text"),
        ('<p onclick="x()">a</p>', "<p>a</p>"),
        (JS_LINK, f"<a {REL}>click</a>"),
        ('<a href="data:text/html,x">d</a>', f"<a {REL}>d</a>"),
        (
            '<a href="https://e.org/x" target="_blank">ok</a>',
            f'<a href="https://e.org/x" {REL}>ok</a>',
        ),
        ('<a href="mailto:a@b.org">m</a>', f'<a href="mailto:a@b.org" {REL}>m</a>'),
        ("<b><i>unclosed</div>", "unclosed"),
        ("<!-- c --><style>x{}</style><iframe src='https://e.org'></iframe>t", "t"),
        ("<svg><script>alert(1)</script></svg>", ""),
        (
            "<ul><li>1<li>2</ul><pre><code>x</code></pre><blockquote>q</blockquote><br><em>e</em>",
            "<ul><li>1</li><li>2</li></ul><pre><code>x</code></pre><blockquote>q</blockquote>"
            "<br><em>e</em>",
        ),
    ],
)
def test_sanitiser_enforces_the_allow_list_on_caller_markup(markup: str, expected: str) -> None:
    assert sanitize_html(markup) == expected
    assert unsafe_markup(expected) == []


def test_unsafe_markup_detector_catches_what_it_should() -> None:
    # The detector guards every format's tests, so it must itself be sharp.
    assert unsafe_markup("<p>&lt;script&gt; is text</p>") == []
    assert unsafe_markup(SCRIPT) != []
    assert unsafe_markup(IMG_ONERROR) != []
    assert unsafe_markup(JS_LINK) != []
    assert unsafe_markup('<p onmouseover="x">a</p>') != []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_categories=()), max_size=80), max_size=5))
def test_content_html_is_safe_and_stable_for_any_text(paragraphs: list[str]) -> None:
    html = content_html(paragraphs)
    assert unsafe_markup(html) == []
    assert sanitize_html(html) == html
    assert html.count("<p>") == sum(1 for p in paragraphs if xml_safe(p).strip())


_HOSTILE = st.lists(
    st.sampled_from(
        [SCRIPT, IMG_ONERROR, JS_LINK, CDATA_END, CONTROL_CHARS, "<p>", "</p>", "<a href=x>",
         "<!-- c -->", "&amp;", "&nbsp;", "\u00a0", "\r\n", "<style>x</style>", "<b>", "\ud800"]
    )
    | st.text(max_size=20),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_HOSTILE)
def test_the_sanitiser_built_once_cleans_as_one_built_per_call(markup: str) -> None:
    import nh3

    once_per_call = nh3.clean(
        xml_safe(markup),
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
    )
    assert sanitize_html(markup) == once_per_call


@settings(max_examples=300, deadline=None)
@given(st.lists(_HOSTILE, max_size=5))
def test_entry_html_is_the_sanitised_markup_of_its_escaped_paragraphs(paragraphs: list[str]) -> None:
    import html

    parts = [xml_safe(p).strip() for p in paragraphs]
    markup = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in parts if p)
    assert content_html(paragraphs) == (sanitize_html(markup) if markup else "")
