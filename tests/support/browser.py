"""Headless Chromium (Debian's package) against an app served on a loopback port."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support.services import MISSING, used

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags for a sandboxed machine with no network: no first-run, sync or update traffic.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason=MISSING + "chromium is not installed (`make test` installs it as root)",
)


def dump_dom(url: str, *extra_flags: str, timeout: float = 60) -> str:
    """The page's DOM after Chromium loaded it, as a person's browser would show it."""
    assert CHROMIUM is not None
    used("Chromium", f"Chromium ({CHROMIUM}, headless)")
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [CHROMIUM, *FLAGS, *extra_flags, f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def screenshot(url: str, path: Path, timeout: float = 60) -> None:
    assert CHROMIUM is not None
    used("Chromium", f"Chromium ({CHROMIUM}, headless)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--screenshot={path}",
                "--window-size=1200,1600",
                url,
            ],
            capture_output=True,
            timeout=timeout,
            check=True,
        )
