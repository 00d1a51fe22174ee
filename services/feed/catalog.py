"""Every kind of feed in one table: whether a feed of that kind exists, its entries,
its title, and whether it keeps archive pages.

The worker's renders and the web app's pages ask here; nothing else tells article
feeds from rate feeds (the URL grammar in ``paths`` and the article query in
``entries`` read the kind only within their own part). Article feeds read
``entries``; rate feeds read the rates service's read side (``services.rates.feeds``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from services.feed.entries import current_articles, source_exists, tag_exists
from services.feed.render.model import FeedEntry
from services.rates.feeds import move_entries, pair_entries, pair_exists, snapshot_entries
from shared import feed_names as kinds
from shared.feed_names import FeedSpec
from shared.settings import Settings

# (session, spec, settings, limit, search words) -> the newest entries, newest first
Entries = Callable[[Session, FeedSpec, Settings, int, tuple[str, ...]], list[FeedEntry]]


@dataclass(frozen=True, slots=True)
class FeedKind:
    title: Callable[[FeedSpec], str]
    exists: Callable[[Session, FeedSpec], bool]
    entries: Entries
    archives: bool  # RFC 5005 archive pages: article feeds keep them, rate feeds do not


def _always(_session: Session, _spec: FeedSpec) -> bool:
    return True


def _articles(
    session: Session, spec: FeedSpec, settings: Settings, limit: int, words: tuple[str, ...]
) -> list[FeedEntry]:
    return current_articles(session, spec, settings.base_url, limit, words)


# Rate feeds are not searched: their entries are the newest `limit`, whatever `words` asks.
def _snapshots(
    session: Session, _spec: FeedSpec, settings: Settings, limit: int, _words: tuple[str, ...]
) -> list[FeedEntry]:
    return snapshot_entries(session, settings.base_url, limit)


def _pair(
    session: Session, spec: FeedSpec, settings: Settings, limit: int, _words: tuple[str, ...]
) -> list[FeedEntry]:
    base, _, quote = (spec.value or "").partition("-")
    return pair_entries(session, (base, quote), settings.base_url, limit)


def _moves(
    session: Session, _spec: FeedSpec, settings: Settings, limit: int, _words: tuple[str, ...]
) -> list[FeedEntry]:
    return move_entries(session, settings.base_url, limit, settings.rates_move_threshold_pct)


KINDS: dict[str, FeedKind] = {
    kinds.ARTICLES: FeedKind(lambda _: "silkfeed — all articles", _always, _articles, True),
    kinds.TAG: FeedKind(
        lambda s: f"silkfeed — {s.value}",
        lambda session, s: tag_exists(session, s.value or ""),
        _articles,
        True,
    ),
    kinds.SOURCE: FeedKind(
        lambda s: f"silkfeed — from {s.value}",
        lambda session, s: source_exists(session, s.value or ""),
        _articles,
        True,
    ),
    kinds.RATES: FeedKind(lambda _: "silkfeed — currency ticker", _always, _snapshots, False),
    kinds.PAIR: FeedKind(
        lambda s: f"silkfeed — {(s.value or '').replace('-', '/')} rate",
        lambda session, s: pair_exists(session, s.value or ""),
        _pair,
        False,
    ),
    kinds.RATE_MOVES: FeedKind(lambda _: "silkfeed — currency moves", _always, _moves, False),
}


def feed_exists(session: Session, spec: FeedSpec) -> bool:
    return KINDS[spec.kind].exists(session, spec)


def entries(
    session: Session, settings: Settings, spec: FeedSpec, limit: int, words: tuple[str, ...] = ()
) -> list[FeedEntry]:
    """The newest ``limit`` entries of the feed (matching ``words``), newest first."""
    return KINDS[spec.kind].entries(session, spec, settings, limit, words)


def has_archives(spec: FeedSpec) -> bool:
    return KINDS[spec.kind].archives


def title(spec: FeedSpec) -> str:
    return KINDS[spec.kind].title(spec)
