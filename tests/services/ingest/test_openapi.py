"""Hostile input over HTTP: schemathesis, driven by the API's own OpenAPI document,
against the live ingest API (a real HTTP server on a free port). No response may
be a 500, and every response must match the document: status, media type,
headers and body."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import negative_data_rejection
from schemathesis.generation import GenerationMode

from services.ingest.app import create_app
from tests.conftest import TOKEN, make_settings
from tests.support.databases import wipe
from tests.support.redis_server import RedisServer
from tests.support.serving import serving

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def live_ingest(
    database_url: str, redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    cfg = make_settings(
        database_url,
        redis_server.url,
        tmp_path_factory.mktemp("openapi"),
        # Its own Redis keys; no limit, so every generated request reaches the checks.
        namespace=f"openapi-{uuid.uuid4().hex[:8]}",
        ingest_rate_limit=0,
        max_body_bytes=64 * 1024,
    )
    # No relay: the pages are refused or stored, never processed.
    app = create_app(cfg, start_relay=False)
    try:
        with serving(app) as base:
            yield base
    finally:
        wipe(database_url)


# (path, method, examples); negative data only where there is input to break.
OPERATIONS = [
    ("/v1/submissions", "POST", 60),
    ("/v1/submissions/{submission_id}", "GET", 20),
    ("/v1/schema", "GET", 5),
    ("/v1/openapi.json", "GET", 5),
    ("/healthz", "GET", 5),
    ("/readyz", "GET", 5),
    ("/metrics", "GET", 3),
]
CASES = [
    pytest.param(*op, GenerationMode.POSITIVE, id=f"{op[1]} {op[0]} positive") for op in OPERATIONS
] + [
    pytest.param(*op, GenerationMode.NEGATIVE, id=f"{op[1]} {op[0]} negative")
    for op in OPERATIONS[:2]
]


@pytest.fixture(scope="module")
def api_schema(live_ingest: str) -> schemathesis.BaseSchema:
    # The document as the live API serves it.
    schema = schemathesis.openapi.from_url(f"{live_ingest}/v1/openapi.json")
    # Extra query parameters are refused (400), but schemathesis also "adds"
    # ones that never reach the wire (a None value) and then expects a refusal;
    # unknown parameters have their own test below.
    schema.config.generation.update(allow_extra_parameters=False)
    return schema


# schemathesis' own pytest plugin (from_fixture) does not run on pytest 9, so
# each operation and mode gets a plain test that drives its strategy.
@pytest.mark.parametrize(("path", "method", "examples", "mode"), CASES)
def test_api_matches_its_document(
    api_schema: schemathesis.BaseSchema,
    path: str,
    method: str,
    examples: int,
    mode: GenerationMode,
) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        excluded = []
        if (
            mode is GenerationMode.NEGATIVE
            and (case.media_type or "").startswith("text/")
            and not isinstance(case.body, str)
        ):
            # A "non-string" text/plain body (an object, a number) goes over the
            # wire as text, which is a valid page: not negative data at all.
            excluded.append(negative_data_rejection)
        response = case.call(headers=AUTH)
        if mode is GenerationMode.NEGATIVE and response.status_code in (413, 414, 431):
            # A string over its maxLength (a 100,000-character paragraph, a
            # long url parameter) can make the body or the URL larger than the
            # server takes: refused all the same.
            return
        case.validate_response(response, excluded_checks=excluded)

    run()


def test_document_is_openapi_3_1_and_lists_every_route(live_ingest: str) -> None:
    doc = requests.get(f"{live_ingest}/v1/openapi.json", timeout=10).json()
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {
        "/v1/submissions",
        "/v1/submissions/{submission_id}",
        "/v1/schema",
        "/v1/openapi.json",
        "/healthz",
        "/readyz",
        "/metrics",
    }
    post = doc["paths"]["/v1/submissions"]["post"]
    assert set(post["requestBody"]["content"]) == {"text/plain", "text/html", "application/json"}
    assert {"202", "400", "401", "413", "415", "422", "429"} <= set(post["responses"])
    assert post["responses"]["400"]["content"]["application/problem+json"]


def raw_post(base: str, head: bytes, body: bytes) -> bytes:
    """Send a request's head and only part of its body; return the status line."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head + body)
        # The whole body was never sent: an answer now means it was not waited for.
        return sock.makefile("rb").readline()


def test_body_over_the_limit_is_413_without_reading_it_all(live_ingest: str) -> None:
    auth = f"Authorization: Bearer {TOKEN}\r\nContent-Type: text/plain\r\n".encode()
    declared = raw_post(
        live_ingest,
        b"POST /v1/submissions HTTP/1.1\r\nHost: x\r\n"
        + auth
        + b"Content-Length: 10737418240\r\n\r\n",
        b"a" * 1024,
    )
    assert declared.startswith(b"HTTP/1.1 413"), declared
    # Streamed with no length: refused once it passes the limit, not at its end.
    chunk = b"a" * 8192
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(9))  # 72 KiB
    streamed = raw_post(
        live_ingest,
        b"POST /v1/submissions HTTP/1.1\r\nHost: x\r\n"
        + auth
        + b"Transfer-Encoding: chunked\r\n\r\n",
        chunks,
    )
    assert streamed.startswith(b"HTTP/1.1 413"), streamed


def test_unknown_query_parameter_is_400(live_ingest: str) -> None:
    resp = requests.post(
        f"{live_ingest}/v1/submissions?sorce=typo",
        data=b"Title\n\nText.",
        headers={**AUTH, "Content-Type": "text/plain"},
        timeout=10,
    )
    assert resp.status_code == 400
    assert resp.json()["parameter"] == "sorce"
