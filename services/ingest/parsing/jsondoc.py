"""The structured JSON form of a page, its schema, and its validation."""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, ValidationError

from shared.bounds import Bounds, page_problems

from .articles import Draft, build_articles
from .bylines import byline_authors
from .clean import decode_body, squash_space, strip_forbidden
from .dates import parse_iso_date, parse_iso_datetime
from .language import normalise_language
from .model import ParsedPage, ParseError, Quote
from .ticker import unique_quotes

FieldError = dict[str, str]

# A document can break the schema in millions of places (a million empty
# articles); the submitter needs the first few, and the answer stays small.
MAX_REPORTED_ERRORS = 20

_SCHEMA_FILE = "page.schema.json"
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_ARTICLED = {"object": "an object", "array": "an array", "string": "a string", "number": "a number"}
_JSON_TYPES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


class SchemaError(ParseError):
    """A JSON page that is not valid JSON or does not match the page schema.

    ``errors`` lists every offending field as ``{"field": JSON pointer,
    "message": text}``, the same shape ``validate_json_document`` returns.
    """

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        first = errors[0] if errors else {"field": "", "message": "invalid document"}
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        where = first["field"] or "document"
        super().__init__(f"JSON page does not match the schema: {where}: {first['message']}{more}")


@cache
def _schema_text() -> str:
    return resources.files(__package__).joinpath(_SCHEMA_FILE).read_text(encoding="utf-8")


