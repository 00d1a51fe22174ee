from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from services.ingest.parsing import ParsedPage, parse_page

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
PAGES = FIXTURES / "pages"


@pytest.fixture(scope="session")
def sample_text() -> bytes:
    return (FIXTURES / "timesca-2025-12-15.txt").read_bytes()


@pytest.fixture(scope="session")
def sample_html() -> bytes:
    return (FIXTURES / "timesca-2025-12-15.html").read_bytes()


@pytest.fixture(scope="session")
def sample_full_html() -> bytes:
    """The sample's articles inside a full, realistic news-site page (about 230 kB)."""
    return (FIXTURES / "timesca-2025-12-15-full.html").read_bytes()


@pytest.fixture(scope="session")
def sample_json() -> bytes:
    return (PAGES / "timesca-2025-12-15.json").read_bytes()


@pytest.fixture(scope="session")
def sample_page(sample_text: bytes) -> ParsedPage:
    return parse_page(sample_text, "text/plain")


def parse_fixture(name: str, received: datetime | None = None) -> ParsedPage:
    """One of the hand-written pages under tests/fixtures/pages, parsed as its
    file's suffix says it was posted (``received``: when, for "Today")."""
    media_type = {
        ".txt": "text/plain",
        ".html": "text/html",
        ".json": "application/json",
    }[Path(name).suffix]
    return parse_page((PAGES / name).read_bytes(), media_type, received)


@pytest.fixture
def page_fixture() -> Callable[[str], ParsedPage]:
    """Parse one of the hand-written pages under tests/fixtures/pages."""
    return parse_fixture
