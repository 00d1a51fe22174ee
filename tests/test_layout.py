"""The architecture's rules, checked on the source: services talk only through tasks."""

from __future__ import annotations

import ast
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


def test_no_service_imports_another_service() -> None:
    offenders = []
    for service in SERVICES:
        for path in (ROOT / "services" / service).rglob("*.py"):
            for module in imported_modules(path):
                for other in SERVICES:
                    if other != service and module.startswith(f"services.{other}"):
                        offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_shared_depends_on_no_service() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "shared").rglob("*.py")
        for module in imported_modules(path)
        if module.startswith("services")
    ]
    assert offenders == []


def test_importing_a_worker_package_builds_no_app() -> None:
    import importlib
    import sys

    for service in SERVICES:
        for module in (f"services.{service}", f"services.{service}.tasks"):
            sys.modules.pop(module, None)
            mod = importlib.import_module(module)
            assert not hasattr(mod, "app"), f"{module} builds an app on import"


def test_tasks_use_no_pickle() -> None:
    from shared.celery_app import create_celery
    from shared.settings import Settings

    app = create_celery("t", Settings(database_url="sqlite://"))
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
