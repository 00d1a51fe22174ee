"""docker-compose.yml, checked without a Docker engine: Debian's docker-compose
validates and resolves it offline, and each role runs the Procfile's command."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from shared.cli.procfile import MIGRATE_COMMAND, read_procfile
from shared.migrate import ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("docker-compose") is None,
    reason="docker-compose not installed (`make test` installs it as root)",
)


@pytest.fixture(scope="module")
def compose() -> dict:
    env = {**os.environ, "SILKFEED_INGEST_TOKENS": "compose-check-token-0123456789"}
    out = subprocess.run(
        ["docker-compose", "--file", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return yaml.safe_load(out.stdout)


def test_every_procfile_role_runs_the_same_command(compose: dict) -> None:
    services = compose["services"]
    for process in read_procfile():
        assert process.name in services, f"{process.name} missing from docker-compose.yml"
        assert tuple(services[process.name]["command"]) == process.argv
    assert tuple(services["migrate"]["command"]) == MIGRATE_COMMAND


def test_one_image_healthchecks_and_ordering(compose: dict) -> None:
    services = compose["services"]
    roles = [p.name for p in read_procfile()]
    assert {services[r]["image"] for r in [*roles, "migrate"]} == {"silkfeed:latest"}
    for role in roles:
        assert "healthcheck" in services[role], role
        deps = services[role]["depends_on"]
        assert deps["redis"]["condition"] == "service_healthy"
        assert deps["postgres"]["condition"] == "service_healthy"
        assert deps["migrate"]["condition"] == "service_completed_successfully"
    for infra in ("redis", "postgres"):
        assert "healthcheck" in services[infra]


def test_redis_keeps_queued_tasks(compose: dict) -> None:
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    assert "redis-data" in compose["volumes"] and "postgres-data" in compose["volumes"]


def test_workers_have_time_for_a_warm_shutdown(compose: dict) -> None:
    # Must exceed the default task time limit (300 s) so SIGTERM lets the task finish.
    for role in ("ingest-worker", "rates-worker", "feed-worker"):
        grace = compose["services"][role]["stop_grace_period"]
        assert int(grace.rstrip("s")) > 300


def test_compose_refuses_to_start_without_tokens() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SILKFEED_INGEST_TOKENS"}
    out = subprocess.run(
        ["docker-compose", "--file", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert out.returncode != 0
    assert "SILKFEED_INGEST_TOKENS" in out.stderr
