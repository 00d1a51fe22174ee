"""The architecture's rules, checked on the source.

- Services talk only through tasks, with two named exceptions: the feed web app
  mounts the rates read side (its API and page blueprints, its in-process
  memory, the rate feeds' entries), and the rates read side writes its feed
  entries in the feed formats (``services.feed.render``, which imports no other
  part of any service). The rates worker side imports no other service.
- ``shared`` imports no service and not the CLI; services do not import the CLI.
- No import cycle among the project's modules.
- No module over 400 lines in the code (services, shared, cli, bench), no function
  over 80 lines anywhere but in migrations.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from shared.migrate import ROOT

SERVICES = ("ingest", "rates", "feed")
PACKAGES = ("services", "shared", "cli")

# service -> the modules of other services it may import
ALLOWED_CROSSING = {
    "feed": (
        "services.rates.api",
        "services.rates.page",
        "services.rates.memory",
        "services.rates.feeds",
    ),
    "rates": ("services.feed.render",),
    "ingest": (),
}
# The rates worker's modules: they import no other service at all.
RATES_WRITE_SIDE = ("services.rates.tasks", "services.rates.store", "services.rates.worker")

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def source_files(*packages: str) -> Iterator[Path]:
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any level; ``from a import b`` counts ``a.b`` too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def project_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (names that are not modules dropped)."""
    files = {module_name(p): p for p in source_files(*PACKAGES)}
    return {
        name: {m for m in imported_modules(path) if m in files and m != name}
        for name, path in files.items()
    }


def test_services_cross_only_where_allowed() -> None:
    offenders = []
    for module, imports in project_graph().items():
        if not within(module, "services") or module == "services":
            continue
        service = module.split(".")[1]
        allowed = () if module in RATES_WRITE_SIDE else ALLOWED_CROSSING.get(service, ())
        for target in imports:
            if not within(target, "services") or within(target, f"services.{service}"):
                continue
            if not any(within(target, a) for a in allowed):
                offenders.append(f"{module} imports {target}")
    assert offenders == []


def test_feed_formats_import_nothing_else_of_a_service() -> None:
    offenders = [
        f"{module} imports {target}"
        for module, imports in project_graph().items()
        if within(module, "services.feed.render")
        for target in imports
        if within(target, "services") and not within(target, "services.feed.render")
    ]
    assert offenders == []


def test_shared_depends_on_no_service_and_nothing_imports_the_cli() -> None:
    offenders = [
        f"{module} imports {target}"
        for module, imports in project_graph().items()
        if not within(module, "cli")
        for target in imports
        if within(target, "cli") or (within(module, "shared") and within(target, "services"))
    ]
    assert offenders == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle() -> None:
    assert cycles(project_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_modules_and_functions_are_short() -> None:
    long_modules, long_functions = [], []
    for path in source_files(*PACKAGES, "bench", "tests"):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES and where.parts[0] != "tests":
            long_modules.append(f"{where}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{where}:{node.lineno} {node.name}: {length} lines")
    assert long_modules == []
    assert long_functions == []


def test_importing_a_worker_package_builds_no_app() -> None:
    # A fresh interpreter: what importing does, without this process's imports.
    modules = [f"services.{s}{sub}" for s in SERVICES for sub in ("", ".tasks")]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    mod = importlib.import_module(name)\n"
        "    assert not hasattr(mod, 'app'), name + ' builds an app on import'\n"
        "assert not any(m.endswith('.worker') for m in sys.modules if m.startswith('services.'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr


def test_each_worker_runs_its_task_with_the_shared_options() -> None:
    code = (
        "import importlib, json\n"
        "out = {}\n"
        "for service in ('ingest', 'rates', 'feed'):\n"
        "    app = importlib.import_module(f'services.{service}.worker').app\n"
        "    app.finalize()\n"
        "    for name, task in app.tasks.items():\n"
        "        if not name.startswith('celery.'):\n"
        "            out.setdefault(name, {})[service] = [task.acks_late,\n"
        "                task.reject_on_worker_lost, task.max_retries, task.retry_backoff_max,\n"
        "                [e.__name__ for e in task.autoretry_for]]\n"
        "print(json.dumps(out))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=False, env={**os.environ, "SILKFEED_DATABASE_URL": "sqlite://"})
    assert out.returncode == 0, out.stderr
    import json

    from shared import contracts

    tasks = json.loads(out.stdout.strip().splitlines()[-1])
    transient = ["OperationalError", "InterfaceError", "ConnectionError", "OperationalError",
                 "ConnectionError", "TimeoutError"]
    for name, service, backoff_max in [
        (contracts.PROCESS_SUBMISSION, "ingest", 120),
        (contracts.STORE_SNAPSHOT, "rates", 120),
        (contracts.REFRESH_FEEDS, "feed", 60),
    ]:
        assert tasks[name][service] == [True, True, 8, backoff_max, transient], name


def test_tasks_use_no_pickle() -> None:
    from shared.celery_app import create_celery
    from shared.settings import Settings

    app = create_celery("t", Settings(database_url="sqlite://"))
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
