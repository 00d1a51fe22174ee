"""Every benchmark module imports: `make bench` runs them all, and a helper they
import from the tests can move without anything else noticing."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize(
    "name", sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__")
)
def test_bench_module_imports(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert module.__doc__, f"bench/{name}.py says what it measures in its docstring"
