"""The allocator set-up of parsing processes: freed trees are reused, not re-faulted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from services.ingest.parsing.ceiling import tune_allocator

ROOT = Path(__file__).resolve().parents[4]
FIXTURES = ROOT / "tests" / "fixtures"

# A fresh process, with a history that leaves glibc's own thresholds where a
# full page's tree is mapped and handed back on every parse: small pages
# first, then the full one. Prints minor page faults per parse of the latter.
PROBE = f"""
import resource, sys
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from services.ingest.parsing import parse_page
from services.ingest.parsing.ceiling import tune_allocator
if sys.argv[1] == "tuned":
    assert tune_allocator()
light = Path({str(FIXTURES / "timesca-2025-12-15.html")!r}).read_bytes()
full = Path({str(FIXTURES / "timesca-2025-12-15-full.html")!r}).read_bytes()
for _ in range(200):
    parse_page(light, "text/html")
for _ in range(20):
    parse_page(full, "text/html")
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(100):
    parse_page(full, "text/html")
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 100)
"""


def faults_per_parse(mode: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True, timeout=120
    )
    return float(out.stdout.strip())


@pytest.mark.skipif(not tune_allocator(), reason="glibc's allocator is not in use")
def test_a_tuned_process_reuses_the_memory_of_freed_trees() -> None:
    tuned = faults_per_parse("tuned")
    assert tuned < 5, f"{tuned} page faults per parse"
    # Untuned, this history costs hundreds per parse (the tree is mapped
    # afresh each time); said here so that the probe is known to bite.
    assert faults_per_parse("plain") > 20 * max(tuned, 1)


def test_tuning_is_accepted_and_may_be_repeated() -> None:
    assert tune_allocator() == tune_allocator()
