"""Pages for people: the index with autodiscovery, OPML, and one article."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from flask import Blueprint, Response, abort, current_app, g, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from services.feed.entries import current_articles
from services.feed.links import OUTBOUND_REL, shown_link
from services.feed.render import FORMATS, MEDIA_TYPES, content_html
from shared.feed_names import FeedSpec
from shared.models import Article, ArticleTag, RateQuote
from shared.settings import Settings

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def _links() -> dict[str, object]:
    # Every page (the feeds' HTML views included) decides its article links alike.
    base = _settings().base_url
    return {
        "shown_link": lambda link: shown_link(link, base),
        "outbound_rel": OUTBOUND_REL,
    }


def _settings() -> Settings:
    return current_app.extensions["silkfeed"]["settings"]  # type: ignore[no-any-return]


def all_feeds() -> list[tuple[str, str]]:
    """(title, path without format) of every feed, for the index and OPML."""
    session = g.session
    feeds = [
        ("All articles", "/feeds/articles"),
        ("Currency ticker", "/feeds/rates"),
        ("Currency moves", "/feeds/rates-moves"),
    ]
    for (tag,) in session.execute(select(ArticleTag.tag).distinct().order_by(ArticleTag.tag)):
        feeds.append((f"Tag: {tag}", f"/feeds/tags/{tag}"))
    for (source,) in session.execute(select(Article.source).distinct().order_by(Article.source)):
        feeds.append((f"Source: {source}", f"/feeds/sources/{source}"))
    pairs = session.execute(
        select(RateQuote.base, RateQuote.quote).distinct().order_by(RateQuote.base, RateQuote.quote)
    )
    for base, quote in pairs:
        feeds.append((f"Rate {base}/{quote}", f"/feeds/rates/{base}-{quote}"))
    return feeds


@bp.get("/")
def index() -> str:
    settings = _settings()
    latest = current_articles(g.session, FeedSpec.articles(), settings.base_url, 20)
    return render_template(
        "index.html",
        base=settings.base_url,
        feeds=all_feeds(),
        latest=latest,
        formats=FORMATS,
        media_types=MEDIA_TYPES,
    )


@bp.get("/opml")
def opml() -> Response:
    """Every feed (Atom) as OPML 2.0, for importing into a reader."""
    base = _settings().base_url
    outlines = "\n".join(
        f'    <outline type="rss" text={quoteattr(title)} title={quoteattr(title)} '
        f"xmlUrl={quoteattr(base + path + '.atom')} htmlUrl={quoteattr(base + '/')}/>"
        for title, path in all_feeds()
    )
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n'
        "    <title>silkfeed feeds</title>\n  </head>\n  <body>\n"
        f"{outlines}\n  </body>\n</opml>\n"
    )
    return Response(
        doc,
        mimetype="text/x-opml",
        headers={"Content-Disposition": 'inline; filename="silkfeed.opml"'},
    )


@bp.get("/articles/<uuid>")
def article(uuid: str) -> str:
    if not re.fullmatch(r"[0-9a-f-]{36}", uuid):
        abort(404)
    found = g.session.scalars(
        select(Article)
        .options(selectinload(Article.tags))
        .where(Article.guid == f"urn:uuid:{uuid}")
    ).first()
    if found is None:
        abort(404, description="no such article")
    return render_template(
        "article.html",
        article=found,
        body=content_html(found.paragraphs),
        base=_settings().base_url,
    )
