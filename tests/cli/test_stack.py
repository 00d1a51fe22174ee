"""What `silkfeed stack` prints about the stack it started."""

from __future__ import annotations

import shlex
from pathlib import Path

from cli.stack import describe_urls
from shared.settings import Settings


def test_the_curl_hint_expands_the_token_variable(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, ingest_port=8001, bind_host="127.0.0.1", ingest_tokens=())
    hidden = describe_urls(settings, None)
    assert f"(in {tmp_path.resolve() / 'ingest-token'})" in hidden[-2]
    curl = hidden[-1].removeprefix("try:").strip()
    assert '-H "Authorization: Bearer $TOKEN"' in curl  # double quotes: the shell expands it
    assert shlex.split(curl)[:3] == ["curl", "-H", "Authorization: Bearer $TOKEN"]
    shown = describe_urls(settings, "t" * 20)
    assert '-H "Authorization: Bearer ' + "t" * 20 + '"' in shown[-1]
    assert shown[-1].endswith("--data-binary @page.txt http://127.0.0.1:8001/v1/submissions")
