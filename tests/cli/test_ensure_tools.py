"""`silkfeed ensure-tools --for compile`: what compiling the parser needs."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli.system
from cli.main import main
from cli.system import MissingTool, c_headers, python_headers


def test_headers_are_found_where_this_python_and_the_system_keep_them() -> None:
    expected = Path(sysconfig.get_path("include")) / "Python.h"
    assert python_headers() == (str(expected) if expected.exists() else None)
    assert python_headers("no-such-header.h") is None
    assert c_headers() == ("/usr/include/stdio.h" if Path("/usr/include/stdio.h").exists() else None)
    assert c_headers("no-such-header.h") is None


def test_compile_tools_missing_never_fail_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def missing(program: str, package: str, **_: object) -> str:
        asked.append(package)
        raise MissingTool(f"{program} is needed but is not installed")

    monkeypatch.setattr(cli.system, "ensure_program", missing)
    result = CliRunner().invoke(main, ["ensure-tools", "--for", "compile"])
    # None is required: without them the parser runs as plain Python, and says so.
    assert result.exit_code == 0
    assert asked == ["gcc", "libc6-dev", "python3-dev"]
    assert result.output.count("the parser runs those modules as plain Python") == 3
