"""The ingest API's contract: auth, limits, problems, idempotent acceptance."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, event

from services.ingest.app import create_app
from shared.settings import Settings
from tests.conftest import SAMPLE, TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(settings: Settings) -> Iterator[FlaskClient]:
    # No relay: these tests are about acceptance, not processing.
    app = create_app(settings.model_copy(update={"max_body_bytes": 64 * 1024}), start_relay=False)
    yield app.test_client()


def problem(resp) -> dict:  # type: ignore[no-untyped-def]
    assert resp.mimetype == "application/problem+json", resp.data
    doc = json.loads(resp.data)
    assert doc["status"] == resp.status_code
    assert doc["type"].startswith("https://") and doc["title"] and doc["detail"]
    return doc


def test_post_returns_202_location_and_status(client: FlaskClient) -> None:
    resp = client.post(
        "/v1/submissions?source=timesca&url=https://example.org/page",
        data=SAMPLE.read_bytes(),
        headers={**AUTH, "Content-Type": "text/plain; charset=utf-8"},
    )
    assert resp.status_code == 202
    doc = resp.get_json()
    assert doc["status"] == "queued" and len(doc["id"]) == 32
    assert resp.headers["Location"].endswith(f"/v1/submissions/{doc['id']}")
    got = client.get(f"/v1/submissions/{doc['id']}", headers=AUTH)
    assert got.status_code == 200
    assert got.get_json()["id"] == doc["id"]
    assert got.get_json()["source"] == "timesca"
    assert got.get_json()["counts"] == {
        "articles": 0,
        "new_articles": 0,
        "updated_articles": 0,
        "rates": 0,
    }
    assert doc["bytes"] == got.get_json()["bytes"] == len(SAMPLE.read_bytes())


def test_a_status_answer_reads_the_body_size_not_the_body(client: FlaskClient) -> None:
    body = b"Some page\n\n" + b"Text. " * 5000
    doc = client.post(
        "/v1/submissions", data=body, headers={**AUTH, "Content-Type": "text/plain"}
    ).get_json()
    statements: list[str] = []

    def seen(conn, cursor, statement, *_):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        got = client.get(f"/v1/submissions/{doc['id']}", headers=AUTH).get_json()
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert got["bytes"] == len(body)
    selects = [s for s in statements if "FROM submissions" in s]
    assert selects and not any(re.search(r"(?<!length\()submissions\.body\b,", s) for s in selects)
    again = client.post("/v1/submissions", data=body, headers={**AUTH, "Content-Type": "text/plain"})
    assert again.status_code == 200 and again.get_json()["bytes"] == len(body)


def test_same_body_gives_back_the_existing_submission(client: FlaskClient) -> None:
    first = client.post(
        "/v1/submissions",
        data=b"Some page\n\nText.",
        headers={**AUTH, "Content-Type": "text/plain"},
    )
    again = client.post(
        "/v1/submissions",
        data=b"Some page\n\nText.",
        headers={**AUTH, "Content-Type": "text/plain"},
    )
    assert first.status_code == 202 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Location"] == first.headers["Location"]


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-token-0123456789", "Basic abc", f"bearer {TOKEN}x"]
)
def test_missing_or_wrong_token_is_401(client: FlaskClient, header: str | None) -> None:
    headers = {"Content-Type": "text/plain"} | ({"Authorization": header} if header else {})
    resp = client.post("/v1/submissions", data=b"x", headers=headers)
    assert resp.status_code == 401
    assert problem(resp)["type"].endswith("/unauthorized")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/v1/submissions/abc", headers=headers).status_code == 401


def test_unsupported_media_type_is_415(client: FlaskClient) -> None:
    resp = client.post("/v1/submissions", data=b"x", headers={**AUTH, "Content-Type": "image/png"})
    assert resp.status_code == 415
    assert "text/plain" in problem(resp)["detail"]


def test_a_compressed_body_is_415_not_a_bad_page(client: FlaskClient) -> None:
    headers = {**AUTH, "Content-Type": "text/plain", "Content-Encoding": "gzip"}
    resp = client.post("/v1/submissions", data=gzip.compress(b"Headline\n\nText."), headers=headers)
    assert resp.status_code == 415
    assert problem(resp)["type"].endswith("/unsupported-content-encoding")
    assert "uncompressed" in problem(resp)["detail"]


def test_body_over_the_limit_is_413(client: FlaskClient) -> None:
    resp = client.post(
        "/v1/submissions", data=b"a" * (65 * 1024), headers={**AUTH, "Content-Type": "text/plain"}
    )
    assert resp.status_code == 413
    problem(resp)


def test_undecodable_body_is_400(client: FlaskClient) -> None:
    resp = client.post(
        "/v1/submissions",
        data=b"Title\n\n\xff\xfe broken",
        headers={**AUTH, "Content-Type": "text/plain"},
    )
    assert resp.status_code == 400
    assert "UTF-8" in problem(resp)["detail"]


def test_schema_violation_is_422_naming_each_field(client: FlaskClient) -> None:
    doc = {
        "articles": [{"paragraphs": ["no title"]}, {"title": 5, "body": "x"}],
        "rates": [{"pair": "KGS/USD", "rate": 0.1, "change": "0%"}],
    }
    resp = client.post(
        "/v1/submissions",
        data=json.dumps(doc),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert resp.status_code == 422
    fields = {e["field"] for e in problem(resp)["errors"]}
    assert {"/articles/0/title", "/articles/1/title", "/rates/0/rate"} <= fields


def _json_page(source: str | None) -> bytes:
    doc: dict[str, object] = {"articles": [{"title": "Som holds steady", "body": "Text."}]}
    if source is not None:
        doc["source"] = source
    return json.dumps(doc).encode()


def test_a_json_page_names_its_own_source(client: FlaskClient) -> None:
    post = lambda body, query="": client.post(  # noqa: E731
        f"/v1/submissions{query}", data=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    # The page's field when the query names none; the query's when it does.
    assert post(_json_page("kabar")).get_json()["source"] == "kabar"
    assert post(_json_page("akipress"), "?source=24kg").get_json()["source"] == "24kg"
    assert post(_json_page(None)).get_json()["source"].startswith("token-")
    # A name no feed can be named after is refused by the schema, not ignored.
    bad = post(_json_page("The Times of Central Asia"))
    assert bad.status_code == 422
    assert [e["field"] for e in problem(bad)["errors"]] == ["/source"]


def test_bad_source_parameter_is_400(client: FlaskClient) -> None:
    resp = client.post(
        "/v1/submissions?source=../../etc",
        data=b"x",
        headers={**AUTH, "Content-Type": "text/plain"},
    )
    assert resp.status_code == 400
    assert problem(resp)["parameter"] == "source"


def test_unknown_submission_is_404_problem(client: FlaskClient) -> None:
    resp = client.get("/v1/submissions/" + "0" * 32, headers=AUTH)
    assert resp.status_code == 404
    problem(resp)


def test_schema_is_served(client: FlaskClient) -> None:
    resp = client.get("/v1/schema")
    assert resp.status_code == 200
    assert resp.get_json()["properties"]["articles"]


def test_wrong_method_is_a_problem(client: FlaskClient) -> None:
    resp = client.delete("/v1/submissions", headers=AUTH)
    assert resp.status_code == 405
    problem(resp)


def test_tokens_are_never_logged(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    client.post(
        "/v1/submissions", data=b"Page\n\nBody.", headers={**AUTH, "Content-Type": "text/plain"}
    )
    client.post(
        "/v1/submissions", data=b"x", headers={"Authorization": "Bearer leaked-0123456789abc"}
    )
    assert TOKEN not in caplog.text and "leaked-0123456789abc" not in caplog.text


def test_a_repost_naming_another_source_or_address_is_409(client: FlaskClient) -> None:
    body = b"Som holds steady against the dollar\n\nThe som held steady on Monday.\n"
    post = lambda query: client.post(  # noqa: E731
        f"/v1/submissions{query}", data=body, headers={**AUTH, "Content-Type": "text/plain"}
    )
    first = post("?source=kabar&url=https://kabar.example/a")
    assert first.status_code == 202
    # The same page again, as it was or naming nothing: the stored one.
    for query in ("?source=kabar&url=https://kabar.example/a", "", "?source=kabar"):
        again = post(query)
        assert again.status_code == 200 and again.get_json()["duplicate"] is True, query
    # Naming another source or address: said, not dropped.
    for query in ("?source=24kg", "?url=https://elsewhere.example/b"):
        refused = post(query)
        assert refused.status_code == 409, query
        assert problem(refused)["type"].endswith("/conflicting-repost")
        assert problem(refused)["submission_id"] == first.get_json()["id"]


def test_a_pages_zone_is_posted_with_it_and_kept(client: FlaskClient) -> None:
    body = "Лента\n\nВ Алматы выпал снег\nСегодня, 00:40\n\nСнег выпал ночью.\n".encode()
    post = lambda query: client.post(  # noqa: E731
        f"/v1/submissions{query}", data=body, headers={**AUTH, "Content-Type": "text/plain"}
    )
    first = post("?tz=Asia/Almaty")
    assert first.status_code == 202 and first.get_json()["tz"] == "Asia/Almaty"
    got = client.get(f"/v1/submissions/{first.get_json()['id']}", headers=AUTH)
    assert got.get_json()["tz"] == "Asia/Almaty"
    # The same page naming no zone is the stored one; naming another is a 409.
    assert post("").status_code == 200
    refused = post("?tz=Asia/Bishkek")
    assert refused.status_code == 409
    assert "tz" in problem(refused)["detail"]


@pytest.mark.parametrize("zone", ["Asia/Nowhere", "../../etc/passwd", "x" * 200])
def test_an_unknown_zone_is_400(client: FlaskClient, zone: str) -> None:
    resp = client.post(
        "/v1/submissions", query_string={"tz": zone}, data=b"Page\n\nBody.",
        headers={**AUTH, "Content-Type": "text/plain"},
    )
    assert resp.status_code == 400
    doc = problem(resp)
    assert doc["parameter"] == "tz" and "IANA" in doc["detail"]
