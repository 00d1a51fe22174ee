"""docker-compose.yml, checked without a Docker engine: Debian's docker-compose
validates and resolves it offline, and each role runs the Procfile's command."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cli.procfile import MIGRATE_COMMAND, read_procfile
from shared.migrate import ROOT
from tests.support.services import MISSING

COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()

pytestmark = pytest.mark.skipif(
    shutil.which("docker-compose") is None,
    reason=MISSING + "docker-compose not installed (`make test` installs it as root)",
)


REQUIRED = {"POSTGRES_PASSWORD": "compose-check-password"}
FILLED = {**REQUIRED, "SILKFEED_INGEST_TOKENS": "compose-check-token-0123456789"}


@pytest.fixture(scope="module")
def compose() -> dict:
    env = {**os.environ, **FILLED}
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
    # migrate runs the same command, then idles (see test_migrate_runs_once).
    assert shlex.join(MIGRATE_COMMAND) in services["migrate"]["command"][-1]


def test_one_image_healthchecks_and_ordering(compose: dict) -> None:
    services = compose["services"]
    roles = [p.name for p in read_procfile()]
    assert {services[r]["image"] for r in [*roles, "migrate"]} == {"silkfeed:latest"}
    for role in roles:
        assert "healthcheck" in services[role], role
        deps = services[role]["depends_on"]
        assert deps["redis"]["condition"] == "service_healthy"
        assert deps["postgres"]["condition"] == "service_healthy"
        assert deps["migrate"]["condition"] == "service_healthy"
    for infra in ("redis", "postgres", "migrate"):
        assert "healthcheck" in services[infra]


def test_redis_keeps_queued_tasks(compose: dict) -> None:
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    # noeviction means something only with a bound: Redis's default is none.
    assert re.fullmatch(r"[1-9][0-9]*(mb|gb)", command[command.index("--maxmemory") + 1])
    assert "redis-data" in compose["volumes"] and "postgres-data" in compose["volumes"]


def test_workers_have_time_for_a_warm_shutdown(compose: dict) -> None:
    # Must exceed the default task time limit (300 s) so SIGTERM lets the task finish.
    for role in ("ingest-worker", "rates-worker", "feed-worker"):
        grace = compose["services"][role]["stop_grace_period"]
        assert int(grace.rstrip("s")) > 300


def test_compose_commands_work_without_the_token_which_only_ingest_api_gets() -> None:
    out = config_with(**REQUIRED)  # ps, logs, down: all interpolate the same file
    assert out.returncode == 0, out.stderr
    services = yaml.safe_load(out.stdout)["services"]
    for name, service in services.items():
        env = service.get("environment") or {}
        if name == "ingest-api":
            assert env["SILKFEED_INGEST_TOKENS"] == ""  # and the API refuses to start
        else:
            assert "SILKFEED_INGEST_TOKENS" not in env, name
    filled = yaml.safe_load(config_with(**FILLED).stdout)["services"]
    assert (
        filled["ingest-api"]["environment"]["SILKFEED_INGEST_TOKENS"]
        == FILLED["SILKFEED_INGEST_TOKENS"]
    )


def test_the_ingest_api_refuses_to_start_without_tokens(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SILKFEED_")}
    env.update(SILKFEED_INGEST_TOKENS="", SILKFEED_DATA_DIR=str(tmp_path))
    out = subprocess.run(
        [str(Path(sys.executable).parent / "silkfeed"), "serve", "ingest-api"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert out.returncode != 0
    assert "SILKFEED_INGEST_TOKENS is empty" in out.stderr


def test_compose_requires_a_database_password() -> None:
    out = config_with(SILKFEED_INGEST_TOKENS=FILLED["SILKFEED_INGEST_TOKENS"])
    assert out.returncode != 0
    assert "POSTGRES_PASSWORD" in out.stderr and "make compose-env" in out.stderr
    # No default anywhere: every use of the password requires it.
    uses = re.findall(r"\$\{POSTGRES_PASSWORD(.)", COMPOSE_TEXT)
    assert uses and set(uses) == {":"}
    assert "POSTGRES_PASSWORD:-" not in COMPOSE_TEXT


# --- Production properties: configuration, privileges, scale-out --------------

ENV_EXAMPLE = ROOT / ".env.example"
SILKFEED_ROLES = [p.name for p in read_procfile()] + ["migrate"]
# Every Celery worker in the Procfile (health, scale-out), and the pipeline's
# three, whose tasks run up to the task time limit (warm-shutdown grace).
WORKERS = tuple(p.name for p in read_procfile() if p.name.endswith("-worker"))
PIPELINE_WORKERS = ("ingest-worker", "rates-worker", "feed-worker")
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
    assert uncommented == {"SILKFEED_INGEST_TOKENS", "POSTGRES_PASSWORD"}
    for name in uncommented:
        assert re.search(rf"^{name}=$", ENV_EXAMPLE.read_text(), re.MULTILINE)


def test_env_example_as_is_refuses_to_start_and_filled_in_works(tmp_path: Path) -> None:
    as_is = config_with(ENV_EXAMPLE)
    assert as_is.returncode != 0 and "POSTGRES_PASSWORD" in as_is.stderr
    filled = tmp_path / ".env"
    text = ENV_EXAMPLE.read_text()
    for name, value in FILLED.items():
        text = text.replace(f"\n{name}=\n", f"\n{name}={value}\n")
    filled.write_text(text)
    out = config_with(filled)
    assert out.returncode == 0, out.stderr
    services = yaml.safe_load(out.stdout)["services"]
    env = services["ingest-api"]["environment"]
    assert env["SILKFEED_INGEST_TOKENS"] == FILLED["SILKFEED_INGEST_TOKENS"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "compose-check-password"
    url = services["ingest-worker"]["environment"]["SILKFEED_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://silkfeed:compose-check-password@postgres:")


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
    out = config_with(**FILLED)
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

    out = config_with(**FILLED)
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
    out = config_with(**FILLED)
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
    out = config_with(**FILLED)
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
    for role in PIPELINE_WORKERS:
        grace = compose["services"][role]["stop_grace_period"]
        assert int(grace.rstrip("s")) >= limit + 10, role


# --- Fast health, safe defaults, registry-free builds ---------------------------


def seconds(value: str) -> float:
    """A compose duration such as "2s", "1m30s" or "500ms"."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", value)
    assert parts and "".join(n + u for n, u in parts) == value, value
    return sum(float(n) * units[u] for n, u in parts)


