"""Page-parser speed: silkfeed against trafilatura on the canonical sample.

Run as ``.venv/bin/python bench/bench_parse.py``. It times, in one run:

- ``parse_page`` on the plain-text sample (target: median <= 1 ms),
- ``parse_page`` on its HTML rendering as a full news-site page (target:
  median <= 5 ms),
- ``trafilatura.extract`` on the same full page (target: at least 10x slower
  than silkfeed's HTML parse, i.e. the ratio trafilatura / silkfeed >= 10),

checks that silkfeed found all six headlines, prints a table and exits
non-zero when a target is missed.

The full page (``timesca-2025-12-15-full.html``, about 230 kB) carries the same
six articles, ticker and date inside what a real WordPress news site wraps
around them: a mega-menu, inline scripts and JSON-LD, style blocks, sidebars
with related and most-read headlines, a comment thread, newsletter and cookie
forms, a link-heavy footer. The light page (``timesca-2025-12-15.html``, 32 kB,
little more than the articles) is timed too, for information: it is no test
of an extractor, since almost all of it is the text to extract.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Check, print_checks  # noqa: E402
from services.ingest.parsing import parse_page  # noqa: E402
from services.ingest.parsing.ceiling import tune_allocator  # noqa: E402
from services.ingest.parsing.compiled import describe  # noqa: E402
from tests.support.sample import SAMPLE_TITLES  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
TEXT_PAGE = FIXTURES / "timesca-2025-12-15.txt"
HTML_PAGE = FIXTURES / "timesca-2025-12-15-full.html"
LIGHT_PAGE = FIXTURES / "timesca-2025-12-15.html"

HEADLINES = SAMPLE_TITLES

TEXT_TARGET_MS = 1.0
HTML_TARGET_MS = 5.0
RATIO_TARGET = 10.0

TEXT_RUNS = 3000
HTML_RUNS = 1500
TRAFILATURA_RUNS = 150
LIGHT_RUNS = 2000
LIGHT_TRAFILATURA_RUNS = 300
# The two HTML contenders are timed in alternating rounds, so that both meet
# the same machine: on a shared box, load that comes and goes would otherwise
# skew the ratio towards whichever ran in the quieter moment.
ROUNDS = 25
WARMUP_RUNS = 20


def timed_ms(call: Callable[[], object], runs: int) -> list[float]:
    """Wall times of ``runs`` calls, in milliseconds.

    Like ``timeit``, the garbage collector is paused while timing so that a
    collection triggered by earlier allocations is not charged to whichever
    call happens to run into it; every contender is timed the same way.
    """
    samples = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        gc.enable()
    return samples


def interleaved_medians(
    contenders: dict[str, tuple[Callable[[], object], int]],
) -> dict[str, float]:
    """Median milliseconds per contender, timed in alternating rounds."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for call, _ in contenders.values():
        for _ in range(WARMUP_RUNS):
            call()
    for _ in range(ROUNDS):
        for name, (call, runs) in contenders.items():
            samples[name].extend(timed_ms(call, max(1, runs // ROUNDS)))
    return {name: statistics.median(values) for name, values in samples.items()}


def import_trafilatura() -> types.ModuleType:
    """Import trafilatura, bridging a packaging gap if needed.

    lxml 5.2+ moved ``lxml.html.clean`` into the separate ``lxml_html_clean``
    package; jusText (a trafilatura dependency) imports its ``Cleaner`` at
    import time, but trafilatura never calls it (it feeds jusText a tree it
    has cleaned itself). If the package is missing, a stand-in whose Cleaner
    refuses to run lets the import succeed without changing what is measured:
    a call would raise instead of silently doing less work.
    """
    try:
        import lxml.html.clean  # noqa: F401
    except ImportError:
        stand_in = types.ModuleType("lxml.html.clean")

        class Cleaner:
            def __init__(self, *args: object, **kwargs: object) -> None:
                raise RuntimeError("lxml.html.clean.Cleaner stand-in was called")

        stand_in.Cleaner = Cleaner  # type: ignore[attr-defined]
        sys.modules["lxml.html.clean"] = stand_in
        print("note: lxml_html_clean is not installed; using a stand-in that must never run")
    import trafilatura

    return trafilatura


class Pages(NamedTuple):
    """The sample pages, as bytes and (for trafilatura) as text."""

    text_body: bytes
    html_body: bytes
    html_text: str
    light_body: bytes
    light_text: str

    @classmethod
    def read(cls) -> Pages:
        html_body = HTML_PAGE.read_bytes()
        light_body = LIGHT_PAGE.read_bytes()
        return cls(
            text_body=TEXT_PAGE.read_bytes(),
            html_body=html_body,
            html_text=html_body.decode("utf-8"),
            light_body=light_body,
            light_text=light_body.decode("utf-8"),
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Page-parser speed against trafilatura.")
    parser.add_argument(
        "--plain-allocator",
        action="store_true",
        help="leave glibc's allocator as Python starts it, instead of set up as the "
        "ingest worker sets it up (which speeds up trafilatura more than silkfeed here)",
    )
    return parser.parse_args(argv)


def check_parses(pages: Pages, trafilatura: types.ModuleType) -> tuple[int, int]:
    """Check that every page gives the six articles; the headlines each contender found."""
    text_page = parse_page(pages.text_body, "text/plain")
    html_page = parse_page(pages.html_body, "text/html")
    light_page = parse_page(pages.light_body, "text/html")
    text_titles = [article.title for article in text_page.articles]
    html_titles = [article.title for article in html_page.articles]
    assert text_titles == HEADLINES, f"text parse found {text_titles}"
    assert html_titles == HEADLINES, f"HTML parse found {html_titles}"
    assert html_page == text_page, "the full HTML page must give the text page's articles"
    assert light_page == text_page, "the light HTML page must give the text page's articles"
    extracted = trafilatura.extract(pages.html_text) or ""
    trafilatura_found = sum(title in extracted for title in HEADLINES)
    return len(html_titles), trafilatura_found


def time_contenders(pages: Pages, trafilatura: types.ModuleType) -> dict[str, float]:
    """Median milliseconds of each parse, timed in alternating rounds."""
    return interleaved_medians(
        {
            "text": (lambda: parse_page(pages.text_body, "text/plain"), TEXT_RUNS),
            "html": (lambda: parse_page(pages.html_body, "text/html"), HTML_RUNS),
            "trafilatura": (lambda: trafilatura.extract(pages.html_text), TRAFILATURA_RUNS),
            "light": (lambda: parse_page(pages.light_body, "text/html"), LIGHT_RUNS),
            "light trafilatura": (
                lambda: trafilatura.extract(pages.light_text),
                LIGHT_TRAFILATURA_RUNS,
            ),
        }
    )




def checks_of(medians: dict[str, float], html_found: int, trafilatura_found: int) -> list[Check]:
    """The report's rows: measure, value, target and whether it was met (None: no target)."""
    text_ms, html_ms, trafilatura_ms = medians["text"], medians["html"], medians["trafilatura"]
    ratio = trafilatura_ms / html_ms
    light_ms, light_trafilatura_ms = medians["light"], medians["light trafilatura"]
    return [
        (
            "silkfeed text parse",
            f"{text_ms:.3f} ms",
            f"<= {TEXT_TARGET_MS:g} ms",
            text_ms <= TEXT_TARGET_MS,
        ),
        (
            "silkfeed HTML parse",
            f"{html_ms:.3f} ms",
            f"<= {HTML_TARGET_MS:g} ms",
            html_ms <= HTML_TARGET_MS,
        ),
        ("trafilatura.extract HTML", f"{trafilatura_ms:.3f} ms", "baseline", None),
        (
            "ratio trafilatura / silkfeed",
            f"{ratio:.2f}x",
            f">= {RATIO_TARGET:g}x",
            ratio >= RATIO_TARGET,
        ),
        ("silkfeed headlines found", f"{html_found}/6", "6/6", html_found == 6),
        ("trafilatura headlines found", f"{trafilatura_found}/6", "-", None),
        # For information: the light page, mostly the articles themselves.
        ("light page: silkfeed HTML", f"{light_ms:.3f} ms", "-", None),
        ("light page: trafilatura", f"{light_trafilatura_ms:.3f} ms", "-", None),
        ("light page: ratio", f"{light_trafilatura_ms / light_ms:.1f}x", "-", None),
    ]


def print_report(pages: Pages, checks: list[Check]) -> int:
    """Print the table; 1 when a target was missed, else 0."""
    print(
        f"parse benchmark: {HTML_PAGE.name} ({len(pages.html_body):,} bytes), "
        f"{TEXT_PAGE.name} ({len(pages.text_body):,} bytes), "
        f"light page {LIGHT_PAGE.name} ({len(pages.light_body):,} bytes); medians of "
        f"{TEXT_RUNS}/{HTML_RUNS}/{TRAFILATURA_RUNS}/{LIGHT_RUNS}/{LIGHT_TRAFILATURA_RUNS} runs; "
        f"parser: {describe()}"
    )
    return print_checks(checks)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.plain_allocator:
        # As the ingest worker does (services/ingest/worker.py).
        tune_allocator()
    pages = Pages.read()
    trafilatura = import_trafilatura()
    html_found, trafilatura_found = check_parses(pages, trafilatura)
    medians = time_contenders(pages, trafilatura)
    return print_report(pages, checks_of(medians, html_found, trafilatura_found))


if __name__ == "__main__":
    sys.exit(main())
