"""A backlog sends one task per burst and loses no item: offers, takes, reruns and
give-backs on a real Redis (the races are in shared/backlog.py's docstring)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator

import pytest
import redis

from shared.backlog import Backlog
from tests.support.redis_server import RedisServer


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_server.url)
    yield c
    c.close()


@pytest.fixture
def backlog(client: redis.Redis) -> Iterator[Backlog]:
    prefix = f"bl-{uuid.uuid4().hex[:8]}:"
    yield Backlog(client, prefix, "ingest", held_ttl=60)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def waiting(b: Backlog) -> list[str]:
    return [i.decode() for i in b.client.lrange(b.list_key, 0, -1)]


def test_the_first_offer_of_a_burst_sends_a_task_and_the_rest_wait_for_it(
    backlog: Backlog,
) -> None:
    assert backlog.offer(["a", "b"], "relay-1") == "a"  # sent as the task's payload
    assert waiting(backlog) == ["b"]
    assert backlog.offer(["c"], "relay-2") is None  # a task is queued already
    assert backlog.offer(["d", "e"], "relay-3") is None
    assert waiting(backlog) == ["b", "c", "d", "e"]
    assert backlog.depth() == 4


def test_a_take_clears_the_kick_so_the_next_offer_sends_again(backlog: Backlog) -> None:
    assert backlog.offer(["a"], "relay") == "a"
    assert backlog.offer(["b"], "relay-2") is None
    taken = backlog.take("task-1", 10)
    assert (taken.held, taken.new, taken.kick) == ([], ["b"], None)
    # Offered after the take looked: nobody would read it, so it sends.
    assert backlog.offer(["c"], "relay-3") == "c"


def test_a_take_holds_at_most_its_batch_and_kicks_a_task_for_the_rest(backlog: Backlog) -> None:
    backlog.offer(["x", *"abcdef"], "relay")
    taken = backlog.take("task-1", 3)
    assert taken.new == ["a", "b", "c"]
    assert taken.kick == "d"  # the taker sends a task with it, for e and f
    assert waiting(backlog) == ["e", "f"]
    assert backlog.offer(["g"], "relay-2") is None  # that task is queued
    # The kick item is held too: if the taker dies before sending it, its rerun runs it.
    assert backlog.held("task-1") == ["a", "b", "c", "d"]


def test_pass_on_sends_the_kick_item_and_the_taker_no_longer_holds_it(backlog: Backlog) -> None:
    backlog.offer(["x", *"abcd"], "relay")
    taken = backlog.take("task-1", 2)
    assert taken.kick == "c"
    sent: list[str] = []
    assert backlog.pass_on("task-1", taken.kick, sent.append)
    assert sent == ["c"]
    assert backlog.held("task-1") == ["a", "b"]  # a rerun runs these, not c: c has its task
    assert backlog.offer(["e"], "relay-2") is None  # c's task is queued


def test_pass_on_keeps_the_item_when_its_send_fails(backlog: Backlog) -> None:
    backlog.offer(["x", *"abcd"], "relay")
    taken = backlog.take("task-1", 2)
    assert taken.kick == "c"

    def broker_away(_item: str) -> None:
        raise ConnectionError("broker away")

    assert not backlog.pass_on("task-1", taken.kick, broker_away)
    assert backlog.held("task-1") == ["a", "b", "c"]  # the taker runs c itself
    assert backlog.offer(["e"], "relay-2") == "e"  # no task is queued: the next offer sends


def test_a_rerun_gets_what_its_first_run_held_then_more(backlog: Backlog) -> None:
    backlog.offer(["x", "a", "b"], "relay")
    assert backlog.take("task-1", 1).new == ["a"]
    backlog.offer(["c"], "relay-2")
    backlog.release("task-1")  # as if task-1 died before it sent its kick (b)
    again = backlog.take("task-1", 4)  # the same task id: redelivered
    assert (again.held, again.new) == (["a", "b"], ["c"])
    backlog.finish("task-1")
    assert backlog.held("task-1") == []
    assert backlog.take("task-1", 3).items == []


def test_given_back_items_go_to_the_head_in_order(backlog: Backlog) -> None:
    assert backlog.offer(["x", "c", "d"], "relay") == "x"
    assert backlog.offer(["a", "b"], "task-1", front=True) is None  # x's task is queued
    assert waiting(backlog) == ["a", "b", "c", "d"]
    backlog.release("relay")
    assert backlog.offer(["y", "z"], "task-2", front=True) == "y"
    assert waiting(backlog) == ["z", "a", "b", "c", "d"]


def test_release_lets_go_only_of_the_callers_own_kick(backlog: Backlog) -> None:
    assert backlog.offer(["a"], "relay-1") == "a"
    backlog.release("someone-else")
    assert backlog.offer(["b"], "relay-2") is None
    backlog.release("relay-1")  # its send failed
    assert backlog.offer(["c"], "relay-3") == "c"


def test_a_rerun_of_the_owner_sends_again_while_its_kick_lives(backlog: Backlog) -> None:
    assert backlog.offer(["a"], "task-7") == "a"
    # task-7 died before its send went out; redelivered, it offers again.
    assert backlog.offer(["a"], "task-7") == "a"


def test_no_item_is_lost_or_run_twice_in_random_interleavings(backlog: Backlog) -> None:
    """Senders offer, tasks (one per sent kick) take in batches and finish, in a
    random order: every item is run exactly once, and tasks stay far fewer than items."""
    rng = random.Random(20261203)
    queued: list[tuple[str, str]] = []  # (task id, its own item)
    ran: list[str] = []
    tasks = 0
    next_item = 0
    while next_item < 400 or queued:
        if next_item < 400 and (not queued or rng.random() < 0.6):
            items = [f"i{next_item + k}" for k in range(rng.randint(1, 3))]
            next_item += len(items)
            kick = backlog.offer(items, f"relay-{next_item}")
            if kick is not None:
                queued.append((uuid.uuid4().hex, kick))
            continue
        task_id, own = queued.pop(rng.randrange(len(queued)))
        tasks += 1
        taken = backlog.take(task_id, rng.randint(1, 8))
        if taken.kick is not None:
            queued.append((uuid.uuid4().hex, taken.kick))
        ran += [own, *taken.items]
        backlog.finish(task_id)
    assert sorted(ran) == sorted(f"i{n}" for n in range(next_item))
    assert backlog.depth() == 0
    assert tasks < next_item / 2


def test_an_offer_given_its_task_message_pushes_it_when_it_wins_the_kick(
    backlog: Backlog,
) -> None:
    queue = backlog.list_key + ":queue"
    assert backlog.offer(["a", "b"], "relay-1", message=(queue, "task-a")) == "a"
    assert backlog.offer(["c"], "relay-2", message=(queue, "task-c")) is None
    assert backlog.offer(["d"], "relay-1", message=(queue, "task-d")) == "d"  # a rerun
    assert [m.decode() for m in backlog.client.lrange(queue, 0, -1)] == ["task-d", "task-a"]
    assert waiting(backlog) == ["b", "c"]
    backlog.client.delete(queue)


def test_a_take_started_takes_as_take_does_while_its_caller_works(backlog: Backlog) -> None:
    backlog.offer(["a", "b", "c"], "relay-1")
    reply = backlog.take_started("task-1", 2)
    assert backlog.client.ping()  # another command meanwhile, on another connection
    taken = reply()
    assert (taken.held, taken.new, taken.kick) == ([], ["b", "c"], None)
    assert backlog.held("task-1") == ["b", "c"]
    assert backlog.take_started("task-1", 2)().held == ["b", "c"]  # a rerun


def test_a_take_started_loads_its_script_when_redis_lost_it(backlog: Backlog) -> None:
    backlog.offer(["a", "b"], "relay-1")
    backlog.client.script_flush()
    assert backlog.take_started("task-1", 5)().new == ["b"]
    assert backlog.take_started("task-2", 5)().new == []  # the connection is left clean
