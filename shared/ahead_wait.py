"""A feed refresh waits for the web processes' renders ahead of the feed worker.

A change's refresh request (``shared.refresh_queue``) publishes a stale note;
a web process serving a reader one of the changed feeds renders it at once,
ahead of the feed worker (``services.feed.read_render``), and the reader waits
on that render alone. The worker's own work for the same change (its main
process taking the message and handing it to a pool process, the pool process
looking at what is stored and waiting for the web render's feed lock) would
run beside that render and, on a machine with few cores, slow it down. So
while web processes hear the note, the request holds the worker's message
back until they have rendered:

- the script that publishes the note counts the web processes that heard it
  (PUBLISH's answer) and, when there are any, keeps the message in a hash
  (``ahead_key``) with that count, instead of pushing it onto the queue;
- each of those processes replies (``reply``) once it has rendered what its
  readers poll of those feeds, at once when it holds none: the last reply
  pushes the message;
- only a change made alone is held (the sender's backlog is empty): in a burst,
  the worker's rounds keep pace with the pages instead;
- the sender waits for that push (a blocking pop of ``done_key``: no work
  while it waits), ``AHEAD_WAIT`` at most, then pushes the message itself if
  it is still held. A web process that died, hangs, or predates the replies
  costs the worker that wait, nothing more.

The message is pushed once: whoever finds it in the hash pushes it and
deletes the hash, in one script; a reply's push leaves a mark the sender's
flush finds. A sender held up past both (a paused process) pushes its own
copy: one task more at worst, which finds its work done. A sender that dies
while holding it back leaves it to its task's redelivery (late acks: the
rerun sends again, as for a sender that died before its request) or, past
``HELD_TTL_MS``, to the queued key's expiry (``refresh_queue``). Every
subscriber of the changes channel counts among those waited for: one that
never replies (a web process from before the replies, a hung one, a client
listening by hand) costs each change made alone the sender's whole wait,
which the sender logs.
"""

from __future__ import annotations

import uuid

import redis

# The longest a sender waits for the web processes' renders. A web render takes
# milliseconds; past this, the worker's own lock wait (``services.feed.feed_locks``)
# still keeps it from rendering beside one.
AHEAD_WAIT = 0.1
# A held message outlives its sender's wait by this much at most (see above).
HELD_TTL_MS = 15_000
# The mark a reply's push leaves (its sender pops it at once) outlives any held
# copy: a sender whose wait ended finds it, or the held copy, unless it was held
# up longer than both, and then it sends its own copy (one task more, harmless).
DONE_TTL_MS = HELD_TTL_MS + 5_000

# The refresh request's script ends with this, the claim won. KEYS[3]: the feed
# queue, KEYS[4]: the hash, KEYS[5]: the sender's backlog; ARGV[3]: the message,
# ARGV[4]: the changes channel, ARGV[5] and ARGV[6]: the note without and with
# its reply token ('' for none), ARGV[7]: the hash's TTL, ARGV[8]: '1' to hold
# only while the backlog is empty. Answers {1, web processes waited for}.
HOLD_OR_PUSH = """
local hold = ARGV[6] ~= '' and (ARGV[8] ~= '1' or redis.call('LLEN', KEYS[5]) == 0)
local heard = 0
if hold then
  heard = redis.call('PUBLISH', ARGV[4], ARGV[6])
elseif ARGV[5] ~= '' then
  redis.call('PUBLISH', ARGV[4], ARGV[5])
end
if heard > 0 then
  redis.call('HSET', KEYS[4], 'queue', KEYS[3], 'message', ARGV[3], 'left', heard)
  redis.call('PEXPIRE', KEYS[4], ARGV[7])
else
  redis.call('LPUSH', KEYS[3], ARGV[3])
end
return {1, heard}
"""

# A web process has rendered: the last of those that heard the note pushes the
# message held in KEYS[1] and marks it pushed for the sender (KEYS[2]).
_REPLY = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HINCRBY', KEYS[1], 'left', -1) > 0 then return 0 end
redis.call('LPUSH', redis.call('HGET', KEYS[1], 'queue'), redis.call('HGET', KEYS[1], 'message'))
redis.call('DEL', KEYS[1])
redis.call('LPUSH', KEYS[2], '1')
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
"""
# The sender's wait is over: push what is still held (1); nothing when a reply
# pushed it (0); the sender's own copy (ARGV[1], onto KEYS[3]) when neither the
# held copy nor the reply's mark is left (2: it was held up past both).
_FLUSH = """
local queue = redis.call('HGET', KEYS[1], 'queue')
if queue then
  redis.call('LPUSH', queue, redis.call('HGET', KEYS[1], 'message'))
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
if redis.call('DEL', KEYS[2]) == 1 then return 0 end
redis.call('LPUSH', KEYS[3], ARGV[1])
return 2
"""


def new_token() -> str:
    return uuid.uuid4().hex


def ahead_key(prefix: str, token: str) -> str:
    return f"{prefix}feeds:ahead:{token}"


def done_key(prefix: str, token: str) -> str:
    return f"{prefix}feeds:ahead:{token}:done"


def reply(client: redis.Redis, prefix: str, token: str) -> bool:
    """A web process has rendered what it holds of a note's feeds. True if this
    reply pushed the held message (it was the last awaited)."""
    keys = [ahead_key(prefix, token), done_key(prefix, token)]
    return bool(client.register_script(_REPLY)(keys=keys, args=[DONE_TTL_MS]))


def wait_and_flush(
    client: redis.Redis,
    prefix: str,
    token: str,
    queue: str,
    message: str,
    timeout: float = AHEAD_WAIT,
) -> bool:
    """Wait until the web processes' replies pushed the held message, ``timeout``
    at most, then push it if it is still held (or ``message`` onto ``queue``, the
    sender's own copy, if it is neither held nor pushed). True if the replies
    pushed it. ``client``'s socket timeout must be longer than ``timeout``."""
    if client.blpop([done_key(prefix, token)], timeout=timeout) is not None:
        return True
    return flush(client, prefix, token, queue, message) == 0


def flush(client: redis.Redis, prefix: str, token: str, queue: str, message: str) -> int:
    """A sender's wait is over: 1 if it pushed the held message, 0 if a reply had
    pushed it, 2 if neither was left and it pushed ``message`` onto ``queue``."""
    keys = [ahead_key(prefix, token), done_key(prefix, token), queue]
    return int(client.register_script(_FLUSH)(keys=keys, args=[message]))
