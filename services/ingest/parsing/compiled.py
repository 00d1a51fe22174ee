"""The parser's compiled modules: the modules a page's reading spends its time
in, built by Cython from their unchanged source into C extensions.

``setup.py`` builds them (``make venv``, the container image); each is
optional, and without Cython or a C compiler the package runs the same
modules as plain Python, only slower. An extension module is imported in
place of its source, so one built from an older source would run old code:
the build records the SHA-256 of each module's source as it compiled it
(``MANIFEST``), and a module whose source has changed since (an edit, a
checkout) is imported from its source, with a warning, until it is built
again. ``SILKFEED_PURE_PYTHON=1`` imports every one of them from source.

Standard library only: ``setup.py`` runs this file before anything is
installed, and ``python services/ingest/parsing/compiled.py --check`` tells
whether every module is built and current.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

# The HTML reading's path, where the time goes on a real page (tree walk,
# block scoring, boilerplate, structured data, bylines, text): compiled, the
# corpus's pages take 4.9% fewer instructions. The package's other modules
# would add 0.7% (and Cython 3.3 miscompiles two of them: a boolean taken
# for an object in ``a and not b`` inside a list comprehension). None of
# these recurses on a page's input: a compiled function calling itself would
# not meet the interpreter's recursion limit.
MODULES = (
    "articles",
    "boilerplate",
    "bylines",
    "clean",
    "extract",
    "html",
    "html_blocks",
    "html_byline",
    "html_front",
    "html_printed_time",
    "html_scope",
    "html_tree",
    "html_weight",
    "language",
    "single",
    "structured",
)
PACKAGE = "services.ingest.parsing"
DIRECTORY = Path(__file__).resolve().parent
MANIFEST = "compiled.json"
PURE_PYTHON_ENV = "SILKFEED_PURE_PYTHON"


def source_digest(source: Path) -> str:
    """The SHA-256 of a module's source, as the manifest records it."""
    return hashlib.sha256(source.read_bytes()).hexdigest()


def extension_path(name: str, directory: Path = DIRECTORY) -> Path | None:
    """The compiled module of ``name`` in ``directory``, when one is there."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = directory / f"{name}{suffix}"
        if path.exists():
            return path
    return None


def unlisted_extensions(directory: Path = DIRECTORY, names: Sequence[str] = MODULES) -> list[Path]:
    """Compiled modules in ``directory`` of sources not among ``names`` (a
    module compiled once and no longer): each would shadow its source."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    return sorted(
        path
        for path in directory.iterdir()
        if path.name.endswith(suffixes)
        and path.name.split(".", 1)[0] not in names
        and (directory / f"{path.name.split('.', 1)[0]}.py").exists()
    )


def read_manifest(directory: Path = DIRECTORY) -> dict[str, str]:
    """Each compiled module's source digest as built; empty when never built."""
    try:
        recorded = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def stale_modules(directory: Path = DIRECTORY, names: Sequence[str] = MODULES) -> list[str]:
    """The modules whose compiled build is there but not of their current source."""
    recorded = read_manifest(directory)
    return [
        name
        for name in names
        if extension_path(name, directory) is not None
        and recorded.get(name) != source_digest(directory / f"{name}.py")
    ]


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds the named modules of a package as their source files, ahead of
    the path's finder (which prefers an extension module beside a source)."""

    def __init__(self, package: str, directory: Path, names: Sequence[str]) -> None:
        self._package = package
        self._directory = directory
        self._names = frozenset(names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != self._package or name not in self._names:
            return None
        return importlib.util.spec_from_file_location(fullname, self._directory / f"{name}.py")


def use_current_sources(
    package: str = PACKAGE, directory: Path = DIRECTORY, names: Sequence[str] = MODULES
) -> None:
    """Import from source every module of ``names`` whose compiled build is
    not of its current source, and any other module with a build beside its
    source (compiled once, no longer listed); all of them under
    ``SILKFEED_PURE_PYTHON=1``.

    Called by the package before it imports any of them.
    """
    unlisted = [path.name.split(".", 1)[0] for path in unlisted_extensions(directory, names)]
    if os.environ.get(PURE_PYTHON_ENV, "").strip() not in ("", "0"):
        sources = [*names, *unlisted]
    else:
        sources = [*stale_modules(directory, names), *unlisted]
        if sources:
            warnings.warn(
                "parser modules compiled from an older source run from their source "
                f"(slower) until `make venv` compiles them again: {', '.join(sources)}",
                RuntimeWarning,
                stacklevel=2,
            )
    if sources:
        sys.meta_path.insert(0, _SourceFinder(package, directory, sources))


def compiled_modules(package: str = PACKAGE) -> list[str]:
    """Which of ``MODULES`` this process runs compiled (each is imported to tell)."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    return [
        name
        for name in MODULES
        if str(getattr(importlib.import_module(f"{package}.{name}"), "__file__", "")).endswith(
            suffixes
        )
    ]


def describe() -> str:
    """How this process runs the modules, for a report or a log line."""
    compiled = len(compiled_modules())
    if not compiled:
        return "plain Python (none of its compiled modules in use)"
    return f"{compiled} of its {len(MODULES)} hottest modules compiled"


def _check(directory: Path = DIRECTORY, names: Sequence[str] = MODULES) -> int:
    """Print what is compiled; non-zero unless every module of ``names`` is,
    from its current source, and no other module is."""
    missing = [name for name in names if extension_path(name, directory) is None]
    stale = stale_modules(directory, names)
    unlisted = [path.name for path in unlisted_extensions(directory, names)]
    if missing or stale or unlisted:
        print(
            f"silkfeed: parser modules not compiled: {', '.join(missing) or 'none'}; "
            f"compiled from an older source: {', '.join(stale) or 'none'}"
            + (f"; builds of modules no longer compiled: {', '.join(unlisted)}" if unlisted else "")
        )
        return 1
    print(f"silkfeed: all {len(names)} parser modules compiled from their current source")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["--check"]:
        sys.exit(f"usage: python {sys.argv[0]} --check")
    sys.exit(_check())
