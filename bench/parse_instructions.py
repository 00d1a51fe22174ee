"""Instructions each corpus page's parse takes, counted by callgrind: exact, not timed.

Run as ``.venv/bin/python -m bench.parse_instructions`` (needs valgrind). On a
shared machine wall times vary two or three times over; instruction counts
do not, so two versions of the parser compare by them, page by page. Each of
the 91 pages of ``tests/fixtures/article-extraction/`` is parsed once to warm
up, then once more inside ``functools.reduce`` alone, and callgrind counts
only inside that call (one dump per page). The toggle is on ``reduce``, a C
function the parser never calls, not on ``eval``: parsing evals on first use
(named tuples, dataclasses, lazy imports), which would flip collection. Prints
the median page's count and the corpus total, and with ``--per-page FILE``
writes each page's count, one a line. ``--corpus DIR`` counts another set in the
corpus's layout, as ``bench.bench_extraction --corpus`` measures it (pages the
parser was not tuned on).
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CALLGRIND = (
    "valgrind",
    "--tool=callgrind",
    "--collect-atstart=no",
    "--toggle-collect=functools_reduce",
    "--dump-after=functools_reduce",
)


def _parse_each(corpus: Path | None) -> int:
    """Parse every page of ``corpus`` (the corpus when None) under functools.reduce
    (what callgrind counts); the number of pages."""
    sys.path.insert(0, str(ROOT))
    from services.ingest.parsing import parse_page
    from services.ingest.parsing.ceiling import tune_allocator
    from tests.support.extraction import CORPUS, corpus_pages

    tune_allocator()  # as the ingest worker does
    pages = [page.html for page in corpus_pages(corpus or CORPUS)]
    for html in pages:
        parse_page(html, "text/html")
    for html in pages:
        # reduce(f, (b,), a) is f(a, b): parse_page(html, "text/html"), counted alone.
        functools.reduce(parse_page, ("text/html",), html)
    return len(pages)


def _dump_totals(directory: Path) -> list[int]:
    """The instruction count of each dump, in the order callgrind wrote them."""
    dumps = sorted(directory.glob("cg.out.*"), key=lambda path: int(path.suffix[1:]))
    totals = []
    for dump in dumps:
        with dump.open() as lines:
            for line in lines:
                if line.startswith(("totals:", "summary:")):
                    totals.append(int(line.split()[1]))
                    break
    return totals


def count(pages: int, corpus: Path | None = None) -> list[int]:
    """Each page's instructions: this module run under callgrind."""
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="silkfeed-instructions-") as work:
        out = Path(work)
        subprocess.run(
            [
                *_CALLGRIND,
                f"--callgrind-out-file={out / 'cg.out'}",
                sys.executable,
                "-m",
                "bench.parse_instructions",
                "--inner",
                *([f"--corpus={corpus.resolve()}"] if corpus else []),
            ],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        totals = _dump_totals(out)
        if len(totals) != pages:
            raise SystemExit(f"expected {pages} dumps, one a page; callgrind wrote {len(totals)}")
        return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--per-page", type=Path, help="write each page's count to this file")
    parser.add_argument(
        "--corpus", type=Path, help="a directory in the corpus's layout (as bench_extraction's)"
    )
    args = parser.parse_args(argv)
    if args.inner:
        _parse_each(args.corpus)
        return 0
    sys.path.insert(0, str(ROOT))
    from tests.support.extraction import CORPUS, corpus_pages

    corpus = args.corpus or CORPUS
    totals = count(sum(1 for _ in corpus_pages(corpus)), args.corpus)
    if args.per_page is not None:
        args.per_page.write_text("".join(f"{total}\n" for total in totals))
    print(
        f"parse instructions over {len(totals)} pages of {corpus}: "
        f"median page {statistics.median(totals):,.0f}, total {sum(totals):,}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