def page_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON page form; a fresh copy per call."""
    return copy.deepcopy(_validator().schema)


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(_schema_text())
    Draft202012Validator.check_schema(schema)
    # Format assertions are off by default in 2020-12; "date" is the one
    # whose checker needs no extra package, the others are backed by patterns.
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate_json_document(
    body: bytes, bounds: Bounds | None = None, received: datetime | None = None
) -> list[FieldError]:
    """The problems with a JSON page (at most ``MAX_REPORTED_ERRORS``, one per
    offending field), values out of ``bounds`` included; ``[]`` if valid."""
    return checked_json_document(body, bounds, received)[1]


def checked_json_document(
    body: bytes, bounds: Bounds | None = None, received: datetime | None = None
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """The JSON page's document and its problems, as ``validate_json_document``
    finds them (no document when it is not one)."""
    document = None
    try:
        document = _load(body)
        errors = [
            _error(path, message)
            for path, message in page_problems(
                _page_date(document),
                [_stamp(a, "published") for a in document.get("articles") or ()],
                [(r["pair"], r["rate"], r["change"]) for r in document.get("rates") or ()],
                bounds or Bounds(),
                received or datetime.now(UTC),
                [_stamp(a, "modified") for a in document.get("articles") or ()],
            )
        ]
        return document, errors[:MAX_REPORTED_ERRORS]
    except SchemaError as exc:
        return document, exc.errors
    except ParseError as exc:
        return document, [_error((), str(exc))]


def parse_json(body: bytes) -> ParsedPage:
    """Parse a JSON page, raising ``SchemaError`` listing every problem if it is invalid."""
    document = _load(body)
    language = document.get("language")
    articles = build_articles(_draft(item, language) for item in document.get("articles") or ())
    quotes = []
    for rate in document.get("rates") or ():
        base, quote = rate["pair"].split("/")
        quotes.append(Quote(base, quote, Decimal(rate["rate"]), rate["change"]))
    page_date = document.get("page_date")
    return ParsedPage(
        page_date=parse_iso_date(page_date) if page_date else None,
        articles=articles,
        quotes=unique_quotes(quotes),
    )


def _load(body: bytes) -> dict[str, Any]:
    text = decode_body(body)
    try:
        document = json.loads(
            text, parse_constant=_refuse_constant, object_pairs_hook=_ObjectLimit(MAX_OBJECTS)
        )
    except _TooManyObjects:
        raise SchemaError([_error((), _TOO_MANY_OBJECTS)]) from None
    except RecursionError:
        raise SchemaError([_error((), "not valid JSON: nested too deeply")]) from None
    except ValueError as exc:
        raise SchemaError([_error((), f"not valid JSON: {exc}")]) from None
    try:
        errors = _count_errors(document) or _schema_errors(document)
    except RecursionError:
        errors = [_error((), "nested too deeply")]
    if errors:
        raise SchemaError(errors)
    return document


# Every object of a page: the page, 1,000 articles, 1,000 rates, with room for
# extensions. Counted while parsing, so a million empty objects stop the parser
# after ten thousand instead of being built (and then validated) one by one.
MAX_OBJECTS = 10_000
_TOO_MANY_OBJECTS = (
    f"holds more than {MAX_OBJECTS:,} JSON objects; a page has at most 1,000 articles "
    "and 1,000 rates"
)


class _TooManyObjects(Exception):
    pass


class _ObjectLimit:
    def __init__(self, limit: int) -> None:
        self.left = limit

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        self.left -= 1
        if self.left < 0:
            raise _TooManyObjects
        return dict(pairs)


def _refuse_constant(name: str) -> None:
    # Python's json accepts NaN and Infinity; JSON (RFC 8259) does not.
    raise ValueError(f"{name} is not a JSON value")


def _page_date(document: dict[str, Any]) -> Any:
    text = document.get("page_date")
    return parse_iso_date(text) if text else None


def _stamp(article: dict[str, Any], name: str) -> datetime | None:
    text = article.get(name)
    return parse_iso_datetime(text) if text else None


def _limit(schema: dict[str, Any], *path: str) -> int:
    for key in path:
        schema = schema[key]
    return int(schema["maxItems"])


def _count_errors(document: Any) -> list[FieldError]:
    """Arrays longer than the schema allows, found before any item is validated.

    A million articles would otherwise be validated (and reported) one by one.
    """
    if not isinstance(document, dict):
        return []
    schema = _validator().schema
    article = ("$defs", "article", "properties")
    checks: list[tuple[tuple[str | int, ...], Any, int]] = [
        (("articles",), document.get("articles"), _limit(schema, "properties", "articles")),
        (("rates",), document.get("rates"), _limit(schema, "properties", "rates")),
    ]
    articles = document.get("articles")
    if isinstance(articles, list) and len(articles) <= checks[0][2]:
        for index, item in enumerate(articles):
            if isinstance(item, dict):
                for name in ("paragraphs", "tags"):
                    checks.append(
                        (("articles", index, name), item.get(name), _limit(schema, *article, name))
                    )
    for path, value, limit in checks:
        if isinstance(value, list) and len(value) > limit:
            return [_error(path, f"has {len(value)} items; at most {limit}")]
    return []


def _schema_errors(document: Any) -> list[FieldError]:
    found: dict[tuple[str, str], tuple[tuple[int, ...], FieldError]] = {}

    def add(path: Sequence[str | int], message: str) -> None:
        entry = _error(path, message)
        found.setdefault((entry["field"], message), (_order(path), entry))

    # Validation stops after the first few errors: they are what is reported.
    for error in itertools.islice(_validator().iter_errors(document), MAX_REPORTED_ERRORS):
        for path, message in _describe(error):
            add(path, message)
    flagged = {field for field, _ in found}
    for path, message in itertools.islice(_semantic_errors(document), MAX_REPORTED_ERRORS):
        if _pointer(path) not in flagged:
            add(path, message)
    ordered = [entry for _, entry in sorted(found.values(), key=lambda item: item[0])]
    return ordered[:MAX_REPORTED_ERRORS]


def _describe(error: ValidationError) -> Iterable[tuple[tuple[str | int, ...], str]]:
    """Where ``error`` is and what to tell the submitter about it."""
    path = tuple(error.absolute_path)
    instance = error.instance
    keyword = error.validator
    if keyword == "required":
        # Point at the missing field itself, not at the object lacking it.
        for name in error.validator_value:
            if isinstance(instance, dict) and name not in instance:
                yield (*path, name), "is required"
    elif keyword == "additionalProperties":
        known = error.schema.get("properties", {})
        for name in instance:
            if name not in known and not name.startswith("_"):
                yield (*path, name), "is not a known field (extensions must start with '_')"
    elif keyword == "oneOf" and isinstance(instance, dict):
        if "paragraphs" in instance and "body" in instance:
            yield (*path, "body"), "give either paragraphs or body, not both"
        else:
            yield (*path, "paragraphs"), "is required (or give body instead)"
    elif keyword == "type":
        expected = error.validator_value
        names = " or ".join(_ARTICLED.get(name, name) for name in _as_list(expected))
        hint = ""
        if path and path[-1] == "rate" and isinstance(instance, int | float):
            hint = ' (write the rate as a decimal string, e.g. "0.01144", so no digit is lost)'
        yield path, f"must be {names}, not {_JSON_TYPES.get(type(instance), 'that')}{hint}"
    elif keyword == "pattern" and isinstance(instance, str):
        examples = error.schema.get("examples") or []
        example = f", e.g. {json.dumps(examples[0], ensure_ascii=False)}" if examples else ""
        what = (
            "must not be blank" if error.validator_value == r"\S" else "is not in the expected form"
        )
        yield path, f"{json.dumps(instance, ensure_ascii=False)[:80]} {what}{example}"
    elif keyword == "format":
        yield path, f"{json.dumps(instance)[:80]} is not a valid {error.validator_value}"
    elif keyword == "minLength":
        yield path, "must not be empty"
    elif keyword == "maxLength":
        yield path, f"must be at most {error.validator_value} characters long"
    elif keyword == "maxItems":
        yield path, f"has {len(instance)} items; at most {error.validator_value}"
    else:
        yield path, error.message


def _semantic_errors(document: Any) -> Iterable[tuple[tuple[str | int, ...], str]]:
    """What a pattern can check only loosely: real dates, parsable URLs, visible titles."""
    if not isinstance(document, dict) or not isinstance(document.get("articles"), list):
        return
    for index, article in enumerate(document["articles"]):
        if not isinstance(article, dict):
            continue
        title = article.get("title")
        if isinstance(title, str) and title.strip() and not squash_space(strip_forbidden(title)):
            yield ("articles", index, "title"), "has no visible characters"
        for name in ("published", "modified"):
            stamp = article.get(name)
            if isinstance(stamp, str) and parse_iso_datetime(stamp) is None:
                yield (
                    ("articles", index, name),
                    (f"{json.dumps(stamp)[:80]} is not a valid date-time"),
                )
        url = article.get("url")
        if isinstance(url, str):
            try:
                # Raises on a malformed host ("http://[x") or port ("http://x:99999").
                _ = urlsplit(url).port
            except ValueError:
                yield ("articles", index, "url"), f"{json.dumps(url)[:80]} is not a valid URL"


def _draft(item: dict[str, Any], page_language: str | None = None) -> Draft:
    if "body" in item:
        body = strip_forbidden(item["body"].replace("\r\n", "\n").replace("\r", "\n"))
        paragraphs = _BLANK_LINE.split(body)
    else:
        paragraphs = [strip_forbidden(p) for p in item["paragraphs"]]
    url = item.get("url")
    published = item.get("published")
    modified = item.get("modified")
    authors = [squash_space(strip_forbidden(name)) for name in item.get("authors") or ()]
    # A byline as the first paragraph names the authors, as on a text page.
    first = paragraphs[0].strip() if paragraphs else ""
    named = byline_authors(first) if first else None
    if named is not None:
        authors.extend(named)
        paragraphs = paragraphs[1:]
    return Draft(
        strip_forbidden(item["title"]),
        paragraphs,
        url=strip_forbidden(url).strip() if url else None,
        published=parse_iso_datetime(published) if published else None,
        extra_tags=[strip_forbidden(tag) for tag in item.get("tags") or ()],
        authors=tuple(dict.fromkeys(name for name in authors if name)),
        modified=parse_iso_datetime(modified) if modified else None,
        language=normalise_language(item.get("language") or page_language),
    )


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def _pointer(path: Sequence[str | int]) -> str:
    """RFC 6901 JSON pointer; ``""`` is the whole document."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _order(path: Sequence[str | int]) -> tuple[int, ...]:
    # Array positions sort numerically, so /articles/10 comes after /articles/2.
    key: list[int] = []
    for part in path:
        key.extend((part, 0) if isinstance(part, int) else (-1, *map(ord, str(part)), 0))
    return tuple(key)


def _error(path: Sequence[str | int], message: str) -> FieldError:
    return {"field": _pointer(path), "message": message}
