"""The hub form reader: one more body than the slots is refused with a 503 at once,
never queued behind slow clients; a short body is a 400."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator

import pytest

from services.feed.websub.form_body import FormReader, form_fields
from shared.problems import Problem


class Stalled(io.RawIOBase):
    """A body whose read waits until ``release`` is set, as granian's does while a
    client sends nothing; ``waiting`` is set once the read has begun."""

    def __init__(self, release: threading.Event, data: bytes = b"") -> None:
        self.release = release
        self.waiting = threading.Event()
        self.data = data

    def read(self, size: int = -1) -> bytes:
        self.waiting.set()
        self.release.wait(30)
        return self.data


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # let the stalled readers end


def refused(reader: FormReader, stream: io.RawIOBase, length: int) -> Problem:
    with pytest.raises(Problem) as caught:
        reader.read(stream, length)  # type: ignore[arg-type]
    return caught.value


def stall(reader: FormReader, release: threading.Event) -> threading.Thread:
    """A request thread held by a client that sends nothing."""
    stream = Stalled(release, b"x" * 10)

    def run() -> None:
        reader.read(stream, 10)  # type: ignore[arg-type]

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert stream.waiting.wait(5)
    return thread


def test_a_complete_body_is_read() -> None:
    reader = FormReader(1)
    body = b"hub.mode=subscribe&hub.topic=t"
    assert reader.read(io.BytesIO(body), len(body)) == body
    assert reader.read(io.BytesIO(body), len(body)) == body  # its slot came back


def test_more_readers_than_slots_get_503_at_once(release: threading.Event) -> None:
    reader = FormReader(2)
    held = [stall(reader, release) for _ in range(2)]
    t0 = time.monotonic()
    problem = refused(reader, io.BytesIO(b"x"), 1)
    assert time.monotonic() - t0 < 0.1
    assert problem.status == 503 and problem.kind == "hub-busy"
    assert problem.headers == {"Retry-After": "5", "Connection": "close"}
    # Once the slow clients are done, their slots are free again.
    release.set()
    for thread in held:
        thread.join(5)
    assert reader.read(io.BytesIO(b"x"), 1) == b"x"


def test_a_short_body_is_a_400_and_frees_its_slot(release: threading.Event) -> None:
    release.set()
    reader = FormReader(1)
    assert refused(reader, Stalled(release, b"hub.mode=sub"), 100).status == 400
    assert reader.read(io.BytesIO(b"x"), 1) == b"x"


def test_form_fields_take_the_first_value_of_each_name() -> None:
    body = b"hub.mode=subscribe&hub.mode=unsubscribe&hub.callback=http%3A%2F%2Fa.test%2F%C3%A9&x="
    assert form_fields(body) == {
        "hub.mode": "subscribe",
        "hub.callback": "http://a.test/\u00e9",
        "x": "",
    }
    assert form_fields(b"hub.secret=%FF\xfe") == {"hub.secret": "\ufffd\ufffd"}
