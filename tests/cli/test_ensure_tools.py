"""`silkfeed ensure-tools --for compile`: what compiling the parser needs."""

from __future__ import annotations

import sysconfig
from pathlib import Path

from click.testing import CliRunner

from cli.main import main
from cli.system import python_headers
from services.ingest.parsing import compiled


def test_python_headers_are_found_where_this_python_keeps_them() -> None:
    include = Path(sysconfig.get_path("include"))
    expected = include / "Python.h"
    assert python_headers() == (str(expected) if expected.exists() else None)
    assert python_headers("no-such-header.h") is None


def test_compile_tools_are_told_and_never_fail_the_command() -> None:
    result = CliRunner().invoke(main, ["ensure-tools", "--for", "compile"])
    # Neither is required: without them the parser runs as plain Python.
    assert result.exit_code == 0
    if compiled.compiled_modules() == list(compiled.MODULES):
        # A build of every module needed both, so both are there.
        assert "gcc: /" in result.output and "Python.h: /" in result.output
