"""The allocator set-up of parsing processes: freed trees are reused, not re-faulted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from services.ingest.parsing.ceiling import tune_allocator

ROOT = Path(__file__).resolve().parents[4]
FIXTURES = ROOT / "tests" / "fixtures"

# A fresh process with a worker's history, small pages first, then the full
# one (untuned, glibc's sliding thresholds may then stand where the full
# page's tree is handed back on every parse). Prints minor page faults per
# parse of the latter; "trimmed" hands free memory back after each parse.
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
trim = None
if sys.argv[1] == "trimmed":
    import ctypes, ctypes.util
    trim = ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(100):
    parse_page(full, "text/html")
    if trim is not None:
        trim(0)
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
    # A freed tree's memory handed back to the system after each parse (as
    # an untuned glibc does whenever the heap's top is left free, depending
    # on where its sliding thresholds happen to stand) costs hundreds of
    # faults per parse; said here so that the probe is known to bite.
    assert faults_per_parse("trimmed") > 20 * max(tuned, 1)


def test_tuning_is_accepted_and_may_be_repeated() -> None:
    assert tune_allocator() == tune_allocator()


def test_a_parse_runs_without_the_cyclic_collector_and_restores_it() -> None:
    import gc

    from services.ingest.parsing import ParseError, parse_page
    from services.ingest.parsing.ceiling import collector_paused

    seen: list[bool] = []
    with collector_paused():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()
    page = (FIXTURES / "pages" / "headings.html").read_bytes()
    parse_page(page, "text/html")
    assert gc.isenabled()
    # A caller that turned it off keeps it off; a refused page restores it too.
    gc.disable()
    try:
        parse_page(page, "text/html")
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ParseError):
        parse_page(b"\x00\x01\x02\x03" * 100, "text/html")
    assert gc.isenabled()
