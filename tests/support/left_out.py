"""What a parsed page says it left out, by kind: the blocks of each."""

from __future__ import annotations

from services.ingest.parsing import ParsedPage


def left_out_kinds(page: ParsedPage) -> dict[str, int]:
    """Each kind of text the page left out, and its count of blocks."""
    return {k["kind"]: k["blocks"] for k in page.diagnostics.as_json()["left_out"]["kinds"]}