def test_worker_healthchecks_are_cheap_and_answer_within_seconds(compose: dict) -> None:
    for role in WORKERS:
        service = compose["services"][role]
        check = service["healthcheck"]
        # The heartbeat file's age (deploy/worker-health.sh), not a Celery client.
        assert check["test"][:2] == ["CMD", "silkfeed-worker-health"], role
        assert not any("celery" in part for part in check["test"]), role
        assert seconds(check["interval"]) <= 5, role
        assert seconds(check["start_period"]) >= 30, role
        # The check kills a stuck worker's main process: PID 1 could not be killed.
        assert service["init"] is True, role
        assert service["restart"] == "unless-stopped", role
    for role in ("ingest-api", "feed", "redis", "postgres", "migrate"):
        check = compose["services"][role]["healthcheck"]
        assert seconds(check["interval"]) <= 5, role
        assert "start_period" in check, role


def test_the_worker_healthcheck_reads_the_file_the_image_names() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    heartbeat = re.search(r"SILKFEED_HEARTBEAT_FILE=(\S+)", dockerfile)
    assert heartbeat is not None
    assert re.search(r"deploy/worker-health\.sh /usr/local/bin/silkfeed-worker-health", dockerfile)
    assert "SILKFEED_HEARTBEAT_FILE" in (ROOT / "deploy" / "worker-health.sh").read_text()


def test_ports_are_published_on_loopback_unless_told_otherwise() -> None:
    for env, address in (
        (FILLED, "127.0.0.1"),
        ({**FILLED, "SILKFEED_PUBLISH_ADDRESS": "10.0.0.5"}, "10.0.0.5"),
    ):
        services = yaml.safe_load(config_with(**env).stdout)["services"]
        for name, service in services.items():
            for port in service.get("ports", []):
                if name == "flower":
                    assert str(port).startswith("127.0.0.1:")  # always: it can stop workers
                else:
                    assert str(port).startswith(f"{address}:"), (name, port)
        assert services["feed"]["ports"] and services["ingest-api"]["ports"]


def test_the_default_public_url_follows_the_published_feed_port() -> None:
    from shared.settings import Settings

    for port in ("8000", "18080"):
        env = {**FILLED, "SILKFEED_FEED_PORT": port} if port != "8000" else FILLED
        services = yaml.safe_load(config_with(**env).stdout)["services"]
        (published,) = services["feed"]["ports"]
        host_port, container_port = str(published).removesuffix("/tcp").split(":")[1:]
        assert host_port == container_port == port
        for role in ("feed", "feed-worker"):  # the worker renders the feeds' links
            role_env = services[role]["environment"]
            settings = Settings(
                **{k.removeprefix("SILKFEED_").lower(): v for k, v in role_env.items()}  # type: ignore[arg-type]
            )
            assert settings.feed_port == int(port)
            assert settings.base_url == f"http://localhost:{port}"
        assert "$SILKFEED_FEED_PORT" in " ".join(services["feed"]["healthcheck"]["test"])
    set_url = {**FILLED, "SILKFEED_PUBLIC_URL": "https://feeds.example.net"}
    services = yaml.safe_load(config_with(**set_url).stdout)["services"]
    assert (
        services["feed-worker"]["environment"]["SILKFEED_PUBLIC_URL"] == "https://feeds.example.net"
    )


