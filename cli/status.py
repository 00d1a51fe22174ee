"""``silkfeed status ID``: one submission, read straight from the database."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

import click

from cli.common import expected_errors, fail


def describe(sub: Any) -> dict[str, Any]:
    """The submission as the ingest API's status document shows it (without its URL)."""

    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": sub.id,
        "status": sub.status,
        "source": sub.source,
        "page_url": sub.page_url,
        "media_type": sub.media_type,
        "bytes": sub.body_bytes,
        "received_at": when(sub.received_at),
        "sent_at": when(sub.sent_at),
        "started_at": when(sub.started_at),
        "finished_at": when(sub.finished_at),
        "attempts": sub.attempts,
        "page_date": sub.page_date,
        "counts": sub.counts,
        "diagnostics": sub.diagnostics,
        "error": sub.error,
    }


def as_text(doc: dict[str, Any]) -> list[str]:
    counts = doc["counts"]
    took = ""
    if doc["started_at"] and doc["finished_at"]:
        seconds = (
            datetime.fromisoformat(doc["finished_at"]) - datetime.fromisoformat(doc["started_at"])
        ).total_seconds()
        took = f" (took {seconds:.2f} s)"
    rows = [
        ("id", doc["id"]),
        ("status", doc["status"]),
        ("source", doc["source"]),
        ("page url", doc["page_url"] or "-"),
        ("body", f"{doc['media_type']}, {doc['bytes']} bytes"),
        ("page date", doc["page_date"] or "-"),
        (
            "articles",
            f"{counts['articles']} ({counts['new_articles']} new, "
            f"{counts['updated_articles']} updated)",
        ),
        ("rates", str(counts["rates"])),
        ("attempts", str(doc["attempts"])),
        ("received", doc["received_at"]),
        ("sent", doc["sent_at"] or "- (not yet sent to a worker)"),
        ("started", doc["started_at"] or "-"),
        ("finished", (doc["finished_at"] or "-") + took),
        ("error", doc["error"] or "-"),
    ]
    return [f"{name + ':':<11}{value}" for name, value in rows] + diagnostics_lines(
        doc.get("diagnostics")
    )


def amount(left: dict[str, Any]) -> str:
    """"3 blocks, 60 characters" (or "1 block, 1 character") of a part of the diagnostics."""
    blocks, chars = left["blocks"], left["chars"]
    return f"{blocks} block{'s' * (blocks != 1)}, {chars} character{'s' * (chars != 1)}"


def diagnostics_lines(diagnostics: dict[str, Any] | None) -> list[str]:
    """What the parse left out, by kind with a sample, and its warnings."""
    if not diagnostics:
        return []
    left = diagnostics["left_out"]
    lines = [f"{'left out:':<11}{amount(left)}"]
    for kind in left["kinds"]:
        lines.append(f"{'':<11}  {kind['kind']}: {amount(kind)}, e.g. {kind['sample']!r}")
    lines.extend(f"{'warning:':<11}{warning}" for warning in diagnostics["warnings"])
    return lines


@click.command("status")
@click.argument("submission_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the status as a JSON document.")
@expected_errors
def status(submission_id: str, as_json: bool) -> None:
    """Show a submission's status, counts, error and times (from the database).

    \b
    Examples:
      silkfeed status 6c1f0e…
      silkfeed status 6c1f0e… --json | jq .counts
    """
    from cli.common import database
    from shared.models import Submission
    from shared.settings import load_settings

    settings = load_settings()
    with database(settings) as db, db.sessions() as session:
        sub = Submission.find(session, submission_id)
        if sub is None:
            fail(f"no submission {submission_id!r}")
        doc = describe(sub)
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(as_text(doc)))
    sys.exit(0)
