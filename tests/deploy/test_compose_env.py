"""`make compose-env`: .env from .env.example with a generated password and token."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

from shared.migrate import ROOT

SCRIPT = ROOT / "deploy" / "compose_env.py"


def run(env_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--env-file", str(env_file)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def values(env_file: Path) -> dict[str, str]:
    return dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", env_file.read_text(), re.MULTILINE))


def test_writes_env_from_the_example_with_generated_secrets(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    out = run(env_file)
    assert out.returncode == 0, out.stderr
    assert "SILKFEED_INGEST_TOKENS, POSTGRES_PASSWORD generated" in out.stdout
    got = values(env_file)
    assert set(got) == {"POSTGRES_PASSWORD", "SILKFEED_INGEST_TOKENS"}
    for name in got:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", got[name]), name
    assert got["POSTGRES_PASSWORD"] != got["SILKFEED_INGEST_TOKENS"]
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    # The example's comments come along, so the file documents itself.
    assert "# SILKFEED_PUBLISH_ADDRESS=127.0.0.1" in env_file.read_text()


def test_never_changes_a_value_already_set(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("POSTGRES_PASSWORD=chosen-before\nSILKFEED_FEED_PORT=9000\n")
    env_file.chmod(0o644)
    out = run(env_file)
    assert out.returncode == 0, out.stderr
    got = values(env_file)
    assert got["POSTGRES_PASSWORD"] == "chosen-before"
    assert got["SILKFEED_FEED_PORT"] == "9000"
    assert len(got["SILKFEED_INGEST_TOKENS"]) == 32  # it was missing
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    again = env_file.read_text()
    assert run(env_file).returncode == 0
    assert env_file.read_text() == again  # a second run changes nothing


def test_warns_about_a_password_that_breaks_the_database_url(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "POSTGRES_PASSWORD=p@ss/word\nSILKFEED_INGEST_TOKENS=token-0123456789abcdef\n"
    )
    out = run(env_file)
    assert out.returncode == 0
    assert "POSTGRES_PASSWORD holds characters that break the database URL" in out.stderr
    assert values(env_file)["POSTGRES_PASSWORD"] == "p@ss/word"
