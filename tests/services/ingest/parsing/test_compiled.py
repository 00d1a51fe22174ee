"""The parser's compiled modules: built, current, and reading every page as
their source does; a stale build never runs."""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from services.ingest.parsing import compiled, parse_page
from tests.support.extraction import corpus_pages
from tests.support.services import missing_service

ROOT = Path(__file__).resolve().parents[4]
PAGES = ROOT / "tests" / "fixtures" / "pages"
MEDIA_TYPES = {".txt": "text/plain", ".html": "text/html", ".json": "application/json"}

# Every page's reading, as a digest of its repr, keyed by the page's name:
# run here and in a process that imports every module from source.
_READINGS = """
import hashlib, json, sys
from pathlib import Path
from services.ingest.parsing import ParseError, parse_page
from tests.support.extraction import corpus_pages
pages = [(p.page_id, p.html, "text/html") for p in corpus_pages()]
types = {".txt": "text/plain", ".html": "text/html", ".json": "application/json"}
pages += [(p.name, p.read_bytes(), types[p.suffix])
          for p in sorted(Path(sys.argv[1]).iterdir()) if p.suffix in types]
def reading(body, media_type):
    try:
        return repr(parse_page(body, media_type))
    except ParseError as exc:
        return f"ParseError: {exc}"
print(json.dumps({name: hashlib.sha256(reading(body, kind).encode()).hexdigest()
                  for name, body, kind in pages}))
"""


def _readings(pure: bool) -> dict[str, str]:
    env = {**os.environ, compiled.PURE_PYTHON_ENV: "1" if pure else "0"}
    out = subprocess.run(
        [sys.executable, "-c", _READINGS, str(PAGES)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=240,
    ).stdout  # fmt: skip
    return json.loads(out)


def _require_compiled() -> None:
    if compiled.compiled_modules() != list(compiled.MODULES):
        missing_service(
            "the parser's compiled modules (a C compiler and Python's headers build "
            "them: make venv); this process runs "
            f"{len(compiled.compiled_modules())} of {len(compiled.MODULES)} compiled"
        )


def test_every_module_runs_compiled_from_its_current_source() -> None:
    parse_page(b"<p>warm</p>", "text/html")  # every module imported
    _require_compiled()
    assert compiled.stale_modules() == []
    for name in compiled.MODULES:
        module = sys.modules[f"{compiled.PACKAGE}.{name}"]
        assert module.__file__ == str(compiled.extension_path(name))


def test_compiled_and_source_read_every_page_alike() -> None:
    _require_compiled()
    pure, built = _readings(pure=True), _readings(pure=False)
    assert len(pure) == sum(1 for _ in corpus_pages()) + sum(
        1 for p in PAGES.iterdir() if p.suffix in MEDIA_TYPES
    )
    assert [name for name in pure if pure[name] != built.get(name)] == []


def test_compiled_modules_accept_what_their_source_accepts() -> None:
    # Annotations are not enforced as C types: bytes-like bodies read alike.
    _require_compiled()
    page = b"<html><body><h1>Grain exports rise</h1><p>" + b"Wheat left the port. " * 30 + b"</p>"
    reading = repr(parse_page(page, "text/html"))
    assert repr(parse_page(memoryview(page), "text/html")) == reading
    assert repr(parse_page(bytearray(page), "text/html")) == reading


def test_pure_python_switch_imports_every_module_from_source() -> None:
    _require_compiled()  # (with none compiled, the count below says nothing)
    out = subprocess.run(
        [
            sys.executable, "-c",
            "from services.ingest.parsing import parse_page, compiled;"
            "parse_page(b'<p>x</p>', 'text/html'); print(len(compiled.compiled_modules()))",
        ],
        cwd=ROOT, env={**os.environ, compiled.PURE_PYTHON_ENV: "1"},
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert out.strip() == "0"


def _package_with_a_build(tmp_path: Path, name: str, recorded: str | None) -> Path:
    """A package holding module ``mod``, a compiled build of it that cannot load
    (were it imported, the import would fail), and a manifest recording ``recorded``."""
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("VALUE = 'from source'\n")
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    (package / f"mod{suffix}").write_bytes(b"not a shared object")
    if recorded is not None:
        (package / compiled.MANIFEST).write_text(json.dumps({"mod": recorded}))
    return package


@pytest.fixture
def import_path(tmp_path: Path):
    sys.path.insert(0, str(tmp_path))
    finders = list(sys.meta_path)
    yield tmp_path
    sys.meta_path[:] = finders
    sys.path.remove(str(tmp_path))
    for name in [n for n in sys.modules if n.startswith("stalepkg") or n.startswith("freshpkg")]:
        del sys.modules[name]


def test_a_build_of_an_older_source_never_runs(import_path: Path) -> None:
    package = _package_with_a_build(import_path, "stalepkg", recorded="0" * 64)
    assert compiled.stale_modules(package, ["mod"]) == ["mod"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compiled.use_current_sources("stalepkg", package, ["mod"])
    assert "make venv" in str(caught[0].message) and "mod" in str(caught[0].message)
    module = importlib.import_module("stalepkg.mod")
    assert module.VALUE == "from source"
    assert module.__file__ == str(package / "mod.py")


def test_a_build_never_recorded_is_stale_too(import_path: Path) -> None:
    package = _package_with_a_build(import_path, "stalepkg", recorded=None)
    assert compiled.stale_modules(package, ["mod"]) == ["mod"]


def test_a_build_of_a_module_no_longer_compiled_never_runs(import_path: Path) -> None:
    digest = hashlib.sha256(b"VALUE = 'from source'\n").hexdigest()
    package = _package_with_a_build(import_path, "stalepkg", recorded=digest)
    # "mod" is built and recorded, but the list of compiled modules left it.
    assert compiled.unlisted_extensions(package, ["other"]) == [
        package / f"mod{importlib.machinery.EXTENSION_SUFFIXES[0]}"
    ]
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        compiled.use_current_sources("stalepkg", package, ["other"])
    assert importlib.import_module("stalepkg.mod").VALUE == "from source"


def test_a_current_build_is_the_one_imported(import_path: Path) -> None:
    digest = hashlib.sha256(b"VALUE = 'from source'\n").hexdigest()
    package = _package_with_a_build(import_path, "freshpkg", recorded=digest)
    assert compiled.stale_modules(package, ["mod"]) == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled.use_current_sources("freshpkg", package, ["mod"])
    # The (unloadable) build is what the import takes: nothing stood in for it.
    with pytest.raises(ImportError):
        importlib.import_module("freshpkg.mod")


def test_check_tells_whether_every_module_is_built_and_current(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = hashlib.sha256(b"VALUE = 'from source'\n").hexdigest()
    current = _package_with_a_build(tmp_path, "current", recorded=digest)
    assert compiled._check(current, ["mod"]) == 0
    assert "all 1 parser modules compiled" in capsys.readouterr().out
    stale = _package_with_a_build(tmp_path, "stale", recorded="0" * 64)
    assert compiled._check(stale, ["mod"]) == 1
    assert "compiled from an older source: mod" in capsys.readouterr().out
    assert compiled._check(current, ["mod", "absent"]) == 1
    assert "not compiled: absent" in capsys.readouterr().out
    assert compiled._check(current, ["other"]) == 1
    assert "builds of modules no longer compiled: mod" in capsys.readouterr().out


def test_check_script_runs_on_the_standard_library_alone() -> None:
    # As setup.py and the image's build stage run it: no package imported.
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(ROOT / "services/ingest/parsing/compiled.py"), "--check"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout.startswith("silkfeed: ")
