"""Security tests that need live processes start their own, as the fault tests do."""

from tests.faults.stack import own_redis, stack  # noqa: F401 - fixtures
