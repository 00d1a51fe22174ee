"""`make bench`: every benchmark, one after another, each printing its own report.

Each benchmark measures silkfeed against a baseline taken in the same run on
this machine (a no-op Celery task, /healthz, nginx, trafilatura), so the
ratios are what to compare across machines, not the absolute figures.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Quick ones first; the load test (minutes) last.
ORDER = [
    "bench.bench_parse",
    "bench.bench_extraction",
    "bench.bench_pipeline",
    "bench.bench_feeds",
    "bench.bench_rates",
    "bench.bench_websub",
    "bench.bench_scaling",
    "bench.bench_load",
]


def main() -> int:
    failed = []
    for module in ORDER:
        path = ROOT / (module.replace(".", "/") + ".py")
        if not path.exists():
            continue
        print(f"\n=== {module} ===", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, "-m", module], cwd=ROOT)
        print(f"--- {module}: exit {code}, {time.monotonic() - started:.0f} s", flush=True)
        if code != 0:
            failed.append(module)
    if failed:
        print(f"\nbenchmarks that missed a target or failed: {', '.join(failed)}")
        return 1
    print("\nall benchmarks met their targets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
