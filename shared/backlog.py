"""A backlog: work items waiting in a Redis list behind one queued task at a time.

Under a burst, one task per item pays a whole task hop (broker round trips, the
worker's hand-off to its pool process, the ack) for every page or snapshot.
With a backlog, a sender *offers* its items: they go into the list, and a task
is sent only when none is queued yet (a "kick" key, set with SET NX and a TTL
in the same script). The sender that wins the kick keeps its first item out of
the list and sends it as the task's own payload, so the task's contract is
unchanged. A task *takes* up to a batch of items when it starts, so a burst of
N items costs about N / batch tasks; a lone item costs one task, as before.

Nothing is lost on the way, and each failure has its cover:

- Taking moves the items into a list held by the taking task's id (``held``),
  not out of Redis. A worker that dies mid-batch has its message redelivered
  (late acks) under the same task id; the rerun takes its held items again
  first. The held list expires long after any redelivery would come.
- The taker deletes the kick key before it looks at the list, so an item
  offered after that look finds the key gone and sends a task of its own; an
  item offered before it is in the list the taker reads. Items left beyond the
  batch get a new kick from the taker itself.
- A send that fails after the kick was won: the sender releases the key if it
  still holds it, and its own caller retries (the items offered are in the
  list; the first one is the caller's to send again). A sender that hands the
  offer its task's message, built beforehand (``shared.task_messages``), has it
  pushed by the offer when the kick is won: one round trip, and no kick held
  without a task.
- A kick key whose task was lost (a Redis restart that kept one, not the
  other): the TTL bounds it, and the next offer after it sends a task.
- Redis itself losing the list: the items' owners have their own sweep (the
  outbox re-sends submissions that stay queued, and snapshots that never
  arrived).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from redis.exceptions import NoScriptError

from shared.settings import Settings

log = logging.getLogger(__name__)

# A queued task starts within seconds; after this a kick key without a task
# stops keeping offers from sending one.
KICK_TTL_MS = 15_000

# KEYS: list, kick[, a task queue's list]; ARGV: owner, ttl ms, front (1: to the
# head), a task's message (with the third key: pushed onto it when the kick is
# won), items... Returns the item the caller must send as its task's payload
# (kept out of the list; already sent when a message came), or false when a
# task is queued already.
_OFFER = """
local first = 5
local won = redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2])
if (not won) and redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  won = true
end
if won then first = 6 end
if #ARGV >= first then
  if ARGV[3] == '1' then
    for i = #ARGV, first, -1 do redis.call('LPUSH', KEYS[1], ARGV[i]) end
  else
    redis.call('RPUSH', KEYS[1], unpack(ARGV, first))
  end
end
if won then
  if #KEYS >= 3 then redis.call('LPUSH', KEYS[3], ARGV[4]) end
  return ARGV[5]
end
return false
"""

# KEYS: list, kick, held; ARGV: limit, held ttl s, owner, kick ttl ms.
# Returns {held before this call, newly taken, item to kick a task with or false}.
_TAKE = """
redis.call('DEL', KEYS[2])
local held = redis.call('LRANGE', KEYS[3], 0, -1)
local want = tonumber(ARGV[1]) - #held
local taken = {}
if want > 0 then
  taken = redis.call('LPOP', KEYS[1], want) or {}
  if #taken > 0 then redis.call('RPUSH', KEYS[3], unpack(taken)) end
end
if #held + #taken > 0 then redis.call('EXPIRE', KEYS[3], ARGV[2]) end
local kick = false
if redis.call('LLEN', KEYS[1]) > 0 and redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then
  kick = redis.call('LPOP', KEYS[1])
  -- Held as well: if the taker dies before it sends, its rerun runs this one.
  redis.call('RPUSH', KEYS[3], kick)
  redis.call('EXPIRE', KEYS[3], ARGV[2])
end
return {held, taken, kick}
"""

# KEYS: list, kick; ARGV: items... Queues the items only while a task is queued
# (the kick key is held); returns 1 if it did, 0 (nothing changed) otherwise.
_JOIN = """
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('RPUSH', KEYS[1], unpack(ARGV))
  return 1
