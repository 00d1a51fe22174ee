"""Article links on silkfeed's HTML pages: absolute http(s) only, another site's
marked as such (its host shown, rel=nofollow), anything else not a link."""

from __future__ import annotations

import pytest

from services.feed.links import Link, shown_link

OWN = "https://feeds.example.org"


@pytest.mark.parametrize(
    ("link", "shown"),
    [
        ("https://timesca.com/a/", Link("https://timesca.com/a/", "timesca.com")),
        ("http://TimesCA.com:8080/a", Link("http://TimesCA.com:8080/a", "timesca.com")),
        (
            "https://feeds.example.org/articles/1",
            Link("https://feeds.example.org/articles/1", None),
        ),
        ("//evil.example/x", None),
        ("/articles/1", None),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("https://", None),
        ("https://x.example:99999/", None),
        ("https://x.example/\nfoo", None),
        ("", None),
        (None, None),
    ],
)
def test_shown_links(link: str | None, shown: Link | None) -> None:
    assert shown_link(link, OWN) == shown
