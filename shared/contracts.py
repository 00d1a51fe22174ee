"""The message contracts between services: task names, queues and payload shapes.

A service sends work to another only by these names, never by importing it.
Payloads are JSON objects passed as task keyword arguments.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TypedDict

QUEUE_INGEST = "ingest"
QUEUE_RATES = "rates"
QUEUE_FEED = "feed"
QUEUE_WEBSUB = "websub"

PROCESS_SUBMISSION = "ingest.process_submission"
STORE_SNAPSHOT = "rates.store_snapshot"
REFRESH_FEEDS = "feed.refresh"
# The feed service's WebSub hub: verify an intent, fan a changed document out
# to its subscribers, deliver it to one of them.
WEBSUB_VERIFY = "websub.verify"
WEBSUB_PUBLISH = "websub.publish"
WEBSUB_DELIVER = "websub.deliver"

# Backlogs (shared.backlog): items waiting in Redis behind one queued task, taken
# in batches by the task of the same queue. The ingest backlog holds submission
# ids (PROCESS_SUBMISSION's ``submission_id``); the rates backlog holds
# STORE_SNAPSHOT payloads as JSON text.
BACKLOG_INGEST = QUEUE_INGEST
BACKLOG_RATES = QUEUE_RATES

TASK_QUEUES: dict[str, str] = {
    PROCESS_SUBMISSION: QUEUE_INGEST,
    STORE_SNAPSHOT: QUEUE_RATES,
    REFRESH_FEEDS: QUEUE_FEED,
    WEBSUB_VERIFY: QUEUE_WEBSUB,
    WEBSUB_PUBLISH: QUEUE_WEBSUB,
    WEBSUB_DELIVER: QUEUE_WEBSUB,
}

# A refresh carries feed names, built and parsed by shared.feed_names.FeedSpec.


class QuotePayload(TypedDict):
    base: str
    quote: str
    rate: str  # exact decimal text as published, e.g. "0.28490"
    change: str  # as published, e.g. "-0%"


class StoreSnapshot(TypedDict):
    submission_id: str
    observed_at: str  # RFC 3339, UTC
    source: str
    quotes: list[QuotePayload]


class RefreshFeeds(TypedDict):
    feeds: list[str]
    requested_at: str  # RFC 3339, UTC; renders that read data after this skip the task


class ContractError(ValueError):
    """A payload does not have the shape its task expects."""


def check_store_snapshot(payload: StoreSnapshot) -> StoreSnapshot:
    """Validate a snapshot payload: decimals must be exact text, times zone-aware."""
    try:
        observed = datetime.fromisoformat(payload["observed_at"])
        if observed.tzinfo is None:
            raise ContractError("observed_at must carry a UTC offset")
        for q in payload["quotes"]:
            if len(q["base"]) != 3 or len(q["quote"]) != 3:
                raise ContractError(f"bad pair {q['base']}/{q['quote']}")
            if not isinstance(q["rate"], str) or not Decimal(q["rate"]).is_finite():
                raise ContractError(f"rate must be decimal text, got {q['rate']!r}")
    except (KeyError, TypeError, InvalidOperation, ValueError) as exc:
        if isinstance(exc, ContractError):
            raise
        raise ContractError(f"malformed {STORE_SNAPSHOT} payload: {exc}") from exc
    return payload


def check_refresh(payload: RefreshFeeds) -> RefreshFeeds:
    try:
        if not all(isinstance(f, str) for f in payload["feeds"]):
            raise ContractError("feeds must be names")
        if datetime.fromisoformat(payload["requested_at"]).tzinfo is None:
            raise ContractError("requested_at must carry a UTC offset")
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ContractError):
            raise
        raise ContractError(f"malformed {REFRESH_FEEDS} payload: {exc}") from exc
    return payload
