"""The architecture's rules, checked on the source: services talk only through tasks."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from shared.migrate import ROOT

SERVICES = ("ingest", "rates", "feed")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


# Where one service may reach into another. Everything else goes through tasks.
# The feed web app mounts the rates read side (its blueprints, its in-process memory, the
# rate feeds' entries); the rates read side renders through the feed's formats.
ALLOWED_CROSSING = {
    "feed": ("services.rates.api", "services.rates.page", "services.rates.memory",
             "services.rates.feeds"),
    "rates": ("services.feed.render", "services.feed.entries", "services.feed.conditional"),
}
RATES_WRITE_SIDE = ("tasks.py", "store.py", "worker.py")


def test_no_service_imports_another_service() -> None:
    offenders = []
    for service in SERVICES:
        for path in (ROOT / "services" / service).rglob("*.py"):
            for module in imported_modules(path):
                for other in SERVICES:
                    if other == service or not module.startswith(f"services.{other}"):
                        continue
                    allowed = ALLOWED_CROSSING.get(service, ())
                    if service == "rates" and path.name in RATES_WRITE_SIDE:
                        allowed = ()
                    if not any(module == a or module.startswith(a + ".") for a in allowed):
                        offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_shared_depends_on_no_service() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "shared").rglob("*.py")
        for module in imported_modules(path)
        if module.startswith(("services", "cli"))
    ]
    assert offenders == []


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


def test_tasks_use_no_pickle() -> None:
    from shared.celery_app import create_celery
    from shared.settings import Settings

    app = create_celery("t", Settings(database_url="sqlite://"))
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
