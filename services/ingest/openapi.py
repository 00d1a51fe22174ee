"""The OpenAPI 3.1 document of the ingest API, served at ``/v1/openapi.json``.

Built from the same constants the handlers check (media types, parameter
patterns, the page schema), so the document cannot drift from the code; a
schemathesis run against the live API holds every response to it.
"""

from __future__ import annotations

import json
from typing import Any

from services.ingest import accept as acc
from services.ingest.openapi_query import query_parameters
from services.ingest.parsing.served_schema import served_page_schema
from shared.bounds import Bounds
from shared.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE
from shared.settings import Settings

_REF = "#/components/schemas/"


def _page_schemas(settings: Settings) -> dict[str, Any]:
    """The JSON page schema, its $defs moved to components so every tool resolves them."""
    page = served_page_schema(Bounds.from_settings(settings))
    defs = page.pop("$defs", {})
    page.pop("$schema", None)
    page.pop("$id", None)
    names = {"article": "PageArticle", "rate": "PageQuote"}
    text = json.dumps({"Page": page, **{names[k]: v for k, v in defs.items()}})
    for old, new in names.items():
        text = text.replace(f'"#/$defs/{old}"', f'"{_REF}{new}"')
    return dict(json.loads(text))


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    resp: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _REF + "Problem"}}},
    }
    if headers:
        resp["headers"] = headers
    return resp


_WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "description": "The bearer challenge.",
        "schema": {"type": "string"},
        "required": True,
    }
}
_ALLOW = {"Allow": {"description": "The methods the path accepts.", "schema": {"type": "string"}}}
_LOCATION = {
    "Location": {
        "description": "The submission's status URL.",
        "schema": {"type": "string", "format": "uri"},
        "required": True,
    }
}


def _text_body(description: str) -> dict[str, Any]:
    return {
        "schema": {
            "type": "string",
            # At least one non-blank character: an empty or blank body is a 400.
            "pattern": r"\S",
            "description": description,
        }
    }


def openapi_document(settings: Settings) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "silkfeed ingest API",
            "version": "1",
            "summary": "Post news pages; poll their processing.",
            "description": (
                "Upstream systems post pages (plain text, HTML or the JSON page form) with a "
                "bearer token. A 202 means the raw page is committed to the database; it is "
                "then parsed by a worker, and its status moves from queued through processing "
                "to done or failed. Errors are RFC 9457 problem documents."
            ),
        },
        "paths": {
            "/v1/submissions": {"post": _post_submission(settings)},
            "/v1/submissions/{submission_id}": {"get": _get_submission()},
            "/v1/schema": _public_get(
                "getPageSchema",
                "The JSON Schema of the JSON page form",
                "JSON Schema draft 2020-12.",
                {"application/schema+json": {"schema": {"type": "object"}}},
            ),
            "/v1/openapi.json": _public_get(
                "getOpenAPI",
                "This document",
                "OpenAPI 3.1.",
                {"application/json": {"schema": {"type": "object"}}},
            ),
            "/healthz": _public_get(
                "getHealth",
                "Liveness: the process answers",
                "Alive.",
                {"application/json": {"schema": {"$ref": _REF + "Health"}}},
            ),
            "/metrics": _public_get(
                "getMetrics",
                "Prometheus metrics of the ingest API and the whole pipeline",
                "Prometheus text exposition format.",
                {"text/plain": {"schema": {"type": "string"}}},
            ),
            "/readyz": _public_get(
                "getReadiness",
                "Readiness: the database and Redis answer",
                "Ready.",
                {"application/json": {"schema": {"$ref": _REF + "Readiness"}}},
                {
                    "503": {
                        "description": "Not ready; `checks` says what is unavailable.",
                        "content": {"application/json": {"schema": {"$ref": _REF + "Readiness"}}},
                    }
                },
            ),
        },
        "components": _components(settings),
    }


