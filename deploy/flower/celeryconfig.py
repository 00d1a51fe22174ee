"""Celery settings for Flower (docker-compose.yml's `flower`, the official image).

Flower runs Celery's default app, which imports this module (CELERY_CONFIG_MODULE).
It needs only what locates silkfeed's broker traffic: the Redis URL, the
stack's key prefix (``global_keyprefix``: silkfeed's ``Settings.key_prefix``
for a fixed SILKFEED_NAMESPACE) and, with a sentinel:// URL, the master's name.
A test checks the prefix against what the services derive from the same
environment.
"""

import os

broker_url = os.environ.get("SILKFEED_REDIS_URL", "redis://redis:6379/0")
broker_transport_options = {
    "global_keyprefix": f"silkfeed:{os.environ['SILKFEED_NAMESPACE']}:",
}
if os.environ.get("SILKFEED_REDIS_SENTINEL_MASTER"):
    broker_transport_options["master_name"] = os.environ["SILKFEED_REDIS_SENTINEL_MASTER"]
# What the services send and accept: never pickle.
accept_content = ["json"]
