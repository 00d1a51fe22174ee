"""Fault tests: each starts its own Redis and its own service processes, so killing
or stopping them never touches what other tests share."""

from tests.faults.stack import own_redis, stack  # noqa: F401 - fixtures
