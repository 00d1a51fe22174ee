"""The query parameters of POST /v1/submissions, as the OpenAPI document states them."""

from __future__ import annotations

from typing import Any

from services.ingest import accept as acc
from shared.zones import zone_names


def query_parameters() -> list[dict[str, Any]]:
    """``?source=``, ``?url=`` and ``?tz=``, with what each accepts."""
    return [
        {
            "name": "source",
            "in": "query",
            "required": False,
            "description": "Name of the publication or system the page is "
            "from; empty or absent means one derived from the token.",
            "schema": {"type": "string", "pattern": acc.SOURCE_PATTERN},
        },
        {
            "name": "url",
            "in": "query",
            "required": False,
            "description": "The page's own absolute http(s) address.",
            "schema": {
                "type": "string",
                "maxLength": acc.MAX_URL_LENGTH,
                "pattern": acc.PAGE_URL_PATTERN,
            },
        },
        {
            "name": "tz",
            "in": "query",
            "required": False,
            "description": "IANA zone (e.g. Asia/Almaty) of the times the page prints "
            "without a zone, and the day its \"Today\" is counted in; absent means "
            "SILKFEED_PAGE_TIMEZONE. A zone the page names wins. Unknown: 400.",
            "schema": {"type": "string", "enum": ["", *sorted(zone_names())]},
        },
    ]