end
return 0
"""

_RELEASE_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def backlog_key(prefix: str, name: str) -> str:
    """The list of the items waiting in backlog ``name``."""
    return f"{prefix}backlog:{name}"


@dataclass(frozen=True, slots=True)
class Taken:
    """What a task took from the backlog."""

    held: list[str]  # taken by an earlier run of the same task, which did not finish
    new: list[str]  # taken now
    kick: str | None  # an item to send a new task with: more are waiting

    @property
    def items(self) -> list[str]:
        return self.held + self.new


class Backlog:
    """The backlog ``name`` of one stack (``prefix``) on ``client``."""

    def __init__(self, client: redis.Redis, prefix: str, name: str, held_ttl: int) -> None:
        self.client = client
        self.name = name
        self.list_key = backlog_key(prefix, name)
        self.kick_key = f"{prefix}backlog:{name}:kick"
        self._held_prefix = f"{prefix}backlog:{name}:held:"
        self._held_ttl = held_ttl
        # Holders whose take here found nothing to hold: finishing them costs nothing.
        self._holding_nothing: set[str] = set()

    @classmethod
    def of(cls, client: redis.Redis, settings: Settings, name: str) -> Backlog:
        """The stack's backlog ``name``. Held items outlive any redelivery of their task."""
        visibility = settings.visibility_timeout or settings.task_time_limit * 4
        return cls(client, settings.key_prefix, name, held_ttl=visibility * 2)

    def offer(
        self,
        items: list[str],
        owner: str,
        *,
        front: bool = False,
        message: tuple[str, str] | None = None,
    ) -> str | None:
        """Queue ``items``; returns the one the caller must send a task with, or None
        when a task is queued already. ``owner`` names the caller's work: a rerun
        of it that offers again sends again even while its kick key lives.

        ``message``: the task for the first item, built beforehand (its queue's
        list and the message, ``shared.task_messages``): pushed by the offer
        itself when it wins the kick, in the same round trip, so the item
        returned has been sent already and the kick is never held without a task.
        """
        if not items:
            return None
        keys = [self.list_key, self.kick_key]
        if message is not None:
            keys.append(message[0])
        body = message[1] if message is not None else ""
        args = [owner, KICK_TTL_MS, "1" if front else "0", body, *items]
        kick = self.client.register_script(_OFFER)(keys=keys, args=args)
        return _text(kick) if kick else None

    def join(self, items: list[str]) -> bool:
        """Queue ``items`` behind the task queued already; False, changing nothing,
        when none is (the caller then offers them, with the task's message). Lets
        a sender in a burst skip building a message that would go unused."""
        if not items:
            return True
        return bool(
            self.client.register_script(_JOIN)(keys=[self.list_key, self.kick_key], args=items)
        )

    def release(self, owner: str) -> None:
        """After a failed send: let the next offer send, unless someone else holds the kick."""
        self.client.register_script(_RELEASE_IF_OWNER)(keys=[self.kick_key], args=[owner])

    def take(self, holder: str, limit: int) -> Taken:
        """Up to ``limit`` items for the task ``holder`` (a rerun gets its held ones first)."""
        answer = self.client.register_script(_TAKE)(
            keys=[self.list_key, self.kick_key, self._held_prefix + holder],
            args=[max(limit, 0), self._held_ttl, holder, KICK_TTL_MS],
        )
        return self._taken(holder, answer)

    def take_started(self, holder: str, limit: int) -> Callable[[], Taken]:
        """``take``, its script sent now and its reply read by the function returned,
        which must be called: the caller's own work (a database read) runs while
        Redis runs the script and the reply comes back."""
        script = self.client.register_script(_TAKE)
        keys = [self.list_key, self.kick_key, self._held_prefix + holder]
        args = [max(limit, 0), self._held_ttl, holder, KICK_TTL_MS]
        pool = self.client.connection_pool
        connection = pool.get_connection()
        try:
            connection.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
        except BaseException:
            connection.disconnect()
            pool.release(connection)
            raise

        def reply() -> Taken:
            try:
                answer = connection.read_response()
            except NoScriptError:  # Redis lost its scripts (a restart): run it whole
                pool.release(connection)
                return self._taken(holder, script(keys=keys, args=args))
            except BaseException:
                connection.disconnect()  # the reply may be left unread on it
                pool.release(connection)
                raise
            pool.release(connection)
            return self._taken(holder, answer)

        return reply

    def _taken(self, holder: str, answer: list[Any]) -> Taken:
        held, new, kick = answer
        if held or new or kick:
            self._holding_nothing.discard(holder)
        else:
            self._holding_nothing.add(holder)
        return Taken(
            [_text(i) for i in held], [_text(i) for i in new], _text(kick) if kick else None
        )

    def held(self, holder: str) -> list[str]:
        """What the task ``holder`` took and has not finished."""
        return [_text(i) for i in self.client.lrange(self._held_prefix + holder, 0, -1)]

    def pass_on(self, holder: str, item: str, send: Callable[[str], None]) -> bool:
        """Send a take's ``kick`` item as the next task (``send``), so that another
        worker can start on what waits. False when the send failed: the item stays
        the holder's to run itself, and the next offer may send a task."""
        try:
            send(item)
        except Exception:
            log.warning("could not send the %s backlog's next task; running it here", self.name)
            self.release(holder)
            return False
        self.forget(holder, item)
        return True

    def forget(self, holder: str, item: str) -> None:
        """``item`` is no longer the task ``holder``'s to run (it sent it to another task)."""
        self.client.lrem(self._held_prefix + holder, 1, item)

    def finish(self, holder: str) -> None:
        """The task ``holder`` is done with what it took."""
        if holder not in self._holding_nothing:
            self.client.delete(self._held_prefix + holder)

    def depth(self) -> int:
        """Items waiting (not taken)."""
        return int(self.client.llen(self.list_key))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