def test_base_images_are_variables_defaulting_to_the_official_ones() -> None:
    defaults = yaml.safe_load(config_with(**FILLED).stdout)["services"]
    assert defaults["redis"]["image"] == "redis:7-bookworm"
    assert defaults["postgres"]["image"] == "postgres:16-bookworm"
    assert defaults["flower"]["image"] == "mher/flower:2.0"
    assert defaults["migrate"]["build"]["args"]["PYTHON_IMAGE"] == "python:3.11-slim-bookworm"
    mirror = {
        "SILKFEED_PYTHON_IMAGE": "mirror.example/python:3.11",
        "SILKFEED_REDIS_IMAGE": "mirror.example/redis:7",
        "SILKFEED_POSTGRES_IMAGE": "mirror.example/postgres:16",
        "SILKFEED_FLOWER_IMAGE": "mirror.example/flower:2.0",
    }
    services = yaml.safe_load(config_with(**FILLED, **mirror).stdout)["services"]
    assert services["redis"]["image"] == mirror["SILKFEED_REDIS_IMAGE"]
    assert services["postgres"]["image"] == mirror["SILKFEED_POSTGRES_IMAGE"]
    assert services["flower"]["image"] == mirror["SILKFEED_FLOWER_IMAGE"]
    for role in SILKFEED_ROLES:
        assert services[role]["build"]["args"]["PYTHON_IMAGE"] == mirror["SILKFEED_PYTHON_IMAGE"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    froms = re.findall(r"^(ARG|FROM) (.+)$", dockerfile, re.MULTILINE)
    # Both stages (the parser's compile, the image that runs) on the one base.
    assert froms == [
        ("ARG", "PYTHON_IMAGE=python:3.11-slim-bookworm"),
        ("FROM", "${PYTHON_IMAGE} AS parser"),
        ("FROM", "${PYTHON_IMAGE}"),
    ]


def test_migrate_runs_once_then_stays_healthy(compose: dict) -> None:
    """`up` and `up --scale` find migrate running and do not migrate again."""
    migrate = compose["services"]["migrate"]
    script = migrate["command"][-1]
    steps = [step.strip() for step in script.split("&&")]
    marker = migrate["healthcheck"]["test"][-1]
    assert steps == [
        f"rm -f {marker}",
        shlex.join(MIGRATE_COMMAND),
        f"touch {marker}",
        "exec sleep infinity",
    ]
    assert migrate["healthcheck"]["test"] == ["CMD", "test", "-f", marker]
    assert migrate["restart"] == "no" and migrate["init"] is True


def _stages() -> list[list[str]]:
    """The Dockerfile's stages, each as its COPY and RUN instructions, one line each."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("FROM"):
            stages.append([])
        elif line.startswith(("COPY", "RUN")) and stages:
            stages[-1].append(line)
    return stages


def _dependencies_first(lines: list[str], first_copy: str) -> None:
    # The dependency layer: one install between copying pyproject.toml and the rest.
    copies = [i for i, line in enumerate(lines) if line.startswith("COPY")]
    assert lines[copies[0]] == first_copy
    between = lines[copies[0] + 1 : copies[1]]
    assert len(between) == 1 and "pip install -r" in between[0], between


def test_the_image_installs_dependencies_before_the_code() -> None:
    parser, image = _stages()
    _dependencies_first(image, "COPY pyproject.toml ./")
    assert "--no-deps" in image[-1] and "pip install" in image[-1]
    # The compiled parser modules come from the first stage, and the image
    # is built only when every one is compiled from the code it carries.
    assert any(line.startswith("COPY --from=parser ") for line in image)
    assert "compiled.py --check" in image[-1]
    _dependencies_first(parser, "COPY pyproject.toml README.md ./")
    assert "build_ext" in parser[-1] and "compiled.py --check" in parser[-1]


def test_the_image_user_draws_no_warning_and_no_secret_enters_the_build() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    useradd = re.search(r"useradd [^\n]*(\\\n[^\n]*)*", dockerfile)
    assert useradd is not None
    # --system with a uid above SYS_UID_MAX is what makes useradd warn.
    assert "--system" not in useradd.group(0) and "--no-log-init" in useradd.group(0)
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", ".git", ".venv", "var", "tests"):
        assert entry in ignored, entry
