"""`silkfeed parse FILE...`: what silkfeed would make of a page, storing nothing."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from cli.status import amount
from cli.submit import media_type_of
from services.ingest.charsets import declared_charset, to_utf8
from services.ingest.parsing import ParsedPage, ParseError, parse_page
from services.ingest.parsing.jsondoc import SchemaError
from shared.problems import Problem
from shared.settings import load_settings
from shared.zones import time_zone

# The ingest API's default ceiling: a file larger than this would be refused there too.
MAX_FILE_BYTES = 5 * 1024 * 1024


def page_document(page: ParsedPage) -> dict[str, Any]:
    """The parse as JSON: date, quotes, articles and the diagnostics."""
    return {
        "page_date": page.page_date.isoformat() if page.page_date else None,
        "quotes": [{"pair": q.pair, "rate": str(q.rate), "change": q.change} for q in page.quotes],
        "articles": [
            {
                "title": a.title,
                "authors": list(a.authors),
                "url": a.url,
                "published": a.published.isoformat() if a.published else None,
                "modified": a.modified.isoformat() if a.modified else None,
                "language": a.language,
                "tags": list(a.tags),
                "paragraphs": len(a.paragraphs),
                "first_paragraph": a.paragraphs[0] if a.paragraphs else None,
            }
            for a in page.articles
        ],
        "diagnostics": page.diagnostics.as_json(),
    }


def page_lines(doc: dict[str, Any]) -> list[str]:
    lines = [f"page date: {doc['page_date'] or '-'}"]
    quotes = doc["quotes"]
    lines.append(f"quotes:    {len(quotes)}")
    lines.extend(f"  {q['pair']:<8} {q['rate']} {q['change']}".rstrip() for q in quotes)
    lines.append(f"articles:  {len(doc['articles'])}")
    for number, article in enumerate(doc["articles"], 1):
        lines.append(f"  {number}. {article['title']}")
        count = article["paragraphs"]
        details = [f"{count} paragraph{'s' * (count != 1)}"]
        if article["authors"]:
            details.append("by " + ", ".join(article["authors"]))
        if article["tags"]:
            details.append("tags " + ", ".join(article["tags"]))
        if article["published"]:
            details.append(f"published {article['published']}")
        if article["modified"]:
            details.append(f"updated {article['modified']}")
        lines.append("     " + "; ".join(details))
        if article["url"]:
            lines.append(f"     {article['url']}")
    diagnostics = doc["diagnostics"]
    left = diagnostics["left_out"]
    lines.append(f"left out:  {amount(left)}")
    lines.extend(
        f"  {kind['kind']}: {amount(kind)}, e.g. {kind['sample']!r}" for kind in left["kinds"]
    )
    lines.extend(f"warning:   {warning}" for warning in diagnostics["warnings"])
    return lines


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--media-type", help="Media type of every file (default: from the extension).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document per file.")
@click.option(
    "--tz",
    metavar="ZONE",
    help="IANA zone of the times a page prints without one (default: SILKFEED_PAGE_TIMEZONE).",
)
def parse(files: tuple[Path, ...], media_type: str | None, as_json: bool, tz: str | None) -> None:
    """Show what silkfeed would make of pages: date, quotes, articles, what was left out.

    Nothing is stored and nothing is sent: for checking pages before posting them.

    \b
    Examples:
      silkfeed parse page.html
      silkfeed parse --media-type text/plain page.dat --json | jq '.articles[].title'
      silkfeed parse --tz Asia/Almaty live.txt
    """
    try:
        zone = time_zone(tz) if tz else load_settings().page_zone
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--tz") from None
    failed = 0
    for path in files:
        kind = media_type_of(path, media_type)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ParseError(f"the file is over {MAX_FILE_BYTES:,} bytes")
            media = kind.split(";", 1)[0].strip().lower()
            body = to_utf8(path.read_bytes(), media, declared_charset(kind, media))
            # Read as if posted now: a page's "Today" is today.
            page = parse_page(body, media, datetime.now(UTC), zone)
        except SchemaError as exc:
            failed += 1
            problems = "; ".join(f"{e['field'] or '/'}: {e['message']}" for e in exc.errors)
            click.echo(f"silkfeed: {path}: {problems}", err=True)
            continue
        except (ParseError, OSError, Problem) as exc:
            failed += 1
            click.echo(f"silkfeed: {path}: {exc}", err=True)
            continue
        doc = page_document(page)
        if as_json:
            click.echo(json.dumps({"file": str(path), **doc}, ensure_ascii=False))
        else:
            if len(files) > 1:
                click.echo(f"== {path}")
            click.echo("\n".join(page_lines(doc)))
    if failed:
        sys.exit(1)
