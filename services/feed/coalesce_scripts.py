"""The Redis scripts of render coalescing (``services.feed.coalesce``): each one
round trip, each atomic."""

from __future__ import annotations

from services.feed.asked import FORGET_SECONDS
from shared import refresh_queue


def feed_lock_key(prefix: str, name: str) -> str:
    """The lock of one feed's render: taken by the worker for the feeds of its
    round, by a web process rendering on a request (``read_render``) and by a
    first render, so no two of them render a feed at once."""
    return f"{prefix}render-lock:{name}"


# The renderer's tokens start with this mark; a web process's never do. Only the
# holder of the renderer lock renders, so a feed lock a renderer left behind
# (it died) is the current renderer's to take.
RENDERER_MARK = "renderer:"
# Take the feed locks of a round (KEYS) for the renderer (ARGV: its token, lock
# ms); returns the positions (from 1) of those a web process holds.
TAKE_FEED_LOCKS = f"""
local busy = {{}}
for i = 1, #KEYS do
  local holder = redis.call('GET', KEYS[i])
  if (not holder) or string.sub(holder, 1, {len(RENDERER_MARK)}) == '{RENDERER_MARK}' then
    redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2])
  else
    busy[#busy + 1] = i
  end
end
return busy
"""
# A feed rendered: clear its failure record, unmark it unless a newer request
# came meanwhile, let go of its feed lock, and extend the renderer's lock — one
# round trip per feed. KEYS: dirty, failing, lock, the feed's lock.
RENDERED = """
if redis.call('GET', KEYS[4]) == ARGV[3] then
  redis.call('DEL', KEYS[4])
end
redis.call('HDEL', KEYS[2], ARGV[1])
local deleted = 0
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  deleted = redis.call('HDEL', KEYS[1], ARGV[1])
end
if redis.call('GET', KEYS[3]) == ARGV[3] then
  redis.call('PEXPIRE', KEYS[3], ARGV[4])
end
return deleted
"""
# A task's first round trip: mark its feeds, try for the lock and, when it is
# taken, read what is due, how long the backlog is (see ``drain``) and which
# documents readers asked for lately (``services.feed.asked``; older notes go).
# KEYS: dirty hash, lock, failing hash, asked set, then the backlog's lists;
# ARGV: token, lock ms, then feed/stamp pairs.
MARK_AND_CLAIM = (
    refresh_queue.MARK_PAIRS.format(first=3)
    + f"""
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return false
end
local backlog = 0
for i = 5, #KEYS do
  backlog = backlog + redis.call('LLEN', KEYS[i])
end
local now = tonumber(redis.call('TIME')[1])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - {FORGET_SECONDS})
return {{redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[3]), backlog,
        redis.call('ZRANGE', KEYS[4], 0, -1)}}
"""
)
DELETE_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
EXTEND_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
# While waiting for a burst to end: extend the lock if still ours, and say how
# much upstream work waits. KEYS: lock, then the backlog's lists; ARGV: token, lock ms.
EXTEND_AND_COUNT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
local backlog = 0
for i = 2, #KEYS do
  backlog = backlog + redis.call('LLEN', KEYS[i])
end
return backlog
"""
# Let go of the lock and of the "refresh queued" key (shared.refresh_queue),
# then take the last look at the dirty and the failing feeds, in one round
# trip: a sender marking after this sends. KEYS: lock, queued, dirty, failing.
RELEASE_AND_LOOK = """
redis.call('DEL', KEYS[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return {redis.call('HGETALL', KEYS[3]), redis.call('HGETALL', KEYS[4])}
"""
# A round's end: when no feed is marked, let go as RELEASE_AND_LOOK does (the
# look is the emptiness seen here, in the same atomic step); otherwise keep the
# lock and return what is marked and failing. It rides in the round trip that
# unmarks the round's last feed, so a lone change costs the drain no round trip
# after that. KEYS: dirty, failing, lock, queued; ARGV: token.
# Returns {1, {}, failing} when it let go, {0, dirty, failing} when not.
LOOK_OR_RELEASE = """
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[4])
  if redis.call('GET', KEYS[3]) == ARGV[1] then
    redis.call('DEL', KEYS[3])
  end
  return {1, {}, redis.call('HGETALL', KEYS[2])}
end
return {0, redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
"""
