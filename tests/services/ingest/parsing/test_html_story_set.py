"""A front page's <article>s looked through together give what each one's own lookups give."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from services.ingest.parsing import parse_page
from services.ingest.parsing.html_story_set import STORIES, Stories, WalkedTagSet
from services.ingest.parsing.html_tree import TagSet

_PARAGRAPH = (
    "Officials in Astana said on Monday that the new corridor would carry more freight "
    "to China than any route before it, and that the tariffs would stay as they are."
)


def _story(n: int) -> str:
    """A story with all that a story's own lookups find: comments holding a
    menu (not the first story: its sidebar is counted before any comments), a
    hidden draft, a sidebar, text hidden from readers, a time, a byline and a
    date-classed stamp."""
    comments = (
        f"""<div class="comments-area" id="comments"><h3>2 thoughts on story {n}</h3>
<div role="navigation"><a href="#c1">Older comments</a></div>
<p class="comment-content">Great read {n}.</p></div>"""
        if n > 1
        else ""
    )
    return f"""<article class="post">
<header><span class="cat">News</span><h2><a href="https://example.kz/{n}">Story number {n}</a></h2>
<span class="byline">By Dana Omarova</span> <span class="post-date">2 December 2026</span>
<time datetime="2026-12-0{n}T09:30:00+05:00">Today</time></header>
<p>{_PARAGRAPH}</p>
<div class="related" role="complementary"><p>Read also: another story {n}</p></div>
<div hidden><p>A draft {n}</p></div>
<span aria-hidden="true">icon {n}</span><span style="display: none">Hidden label {n}</span>
<p>{_PARAGRAPH} Part {n}.</p>
{comments}
<span class="reading-time">1 min read</span>
</article>"""


def _page(stories: str) -> bytes:
    return f"""<!doctype html><html lang="en"><head><title>Front</title></head><body>
<main>{stories}</main><p>Footer line outside the stories.</p></body></html>""".encode()


SIDE_BY_SIDE = _page('<div class="row">' + "<hr>".join(_story(n) for n in (1, 2, 3)) + "</div>")
# The same stories, each in an element of its own: no element holds them all.
APART = _page("".join(f"<div><hr>{_story(n)}</div>" for n in (1, 2, 3)))


def _stories(source: bytes) -> Stories:
    return Stories(LexborHTMLParser(source).css(STORIES))


def test_stories_side_by_side_are_looked_through_in_their_row() -> None:
    stories = _stories(SIDE_BY_SIDE)
    assert stories.holder is not None and stories.holder.attributes["class"] == "row"
    assert _stories(APART).holder is None


def test_an_element_beside_the_stories_holding_others_keeps_them_apart() -> None:
    page = _page('<div class="row">' + _story(1) + _story(2) + "<div><p>Ad</p></div></div>")
    assert _stories(page).holder is None


@pytest.mark.parametrize(
    "selector",
    ["[role], [hidden]", "#comments, .comments-area, .comment-content", "p, span", "article"],
)
def test_a_query_of_the_row_finds_what_each_story_s_own_query_finds(selector: str) -> None:
    stories = _stories(SIDE_BY_SIDE)
    found = stories.query(selector)
    for element, matches in zip(stories.elements, found, strict=True):
        assert [node.mem_id for node in matches] == [node.mem_id for node in element.css(selector)]
    assert all(found[1:])


def test_stories_read_together_read_as_stories_read_apart() -> None:
    together, apart = (parse_page(source, "text/html") for source in (SIDE_BY_SIDE, APART))
    assert [article.title for article in together.articles] == [
        f"Story number {n}" for n in (1, 2, 3)
    ]
    assert together == apart
    assert repr(together) == repr(apart)
    kinds = {kind.kind: kind for kind in together.diagnostics.left_out}
    # Counted story by story: the first story's sidebar before the second's comments.
    assert list(kinds)[:2] == ["site chrome", "comments"]
    assert kinds["comments"].blocks == 2
    assert "icon" not in kinds["loose text"].sample


def test_a_walked_tag_lookup_finds_what_the_query_finds() -> None:
    names = ["h2", "h3", "p", "li", "article", "table", "svg", "title"]
    source = SIDE_BY_SIDE.replace(
        b"<hr>", b"<!-- a comment --><ul><li>One</li></ul><svg><title>Icon</title></svg><hr>"
    )
    body = LexborHTMLParser(source).body
    assert body is not None
    walked, queried = WalkedTagSet(names).elements(body), TagSet(names).elements(body)
    assert walked[1] == queried[1] and "svg" in walked[1] and "li" in walked[1]
    assert [node.mem_id for node in walked[0]] == [node.mem_id for node in queried[0]]
