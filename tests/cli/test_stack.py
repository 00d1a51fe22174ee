"""What `silkfeed stack` prints about the stack it started."""

from __future__ import annotations

import shlex
from pathlib import Path

from cli.stack import describe_urls
from shared.settings import Settings


def test_the_curl_hint_expands_the_token_variable(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, ingest_port=8001, bind_host="127.0.0.1", ingest_tokens=()
    )
    hidden = describe_urls(settings, None)
    assert f"(in {tmp_path.resolve() / 'ingest-token'})" in hidden[-2]
    curl = hidden[-1].removeprefix("try:").strip()
    assert '-H "Authorization: Bearer $TOKEN"' in curl  # double quotes: the shell expands it
    assert shlex.split(curl)[:3] == ["curl", "-H", "Authorization: Bearer $TOKEN"]
    shown = describe_urls(settings, "t" * 20)
    assert '-H "Authorization: Bearer ' + "t" * 20 + '"' in shown[-1]
    assert shown[-1].endswith("--data-binary @page.txt http://127.0.0.1:8001/v1/submissions")


def test_the_hints_name_the_public_ingest_url_when_one_is_set(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        bind_host="0.0.0.0",  # noqa: S104 - a setting, not a bind
        ingest_public_url="https://ingest.example.org/",
        ingest_tokens=(),
    )
    lines = describe_urls(settings, None)
    assert "ingest:  https://ingest.example.org/v1/submissions" in lines
    assert lines[-1].endswith("--data-binary @page.txt https://ingest.example.org/v1/submissions")
    assert not any("0.0.0.0" in line for line in lines)  # noqa: S104 - compared, not bound


def test_a_wildcard_bind_is_hinted_at_the_loopback_address(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, bind_host="0.0.0.0", ingest_port=8101, ingest_tokens=())  # noqa: S104
    assert describe_urls(settings, None)[-1].endswith("http://127.0.0.1:8101/v1/submissions")
