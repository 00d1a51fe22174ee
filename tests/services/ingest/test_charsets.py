"""Pages in legacy encodings: read as browsers read them, stored and parsed in UTF-8."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from services.ingest.app import create_app
from services.ingest.charsets import declared_charset, to_utf8
from shared.problems import Problem
from shared.settings import Settings
from tests.conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = (
    "Тенге укрепился к доллару\n\n"
    "АСТАНА — Курс тенге к доллару вырос на 0,5% за неделю, сообщил Национальный банк "
    "Казахстана.\n"
)
HTML = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    "<title>Тенге укрепился к доллару</title></head><body><article>"
    "<h1>Тенге укрепился к доллару</h1><p>Курс тенге к доллару вырос на 0,5% за неделю, "
    "сообщил Национальный банк Казахстана.</p></article></body></html>"
)


def test_the_content_types_charset_names_the_encoding() -> None:
    charset = declared_charset("text/plain; charset=CP1251", "text/plain")
    assert charset == "windows-1251"
    assert to_utf8(TEXT.encode("cp1251"), "text/plain", charset) == TEXT.encode()
    assert declared_charset('text/html; charset="koi8-r"', "text/html") == "koi8-r"
    assert declared_charset("text/plain", "text/plain") is None
    # JSON is UTF-8 by its RFC; a charset beside it is not looked at.
    assert declared_charset("application/json; charset=latin1", "application/json") is None


def test_an_html_page_declares_its_own_encoding() -> None:
    assert to_utf8(HTML.encode("cp1251"), "text/html", None) == HTML.encode()
    short = '<meta charset="koi8-r"><p>Привет</p>'
    assert to_utf8(short.encode("koi8-r"), "text/html", None) == short.encode()
    # A page that is valid UTF-8 is UTF-8, whatever its template declares.
    assert to_utf8(HTML.encode(), "text/html", None) == HTML.encode()
    # A declaration past the first 1024 bytes is not looked for (nor in text).
    late = b" " * 1100 + HTML.encode("cp1251")
    assert to_utf8(late, "text/html", None) == late
    assert to_utf8(HTML.encode("cp1251"), "text/plain", None) == HTML.encode("cp1251")


def test_unknown_or_unreadable_encodings_are_refused() -> None:
    for label in ("x-bogus", "x-user-defined", "iso-2022-kr"):
        with pytest.raises(Problem) as refused:
            declared_charset(f"text/plain; charset={label}", "text/plain")
        assert refused.value.status == 415
    with pytest.raises(Problem) as refused:
        to_utf8(b"\x98", "text/plain", "windows-1251")
    assert refused.value.status == 400 and "windows-1251" in refused.value.detail


@pytest.fixture
def client(settings: Settings) -> Iterator[FlaskClient]:
    yield create_app(settings, start_relay=False).test_client()


def post(client: FlaskClient, body: bytes, content_type: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/v1/submissions?source=steppe", data=body, headers={**AUTH, "Content-Type": content_type}
    )


def test_a_page_in_windows_1251_is_stored_as_its_utf8_copy(client: FlaskClient) -> None:
    first = post(client, TEXT.encode("cp1251"), "text/plain; charset=windows-1251")
    assert first.status_code == 202, first.data
    assert first.get_json()["bytes"] == len(TEXT.encode())
    # The same page in UTF-8 is the same page.
    again = post(client, TEXT.encode(), "text/plain; charset=utf-8")
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["duplicate"] is True


def test_an_html_page_naming_its_encoding_is_accepted(client: FlaskClient) -> None:
    first = post(client, HTML.encode("cp1251"), "text/html")
    assert first.status_code == 202, first.data
    again = post(client, HTML.encode(), "text/html")
    assert again.get_json()["id"] == first.get_json()["id"]


def test_encoding_problems_say_what_is_wrong(client: FlaskClient) -> None:
    unknown = post(client, TEXT.encode(), "text/plain; charset=x-bogus")
    assert unknown.status_code == 415
    doc = json.loads(unknown.data)
    assert doc["type"].endswith("/unsupported-charset") and "x-bogus" in doc["detail"]
    broken = post(client, b"Title\n\n\x98 text", "text/plain; charset=windows-1251")
    assert broken.status_code == 400
    assert "not valid windows-1251" in json.loads(broken.data)["detail"]
