"""Sending feed refreshes once per burst instead of once per change.

A sender (the ingest and the rates worker) marks the feeds a change touched in
the feed service's dirty hash (``feeds:dirty``: feed → newest request time, the
same hash the feed worker drains) and sends a ``feed.refresh`` task only if no
task is already queued and not yet draining. "Queued" is a Redis key
(``feeds:refresh-queued``) set with SET NX and a TTL in the same script as the
mark, so a burst of pages costs one feed task, not one per page. The task still
carries its feeds, and the worker marks them again (idempotent), so a task sent
by anything else is served as before.

The feed worker (``services.feed.coalesce``) deletes the key when it releases
the renderer lock, before its last look at the dirty hash. The invariant: while
the key exists, a queued task or the lock holder will delete it and read the
hash afterwards. So every mark is either read by a drain or followed by a send:
a mark made before that delete is seen by the look after it; a sender marking
after it finds the key gone and sends, or finds it set again by a sender that
sent after the delete. A task that finds the lock taken leaves the key to the
holder, which deletes it after releasing the lock.

Failures, and what covers each:

- The sender dies between the script and the send (key set, no task): the
  sender's own task is redelivered (late acks) and runs again. The key holds the
  id of the task that set it, and the same id sends again, so the rerun sends
  even within the TTL.
- The send fails (broker away): the sender deletes the key if it still holds it
  and raises; its task retries as a whole.
- A feed worker killed mid-drain: its task is redelivered (late acks), the lock
  expires, and tasks that found the lock taken scheduled a follow-up
  (``claim_followup``). Until the redelivery the key may keep senders from
  sending; the marks wait in the hash, not lost.
- Any other lie (a task message lost while its key survived, e.g. a Redis
  restart that kept one and not the other): the key's TTL bounds it; the first
  change after it expires sends a task that drains everything marked. A Redis
  restart that loses both the hash and the queue is no worse than before.
- An expired key while a task is still queued only costs an extra task, which
  finds nothing or little to render: tasks are idempotent.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

import redis
from celery import Celery

from shared import contracts
from shared.celery_app import send

# A queued task starts within seconds; after this a key without a task (see
# above) stops keeping senders from sending.
QUEUED_TTL_MS = 15_000

# Keep the newest request time per feed (ISO 8601 UTC strings compare in time
# order), from the feed/stamp pairs of ARGV starting at index {first}.
MARK_PAIRS = """
for i = {first}, #ARGV, 2 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if (not current) or current < ARGV[i + 1] then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
"""
MARK_LUA = MARK_PAIRS.format(first=1) + "return 1\n"
# KEYS: dirty hash, queued key; ARGV: owner, ttl ms, then feed/stamp pairs.
# 1: send a task (the key is now the caller's), 0: one is queued already.
_MARK_AND_CLAIM = (
    MARK_PAIRS.format(first=3)
    + """
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return 1
end
return 0
"""
)
_RELEASE_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def dirty_key(prefix: str) -> str:
    return f"{prefix}feeds:dirty"


def queued_key(prefix: str) -> str:
    return f"{prefix}feeds:refresh-queued"


def request_refresh(
    app: Celery,
    client: redis.Redis,
    prefix: str,
    feeds: list[str],
    requested_at: datetime,
    owner: str,
    **options: Any,
) -> bool:
    """Mark ``feeds`` dirty and send a refresh unless one is queued. True if sent.

    ``owner`` names the caller's own work (its task id): a rerun of it sends
    again even while the key it set lives. ``options`` go to the send.
    """
    if not feeds:
        return False
    stamp = requested_at.isoformat()
    args: list[Any] = [owner, QUEUED_TTL_MS]
    for name in sorted(feeds):
        args += [name, stamp]
    keys = [dirty_key(prefix), queued_key(prefix)]
    # Scripts run by digest (EVALSHA), their text sent only when Redis lacks it.
    if not client.register_script(_MARK_AND_CLAIM)(keys=keys, args=args):
        return False
    try:
        send(
            app,
            contracts.REFRESH_FEEDS,
            {"feeds": sorted(feeds), "requested_at": stamp},
            **options,
        )
    except BaseException:
        # No task went out: let the next sender (or this task's retry) send.
        with contextlib.suppress(redis.RedisError):  # else the TTL lets go of it
            client.register_script(_RELEASE_IF_OWNER)(keys=[queued_key(prefix)], args=[owner])
        raise
    return True
