"""Fault tests: each starts its own Redis and its own service processes, so killing
or stopping them never touches what other tests share."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from tests.faults.stack import own_redis, stack  # noqa: F401 - fixtures


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    # A fault test that fails under load is hard to reproduce: its report
    # carries the end of every log its processes wrote, Redis's included.
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    st = item.funcargs.get("stack") if hasattr(item, "funcargs") else None
    if st is None:
        return
    for proc in st.procs:
        report.sections.append((f"log of {proc.name}", proc.log_tail(80)))
    report.sections.append(("log of redis", st.redis.log_tail(40)))
