"""Article extraction on real pages: silkfeed against trafilatura on the corpus.

Run as ``.venv/bin/python -m bench.bench_extraction``. On the 91 real pages of
``tests/fixtures/article-extraction/`` it measures, in one run:

- the corpus F1 (the metric of the corpus README) of the body silkfeed takes
  from each page (``parse_page``; of several articles, the longest) and of
  ``trafilatura.extract`` (target: silkfeed's at least trafilatura's),
- the median over pages of each page's median parse time, both contenders
  timed page by page in alternating rounds (target: trafilatura / silkfeed
  at least 10x).

Prints a table and exits non-zero when a target is missed.

``--corpus DIR`` measures another set in the corpus's layout (``html/<id>.html.gz``
and ``ground-truth.json``), e.g. a checkout of the whole public benchmark the
corpus is part of (github.com/scrapinghub/article-extraction-benchmark): pages
silkfeed was never tuned on.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_parse import import_trafilatura, timed_ms  # noqa: E402
from bench.common import print_checks  # noqa: E402
from services.ingest.parsing import parse_page  # noqa: E402
from services.ingest.parsing.ceiling import tune_allocator  # noqa: E402
from services.ingest.parsing.compiled import describe  # noqa: E402
from tests.support.extraction import CORPUS, corpus_pages, corpus_score, page_score  # noqa: E402

RATIO_TARGET = 10.0
ROUNDS = 3
SILKFEED_RUNS = 5
TRAFILATURA_RUNS = 1


def silkfeed_body(html: bytes) -> str:
    page = parse_page(html, "text/html")
    best = max(page.articles, key=lambda a: sum(map(len, a.paragraphs)), default=None)
    return "\n".join(best.paragraphs) if best is not None else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Article extraction against trafilatura.")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="timing rounds per page")
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help="a directory in the corpus's layout"
    )
    args = parser.parse_args(argv)
    tune_allocator()  # as the ingest worker does
    trafilatura = import_trafilatura()
    pages = list(corpus_pages(args.corpus))
    ours, theirs = [], []
    our_ms, their_ms = [], []
    for page in pages:
        text = page.html.decode("utf-8", errors="replace")
        ours.append(page_score(page.truth, silkfeed_body(page.html)))
        theirs.append(page_score(page.truth, trafilatura.extract(text) or ""))
        mine: list[float] = []
        other: list[float] = []
        for _ in range(args.rounds):
            mine.extend(timed_ms(lambda b=page.html: parse_page(b, "text/html"), SILKFEED_RUNS))
            other.extend(timed_ms(lambda t=text: trafilatura.extract(t), TRAFILATURA_RUNS))
        our_ms.append(statistics.median(mine))
        their_ms.append(statistics.median(other))
    our_score, their_score = corpus_score(ours), corpus_score(theirs)
    our_median, their_median = statistics.median(our_ms), statistics.median(their_ms)
    ratio = their_median / our_median
    checks = [
        ("silkfeed F1", f"{our_score.f1:.3f}", f">= {their_score.f1:.3f}",
         our_score.f1 >= their_score.f1),
        ("silkfeed precision / recall", f"{our_score.precision:.3f}/{our_score.recall:.3f}",
         "-", None),
        ("trafilatura F1", f"{their_score.f1:.3f}", "baseline", None),
        ("trafilatura precision / recall",
         f"{their_score.precision:.3f}/{their_score.recall:.3f}", "-", None),
        ("silkfeed median parse", f"{our_median:.2f} ms", "-", None),
        ("trafilatura median extract", f"{their_median:.2f} ms", "baseline", None),
        ("ratio trafilatura / silkfeed", f"{ratio:.2f}x", f">= {RATIO_TARGET:g}x",
         ratio >= RATIO_TARGET),
    ]  # fmt: skip
    print(
        f"extraction benchmark: {len(pages)} pages of {args.corpus}, medians over pages of "
        f"{args.rounds * SILKFEED_RUNS}/{args.rounds * TRAFILATURA_RUNS} timed runs each; "
        f"parser: {describe()}"
    )
    return print_checks(checks, name_width=32, value_width=12)


if __name__ == "__main__":
    sys.exit(main())
