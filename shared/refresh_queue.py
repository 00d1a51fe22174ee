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

- The script that wins the key pushes the task's message itself (built
  beforehand, ``shared.task_messages``): the key is never set without a task
  queued, and the request is one round trip. The one exception: a change made
  alone, while web processes render it ahead of the worker, holds the message
  back in Redis until they have, a tenth of a second at most
  (``shared.ahead_wait``), and its sender waits to push it if they have not.
  A rerun of the sender's task (it died after the script, or while it
  waited, or retries) sends again: the key holds the id of the task that set
  it, and the same id sends again even within the TTL.
- Redis away: the script fails, nothing is set or sent, and the sender's task
  retries as a whole. A message that cannot be built (the broker's connection
  fails) leaves the feeds marked, without a claim, and the task retries.
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
import logging
from datetime import datetime
from typing import Any

import redis
from celery import Celery

from shared import ahead_wait, contracts
from shared.changes import changes_channel, stale_note
from shared.task_messages import task_messages

log = logging.getLogger(__name__)

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
# KEYS: dirty hash, queued key, the feed queue's list, the hash a held message
# waits in, the sender's backlog (``ahead_wait.HOLD_OR_PUSH``); ARGV: owner, ttl
# ms, the task's message, the changes channel, the note published when the claim
# is won without and with a reply token ('' for none), the held message's TTL,
# '1' to hold it only while the backlog is empty, then feed/stamp pairs.
# {0, 0}: a task is queued already; {1, 0}: the message was pushed; {1, n}: it is
# held for the n web processes that heard the note. Either way the key is now
# the caller's.
_MARK_AND_CLAIM = (
    MARK_PAIRS.format(first=9)
    + """
local won = redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2])
if (not won) and redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  won = true
end
if not won then return {0, 0} end
"""
    + ahead_wait.HOLD_OR_PUSH
)


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
    *,
    tell_readers: bool = True,
    backlog: str | None = None,
    ahead: float = ahead_wait.AHEAD_WAIT,
    **options: Any,
) -> bool:
    """Mark ``feeds`` dirty and send a refresh unless one is queued. True if sent.

    ``owner`` names the caller's own work (its task id): a rerun of it sends
    again even while the key it set lives. ``options`` go to the send.

    ``tell_readers``: publish a stale note, so that web processes serving these
    feeds render them ahead of the worker; the task's message is then held
    until they have, ``ahead`` seconds at most (``shared.ahead_wait``), and the
    call returns after that wait. ``backlog``: the sender's backlog list; the
    message is held only while it is empty (a change made alone). ``client``'s
    socket timeout must be longer than ``ahead``.
    """
    if not feeds:
        return False
    stamp = requested_at.isoformat()
    payload = {"feeds": sorted(feeds), "requested_at": stamp}
    pairs: list[Any] = []
    for name in payload["feeds"]:
        pairs += [name, stamp]
    try:
        queue, message = task_messages(app, prefix).build(
            contracts.REFRESH_FEEDS, payload, **options
        )
    except BaseException:
        # No message, so no claim; the marks are kept for whichever task drains
        # next, and the caller's task retries.
        with contextlib.suppress(redis.RedisError):
            client.register_script(MARK_LUA)(keys=[dirty_key(prefix)], args=pairs)
        raise
    token = ahead_wait.new_token()
    notes = ["", ""]
    if tell_readers:
        notes = [stale_note(payload["feeds"], requested_at, reply) for reply in (None, token)]
    args: list[Any] = [
        owner, QUEUED_TTL_MS, message, changes_channel(prefix), *notes,
        ahead_wait.HELD_TTL_MS, "1" if backlog else "0", *pairs,
    ]  # fmt: skip
    ahead_key = ahead_wait.ahead_key(prefix, token)
    keys = [dirty_key(prefix), queued_key(prefix), queue, ahead_key, backlog or ahead_key]
    # Scripts run by digest (EVALSHA), their text sent only when Redis lacks it.
    won, heard = client.register_script(_MARK_AND_CLAIM)(keys=keys, args=args)
    if heard and not ahead_wait.wait_and_flush(client, prefix, token, queue, message, ahead):
        # Sent all the same; a web process that never replies (one older than the
        # replies, or hung) costs each change made alone this wait.
        log.info("%d web processes heard a stale note; not all replied in %.2f s", heard, ahead)
    return bool(won)
