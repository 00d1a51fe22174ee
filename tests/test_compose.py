"""docker-compose.yml, checked without a Docker engine: Debian's docker-compose
validates and resolves it offline, and each role runs the Procfile's command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from cli.procfile import MIGRATE_COMMAND, read_procfile
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


# --- Production properties: configuration, privileges, scale-out --------------

ENV_EXAMPLE = ROOT / ".env.example"
SILKFEED_ROLES = [p.name for p in read_procfile()] + ["migrate"]
WORKERS = ("ingest-worker", "rates-worker", "feed-worker")
# Images whose entrypoint drops root for their own user (gosu / setpriv).
SELF_DEMOTING = {"redis", "postgres"}


def compose_variables() -> set[str]:
    """Every ${VAR} docker-compose.yml interpolates ($$ is a literal dollar)."""
    text = (ROOT / "docker-compose.yml").read_text()
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", text))


def example_variables() -> tuple[set[str], set[str]]:
    """(every variable .env.example names, the ones it sets uncommented)."""
    named, uncommented = set(), set()
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.fullmatch(r"(#\s*)?([A-Z][A-Z0-9_]*)=.*", line.strip())
        if match:
            named.add(match.group(2))
            if not match.group(1):
                uncommented.add(match.group(2))
    return named, uncommented


def config_with(env_file: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    args = ["docker-compose", "--file", str(ROOT / "docker-compose.yml")]
    if env_file is not None:
        args += ["--env-file", str(env_file)]
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SILKFEED_", "POSTGRES_"))}
    return subprocess.run(
        [*args, "--profile", "monitoring", "config"],
        capture_output=True,
        text=True,
        env={**base, **env},
        cwd=ROOT,
        check=False,
    )


def test_env_example_lists_every_variable_compose_uses() -> None:
    used = compose_variables()
    named, uncommented = example_variables()
    assert used, "no ${VAR} found in docker-compose.yml"
    assert used - named == set(), "missing from .env.example"
    assert named - used == set(), "in .env.example but unused by docker-compose.yml"
    # What compose cannot start without is there to fill in, and holds no secret.
    assert uncommented == {"SILKFEED_INGEST_TOKENS"}
    assert re.search(r"^SILKFEED_INGEST_TOKENS=$", ENV_EXAMPLE.read_text(), re.MULTILINE)


def test_env_example_as_is_refuses_to_start_and_filled_in_works(tmp_path: Path) -> None:
    as_is = config_with(ENV_EXAMPLE)
    assert as_is.returncode != 0 and "SILKFEED_INGEST_TOKENS" in as_is.stderr
    filled = tmp_path / ".env"
    filled.write_text(
        ENV_EXAMPLE.read_text().replace(
            "SILKFEED_INGEST_TOKENS=", "SILKFEED_INGEST_TOKENS=filled-in-token-0123456789"
        )
    )
    out = config_with(filled)
    assert out.returncode == 0, out.stderr
    doc = yaml.safe_load(out.stdout)
    env = doc["services"]["ingest-worker"]["environment"]
    assert env["SILKFEED_INGEST_TOKENS"] == "filled-in-token-0123456789"


def test_the_environment_compose_gives_the_services_is_valid(compose: dict) -> None:
    from shared.settings import Settings

    for role in SILKFEED_ROLES:
        env = compose["services"][role]["environment"]
        settings = Settings(
            **{k.removeprefix("SILKFEED_").lower(): v for k, v in env.items()}  # type: ignore[arg-type]
        )
        assert settings.key_prefix == "silkfeed:silkfeed:"
        assert settings.db_url.startswith("postgresql+psycopg://silkfeed:")


def test_flower_runs_only_under_the_monitoring_profile() -> None:
    out = config_with(SILKFEED_INGEST_TOKENS="compose-check-token-0123456789")
    assert out.returncode == 0, out.stderr
    services = yaml.safe_load(out.stdout)["services"]
    profiled = {name: svc["profiles"] for name, svc in services.items() if svc.get("profiles")}
    assert profiled == {"flower": ["monitoring"]}
    # Host port on loopback only: Flower can revoke tasks and stop workers.
    (port,) = services["flower"]["ports"]
    assert str(port).startswith("127.0.0.1:")


def test_flower_looks_at_the_services_key_prefix(compose: dict) -> None:
    """Flower reads deploy/flower/celeryconfig.py; it must land on the services' queues."""
    import importlib.util

    from shared.settings import Settings

    out = config_with(SILKFEED_INGEST_TOKENS="compose-check-token-0123456789")
    flower = yaml.safe_load(out.stdout)["services"]["flower"]
    mounts = dict(v.split(":")[1::-1] for v in flower["volumes"])  # target → source
    source = mounts[flower["environment"]["PYTHONPATH"]]
    path = Path(source) / (flower["environment"]["CELERY_CONFIG_MODULE"] + ".py")
    assert path.is_file(), path
    spec = importlib.util.spec_from_file_location("flower_celeryconfig", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    saved = dict(os.environ)
    try:
        os.environ.update(flower["environment"])
        spec.loader.exec_module(module)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    worker_env = compose["services"]["ingest-worker"]["environment"]
    settings = Settings(
        **{k.removeprefix("SILKFEED_").lower(): v for k, v in worker_env.items()}  # type: ignore[arg-type]
    )
    assert module.broker_url == settings.redis_url
    assert module.broker_transport_options["global_keyprefix"] == settings.key_prefix


def test_every_service_runs_as_a_non_root_user(compose: dict) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    uid = re.search(r"useradd [^\n]*--uid (\d+)", dockerfile)
    assert uid is not None and re.search(r"^USER silkfeed$", dockerfile, re.MULTILINE)
    out = config_with(SILKFEED_INGEST_TOKENS="compose-check-token-0123456789")
    services = yaml.safe_load(out.stdout)["services"]
    for name, service in services.items():
        if name in SELF_DEMOTING:
            continue
        user = str(service.get("user", ""))
        assert user, f"{name} sets no user"
        assert user.split(":")[0] not in ("0", "root"), name
    for role in SILKFEED_ROLES:
        assert str(services[role]["user"]).split(":")[0] == uid.group(1), role


def test_nothing_pins_a_single_instance(compose: dict) -> None:
    """`docker compose up --scale ingest-worker=4 --scale rates-worker=2` works."""
    out = config_with(SILKFEED_INGEST_TOKENS="compose-check-token-0123456789")
    services = yaml.safe_load(out.stdout)["services"]
    for name, service in services.items():
        assert "container_name" not in service, name
    for role in WORKERS:
        worker = services[role]
        for pinned in ("ports", "container_name", "hostname", "mac_address"):
            assert pinned not in worker, (role, pinned)
        assert worker.get("deploy", {}).get("replicas", 2) != 1, role
        for network in (worker.get("networks") or {}).values():
            assert not (network or {}).get("ipv4_address"), role
        # Each replica's Celery node name carries its own container hostname.
        command = worker["command"]
        assert command[command.index("--hostname") + 1].endswith("@%h"), role
        # Volumes a replica would share with its siblings as if alone: none.
        assert not worker.get("volumes"), role


def test_named_volumes_keep_the_data(compose: dict) -> None:
    services = compose["services"]
    for service, volume in (("postgres", "postgres-data"), ("redis", "redis-data")):
        (mount,) = services[service]["volumes"]
        assert mount.split(":")[0] == volume and volume in compose["volumes"]


def test_worker_grace_covers_the_task_time_limit(compose: dict) -> None:
    from shared.settings import Settings

    limit = Settings.model_fields["task_time_limit"].default
    assert "SILKFEED_TASK_TIME_LIMIT" not in compose_variables()  # else the grace must follow it
    for role in WORKERS:
        grace = compose["services"][role]["stop_grace_period"]
        assert int(grace.rstrip("s")) >= limit + 10, role
