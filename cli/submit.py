"""``silkfeed submit FILE...``: post pages to the ingest API, as an upstream would.

It goes through the HTTP API (not the database), so it exercises — and is
refused by — exactly what upstream systems meet: the token, the size limit,
the media types, the JSON schema, the rate limit.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import click

from cli.common import expected_errors, fail

MEDIA_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".json": "application/json",
}


class Refused(Exception):
    """The API answered with a problem document (4xx/5xx)."""

    def __init__(self, status: int, detail: str, retry_after: float | None = None) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


def media_type_of(path: Path, override: str | None) -> str:
    if override:
        return override
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        known = ", ".join(sorted(MEDIA_TYPES))
        fail(f"{path}: cannot tell the media type from the extension ({known}); pass --media-type")
    return media_type


def _problem(err: urllib.error.HTTPError) -> Refused:
    """One line from a problem document: its detail, and the first offending field."""
    body = err.read()
    try:
        doc = json.loads(body)
        detail = str(doc.get("detail") or doc.get("title") or "")
        errors = doc.get("errors") or []
        if errors and isinstance(errors[0], dict):
            first = errors[0]
            detail += f"; first: {first.get('field') or '/'} {first.get('message', '')}"
    except (ValueError, AttributeError):
        detail = body.decode("utf-8", "replace")[:200]
    retry_after = None
    with contextlib.suppress(ValueError):
        retry_after = float(err.headers.get("Retry-After") or "")
    return Refused(err.code, " ".join((detail or str(err.reason)).split()), retry_after)


class IngestClient:
    def __init__(self, base: str, token: str, timeout: float = 30.0) -> None:
        self.base = base.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, request: urllib.request.Request) -> tuple[int, dict[str, Any]]:
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310
                return resp.status, dict(json.load(resp))
        except urllib.error.HTTPError as err:
            raise _problem(err) from None

    def post(
        self, body: bytes, media_type: str, source: str | None, page_url: str | None
    ) -> tuple[int, dict[str, Any]]:
        query = {k: v for k, v in (("source", source), ("url", page_url)) if v}
        url = f"{self.base}/v1/submissions"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        if media_type.startswith("text/") and "charset" not in media_type:
            media_type += "; charset=utf-8"
        request = urllib.request.Request(  # noqa: S310 - the operator's own API URL
            url, data=body, method="POST", headers={"Content-Type": media_type}
        )
        return self._call(request)

    def get(self, submission_id: str) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310
            f"{self.base}/v1/submissions/{urllib.parse.quote(submission_id)}"
        )
        return self._call(request)[1]


def post_patiently(
    client: IngestClient,
    body: bytes,
    media_type: str,
    source: str | None,
    page_url: str | None,
    attempts: int = 5,
) -> dict[str, Any]:
    """Post one page; a 429 (the token's rate limit) waits as told and tries again."""
    for attempt in range(attempts):
        try:
            return client.post(body, media_type, source, page_url)[1]
        except Refused as exc:
            if exc.status != 429 or attempt == attempts - 1:
                raise
            time.sleep(min(exc.retry_after or 1.0, 60.0))
    raise AssertionError("unreachable")


def token_file(settings: Any) -> Path:
    """Where `make run` and `make up` write the token they generate."""
    return Path(settings.data_dir).resolve() / "ingest-token"


def default_token(settings: Any) -> str | None:
    """The first configured token, else the one `make run` generated into the data directory."""
    if settings.ingest_tokens:
        return str(settings.ingest_tokens[0].get_secret_value())
    path = token_file(settings)
    if path.is_file():
        return path.read_text().strip() or None
    return None


@click.command("submit")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--source", help="The upstream's name (it gets its own feed).")
@click.option("--page-url", help="The page's own address (?url=).")
@click.option(
    "--media-type",
    type=click.Choice(["text/plain", "text/html", "application/json"]),
    help="Override the media type the extension implies (.txt, .html/.htm, .json).",
)
@click.option(
    "--url",
    "api_url",
    metavar="URL",
    help="The ingest API's base URL  [default: http://BIND_HOST:INGEST_PORT].",
)
@click.option(
    "--token",
    envvar="SILKFEED_TOKEN",
    help="Bearer token  [default: the first of SILKFEED_INGEST_TOKENS, or "
    "$SILKFEED_DATA_DIR/ingest-token].",
)
@click.option("--wait", is_flag=True, help="Wait until every page is done or failed.")
@click.option("--timeout", default=600.0, show_default=True, help="Seconds --wait waits at most.")
@expected_errors
def submit(
    files: tuple[Path, ...],
    source: str | None,
    page_url: str | None,
    media_type: str | None,
    api_url: str | None,
    token: str | None,
    wait: bool,
    timeout: float,
) -> None:
    """Post pages (FILE...) to the ingest API and print each one's submission id.

    \b
    Examples:
      silkfeed submit page.txt
      silkfeed submit --source timesca --wait pages/*.html
      silkfeed submit --url https://ingest.example.org --token "$TOKEN" page.json
    """
    from cli.common import echo_line, progress_file, summarize, wait_until_finished
    from shared.settings import load_settings

    settings = load_settings()
    token = token or default_token(settings)
    if not token:
        fail(
            "no ingest token: pass --token, set SILKFEED_TOKEN or SILKFEED_INGEST_TOKENS, or "
            f"point SILKFEED_DATA_DIR at the stack's data directory (no {token_file(settings)})"
        )
    base = api_url or f"http://{settings.bind_host}:{settings.ingest_port}"
    if not base.startswith(("http://", "https://")):
        fail(f"--url must be an http:// or https:// URL, got {base!r}")
    client = IngestClient(base, token)
    typed = [(path, media_type_of(path, media_type)) for path in files]

    accepted: list[str] = []
    refused = 0
    with click.progressbar(
        typed,
        label="posting",
        file=progress_file(),
        show_pos=True,
        item_show_func=lambda item: item[0].name if item else None,
    ) as bar:
        for path, mtype in bar:
            try:
                doc = post_patiently(client, path.read_bytes(), mtype, source, page_url)
            except Refused as exc:
                refused += 1
                echo_line(f"{path}: refused ({exc.status}): {exc.detail}", err=True)
                if exc.status == 401:
                    fail("the ingest API refused the token; pass the right one with --token")
                continue
            note = " (duplicate of an earlier post)" if doc.get("duplicate") else ""
            echo_line(f"{path} → {doc['id']} {doc['status']}{note}")
            accepted.append(str(doc["id"]))

    status = 1 if refused else 0
    if wait and accepted:

        def probe(pending: list[str]) -> dict[str, str]:
            return {sid: str(client.get(sid)["status"]) for sid in pending}

        statuses = wait_until_finished(accepted, probe, timeout=timeout)
        for sid, st in statuses.items():
            if st == "failed":
                echo_line(f"{sid}: failed: {client.get(sid).get('error')}", err=True)
        text, code = summarize(statuses)
        echo_line(text)
        status = status or code
    if refused:
        echo_line(f"silkfeed: {refused} of {len(typed)} page(s) refused", err=True)
    sys.exit(status)
