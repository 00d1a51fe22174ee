"""The article-extraction corpus and its score, exactly as its README defines them.

``tests/fixtures/article-extraction/`` holds real pages (``html/<id>.html.gz``)
and ``ground-truth.json`` (each page's true ``articleBody``). The score is the
shingle F1 of the published extractor comparisons: word 4-grams as multisets,
per-page precision and recall from counts normalised to sum to one, averaged
over pages, then F1 of the two means.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "article-extraction"
_WORD = re.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True, slots=True)
class CorpusPage:
    page_id: str
    url: str
    html: bytes
    truth: str


def corpus_pages(root: Path = CORPUS) -> Iterator[CorpusPage]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        html = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        yield CorpusPage(page_id, truth[page_id]["url"], html, truth[page_id]["articleBody"])


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text)
    if len(words) < SHINGLE:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    tp: float
    fp: float
    fn: float


def page_score(truth: str, predicted: str) -> PageScore:
    expected = shingles(truth)
    got = shingles(predicted)
    tp = sum((expected & got).values())
    fp = sum(got.values()) - tp
    fn = sum(expected.values()) - tp
    total = tp + fp + fn
    if total == 0:  # both texts empty: nothing missed, nothing extra
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass(frozen=True, slots=True)
class CorpusScore:
    precision: float
    recall: float
    f1: float
    pages: int


def corpus_score(scores: Iterable[PageScore]) -> CorpusScore:
    precisions: list[float] = []
    recalls: list[float] = []
    count = 0
    for score in scores:
        count += 1
        if score.fp == 0 and score.fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
        elif score.tp == 0 and score.fp == 0:
            # Nothing predicted and nothing shared: the page scores 0.
            precisions.append(0.0)
            recalls.append(0.0)
        else:
            # A denominator of 0 (an empty true body) leaves the page out of that mean.
            if score.tp + score.fp > 0:
                precisions.append(score.tp / (score.tp + score.fp))
            if score.tp + score.fn > 0:
                recalls.append(score.tp / (score.tp + score.fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return CorpusScore(precision, recall, f1, count)
