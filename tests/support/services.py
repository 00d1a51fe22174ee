"""What the tests need from the machine, and what they used.

A missing service (PostgreSQL, Chromium, docker-compose) skips the tests that
need it on a developer's machine, with the reason; under ``CI=true`` the root
conftest turns each such skip into a failure, so a CI run never passes by
leaving tests out. The run's summary names the databases and browsers used.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

MISSING = "service missing: "
CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}

# Filled in as the run goes, printed by the root conftest at the end.
USED: dict[str, str] = {}
COUNTS: dict[str, int] = {}


def missing_service(what: str) -> NoReturn:
    pytest.skip(MISSING + what)


def used(kind: str, description: str) -> None:
    USED[kind] = description
    COUNTS[kind] = COUNTS.get(kind, 0) + 1
