"""The JSON page form: schema, validation reports, and parsing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator

from services.ingest.parsing import (
    ParseError,
    Quote,
    SchemaError,
    page_json_schema,
    parse_page,
    validate_json_document,
)


def encode(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


VALID = {
    "page_date": "2025-12-15",
    "source": "timesca",
    "articles": [
        {
            "title": "Uzbekistan Opens Its First Inclusive School",
            "body": "The school opened in Tashkent\non Monday.\n\n\nIt has ramps and lifts.\n",
            "url": "https://timesca.com/uzbekistan-inclusive-school/",
            "published": "2025-12-15T09:30:00Z",
            "tags": ["Central Asia", "Disability Rights", "uzbekistan"],
        },
        {"title": "Kyrgyz Som Holds Steady", "paragraphs": ["  First.  ", "", "Second."]},
    ],
    "rates": [
        {"pair": "KGS/USD", "rate": "0.01144", "change": "0%"},
        {"pair": "TMT/USD", "rate": "0.28490", "change": "-0%"},
        {"pair": "KGS/USD", "rate": "0.01144", "change": "0%"},
    ],
    "_upstream_id": 1234,
}


def test_schema_is_draft_2020_12_and_documented() -> None:
    schema = page_json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] and schema["description"]
    rate = schema["$defs"]["rate"]["properties"]["rate"]
    assert rate["type"] == "string"
    assert "floating point" in rate["description"]
    # Every property is documented for readers of GET /v1/schema.
    for definition in (schema, schema["$defs"]["article"], schema["$defs"]["rate"]):
        for name, prop in definition["properties"].items():
            assert prop.get("description"), name


def test_schema_copies_are_independent() -> None:
    page_json_schema()["title"] = "changed"
    assert page_json_schema()["title"] == "silkfeed page"


def test_valid_document() -> None:
    assert validate_json_document(encode(VALID)) == []
    page = parse_page(encode(VALID), "application/json")
    assert page.page_date == date(2025, 12, 15)
    first, second = page.articles
    assert first.paragraphs == (
        "The school opened in Tashkent on Monday.",
        "It has ramps and lifts.",
    )
    assert first.url == "https://timesca.com/uzbekistan-inclusive-school/"
    assert first.published == datetime(2025, 12, 15, 9, 30, tzinfo=UTC)
    assert first.tags == ("central-asia", "disability-rights", "uzbekistan")
    assert second.paragraphs == ("First.", "Second.")
    assert second.tags == ("kyrgyzstan",)
    assert page.quotes == (
        Quote("KGS", "USD", Decimal("0.01144"), "0%"),
        Quote("TMT", "USD", Decimal("0.28490"), "-0%"),
    )
    assert str(page.quotes[1].rate) == "0.28490"


def test_minimal_documents() -> None:
    assert parse_page(b"{}", "application/json").articles == ()
    assert parse_page(b'{"page_date": null, "articles": []}', "application/json").page_date is None


def test_every_offending_field_is_reported() -> None:
    document = {
        "page_date": "2025-02-30",
        "articles": [
            {"paragraphs": ["x"]},
            {"title": 7, "paragraphs": ["a"], "body": "b", "url": "ftp://x", "colour": "red"},
            {"title": "No Text Given Here"},
            {"title": "Bad Date", "body": "x", "published": "2025-13-01T00:00:00Z"},
            {"title": "   ", "paragraphs": [1]},
        ],
        "rates": [
            {"pair": "KGS/USD", "rate": 0.01144, "change": "0%"},
            {"pair": "kgs-usd", "rate": "1,5", "change": "zero"},
            {},
        ],
        "article": [],
    }
    errors = validate_json_document(encode(document))
    assert [e["field"] for e in errors] == [
        "/article",
        "/articles/0/title",
        "/articles/1/body",
        "/articles/1/colour",
        "/articles/1/title",
        "/articles/1/url",
        "/articles/2/paragraphs",
        "/articles/3/published",
        "/articles/4/paragraphs/0",
        "/articles/4/title",
        "/page_date",
        "/rates/0/rate",
        "/rates/1/change",
        "/rates/1/pair",
        "/rates/1/rate",
        "/rates/2/change",
        "/rates/2/pair",
        "/rates/2/rate",
    ]
    by_field = {e["field"]: e["message"] for e in errors}
    assert by_field["/articles/0/title"] == "is required"
    assert by_field["/articles/1/body"] == "give either paragraphs or body, not both"
    assert by_field["/articles/2/paragraphs"] == "is required (or give body instead)"
    assert by_field["/articles/1/title"] == "must be a string, not a number"
    assert "decimal string" in by_field["/rates/0/rate"]
    assert by_field["/page_date"] == '"2025-02-30" is not a valid date'
    assert all(set(e) == {"field", "message"} for e in errors)


def test_schema_error_carries_the_same_errors() -> None:
    body = encode({"articles": [{"paragraphs": []}]})
    with pytest.raises(SchemaError) as caught:
        parse_page(body, "application/json")
    assert isinstance(caught.value, ParseError)
    assert caught.value.errors == validate_json_document(body)
    assert caught.value.errors == [{"field": "/articles/0/title", "message": "is required"}]
    assert "/articles/0/title" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"articles": NaN}', "NaN is not a JSON value"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b"[]", "must be an object, not an array"),
    ],
)
def test_unreadable_json_is_a_schema_error(body: bytes, message: str) -> None:
    with pytest.raises(SchemaError) as caught:
        parse_page(body, "application/json")
    (error,) = caught.value.errors
    assert error["field"] == ""
    assert message in error["message"]


def test_invalid_utf8_in_json_is_reported() -> None:
    assert validate_json_document(b'{"source": "\xff"}') == [
        {
            "field": "",
            "message": "body is not valid UTF-8: byte 0xff at offset 12 (invalid start byte)",
        }
    ]


def test_forbidden_characters_are_removed_from_json_strings() -> None:
    # JSON escapes can spell characters that raw UTF-8 could not carry.
    body = (
        b'{"articles": [{"title": "Tajik\\u0007 Dam \\ud800Work Resumes",'
        b' "paragraphs": ["A\\u0000B\\uffff."]}]}'
    )
    (article,) = parse_page(body, "application/json").articles
    assert article.title == "Tajik Dam Work Resumes"
    assert article.paragraphs == ("AB.",)


def test_a_title_of_only_control_characters_is_an_error() -> None:
    errors = validate_json_document(encode({"articles": [{"title": "\u0001", "body": "x"}]}))
    assert errors == [{"field": "/articles/0/title", "message": "has no visible characters"}]
