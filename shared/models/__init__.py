"""The database schema. Each module holds the tables one service writes;
any service may read them. Alembic's autogenerate sees all of them here."""

from shared.db import Base
from shared.models.feed import ArchiveCut, RenderedFeed
from shared.models.ingest import Article, ArticleTag, Submission, SubmissionStatus
from shared.models.rates import RateQuote, RateSnapshot, RateSnapshotSource
from shared.models.websub import WebSubIntent, WebSubSubscription

__all__ = [
    "ArchiveCut",
    "Article",
    "ArticleTag",
    "Base",
    "RateQuote",
    "RateSnapshot",
    "RateSnapshotSource",
    "RenderedFeed",
    "Submission",
    "SubmissionStatus",
    "WebSubIntent",
    "WebSubSubscription",
]