def _public_get(
    operation_id: str,
    summary: str,
    description: str,
    content: dict[str, Any],
    more: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A GET that needs no token: 200 with ``content`` (and ``more`` responses), or 405."""
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "security": [],
            "responses": {
                "200": {"description": description, "content": content},
                **(more or {}),
                "405": _problem("Method not allowed.", _ALLOW),
            },
        }
    }


def _post_submission(settings: Settings) -> dict[str, Any]:
    max_bytes = settings.max_body_bytes
    return {
        "operationId": "postSubmission",
        "summary": "Submit a page",
        "security": [{"bearerAuth": []}],
        "parameters": query_parameters(),
        "requestBody": {
            "required": True,
            "description": f"The page, at most {max_bytes} bytes, in UTF-8 or the `charset` "
            "named (HTML that is not UTF-8: its `<meta charset>`); stored in UTF-8.",
            "content": {
                "text/plain": _text_body("The page as text, e.g. a scraped page."),
                "text/html": _text_body("The page as HTML."),
                "application/json": {"schema": {"$ref": _REF + "Page"}},
            },
        },
        "responses": _post_responses(settings),
    }


def _post_responses(settings: Settings) -> dict[str, Any]:
    max_bytes = settings.max_body_bytes
    rate = settings.ingest_rate_limit
    return {
        "202": {
            "description": "Accepted: the raw page is committed and will be processed.",
            "headers": _LOCATION,
            "content": {"application/json": {"schema": {"$ref": _REF + "Submission"}}},
        },
        "200": {
            "description": "The same page (same bytes and media type) was posted before; "
            "this is that submission (`duplicate` is true).",
            "headers": _LOCATION,
            "content": {"application/json": {"schema": {"$ref": _REF + "Submission"}}},
        },
        "400": _problem("The body is empty, blank or not in its encoding, or a parameter is bad."),
        "401": _problem("No bearer token, or not a valid one.", _WWW_AUTHENTICATE),
        "405": _problem("Method not allowed.", _ALLOW),
        "409": _problem("Posted before under another source or address (`submission_id`)."),
        "408": _problem(
            f"The body took over {settings.http_body_timeout} s, or came slower than "
            f"{settings.http_body_min_rate} bytes/s after its first 2 s; the connection is closed."
        ),
        "413": _problem(f"The body is larger than {max_bytes} bytes; the rest is not read."),
        "415": _problem(
            f"Content-Type not one of {', '.join(acc.SUPPORTED_MEDIA_TYPES)}, an "
            "unknown `charset` (`unsupported-charset`), or a compressed body "
            "(`Content-Encoding` other than identity: `unsupported-content-encoding`)."
        ),
        "422": _problem(
            "A JSON page that breaks the page schema; `errors` lists each field.",
        ),
        "429": _problem(
            f"The token posted more than {rate} pages in a minute"
            if rate
            else "The token posted too many pages (no limit is configured now).",
            {
                "Retry-After": {
                    "description": "Seconds to wait before posting again.",
                    "schema": {"type": "integer", "minimum": 1},
                    "required": True,
                }
            },
        ),
    }


def _get_submission() -> dict[str, Any]:
    return {
        "operationId": "getSubmission",
        "summary": "A submission's status, counts and error",
        "security": [{"bearerAuth": []}],
        "parameters": [
            {
                "name": "submission_id",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
            }
        ],
        "responses": {
            "200": {
                "description": "The submission.",
                "content": {"application/json": {"schema": {"$ref": _REF + "Submission"}}},
            },
            "401": _problem("No bearer token, or not a valid one.", _WWW_AUTHENTICATE),
            "404": _problem("No such submission."),
            "405": _problem("Method not allowed.", _ALLOW),
        },
    }


def _components(settings: Settings) -> dict[str, Any]:
    return {
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "One of the tokens in SILKFEED_INGEST_TOKENS.",
            }
        },
        "schemas": {
            "Problem": {
                "type": "object",
                "description": "RFC 9457 problem details; extra members say more.",
                "required": ["type", "title", "status", "detail"],
                "properties": {
                    "type": {
                        "type": "string",
                        "format": "uri",
                        "pattern": "^" + PROBLEM_TYPE_BASE.replace(".", "[.]"),
                    },
                    "title": {"type": "string"},
                    "status": {"type": "integer", "minimum": 400, "maximum": 599},
                    "detail": {"type": "string"},
                },
                "additionalProperties": True,
            },
            "Submission": _submission_schema(),
            "Health": {
                "type": "object",
                "required": ["status"],
                "properties": {"status": {"const": "ok"}},
            },
            "Readiness": {
                "type": "object",
                "required": ["status", "checks"],
                "properties": {
                    "status": {"enum": ["ready", "not ready"]},
                    "checks": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                    },
                },
            },
            **_page_schemas(settings),
        },
    }


def _submission_schema() -> dict[str, Any]:
    nullable_time = {"type": ["string", "null"], "format": "date-time"}
    count = {"type": "integer", "minimum": 0}
    return {
        "type": "object",
        "required": [
            "id",
            "status",
            "url",
            "source",
            "media_type",
            "bytes",
            "received_at",
            "started_at",
            "finished_at",
            "attempts",
            "page_date",
            "counts",
            "error",
        ],
        "properties": {
            "id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "status": {"enum": ["queued", "processing", "done", "failed"]},
            "url": {"type": "string", "format": "uri"},
            "source": {"type": "string"},
            "tz": {
                "type": ["string", "null"],
                "description": "The zone `?tz=` named for the page's zone-less times.",
            },
            "media_type": {"enum": list(acc.SUPPORTED_MEDIA_TYPES)},
            "bytes": {"type": "integer", "minimum": 1},
            "received_at": {"type": "string", "format": "date-time"},
            "started_at": nullable_time,
            "finished_at": nullable_time,
            "attempts": count,
            "page_date": {"type": ["string", "null"], "format": "date"},
            "counts": {
                "type": "object",
                "required": ["articles", "new_articles", "updated_articles", "rates"],
                "properties": {
                    "articles": count,
                    "new_articles": count,
                    "updated_articles": count,
                    "rates": count,
                },
            },
            "diagnostics": _diagnostics_schema(count),
            "error": {
                "type": ["string", "null"],
                "description": "Why processing failed, when it did.",
            },
            "duplicate": {
                "type": "boolean",
                "description": "On POST: true if this page had been posted before.",
            },
        },
    }


def _diagnostics_schema(count: dict[str, object]) -> dict[str, object]:
    """What a submission's parse left out and warned about."""
    return {
        "type": ["object", "null"],
        "description": "After processing: the page's text that went into no article "
        "(blocks and characters, and by kind with a sample of each) and warnings "
        "such as 'no headline found' or 'ticker line not understood'.",
        "properties": {
            "left_out": {
                "type": "object",
                "properties": {
                    "blocks": count,
                    "chars": count,
                    "kinds": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["kind", "blocks", "chars", "sample"],
                            "properties": {
                                "kind": {"type": "string"},
                                "blocks": count,
                                "chars": count,
                                "sample": {"type": "string"},
                            },
                        },
                    },
                },
            },
            "warnings": {"type": "array", "items": {"type": "string"}},
        },
    }
