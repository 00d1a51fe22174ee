"""Loopback connections that feed a server a little at a time, to see it cut them off."""

from __future__ import annotations

import socket
import threading
import time


def host_port(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


class Drippers:
    """``n`` connections, each sent ``opening(i)`` at once, then stepped every half second.

    ``ended_at[i]`` is the seconds from the start until connection ``i`` was
    answered or closed; a subclass's ``step`` says when that is.
    """

    def __init__(self, base: str, n: int) -> None:
        self.socks = [socket.create_connection(host_port(base), timeout=5) for _ in range(n)]
        self.started = time.monotonic()
        self.ended_at: dict[int, float] = {}
        self.stop = threading.Event()
        for i, s in enumerate(self.socks):
            s.sendall(self.opening(i))
            s.setblocking(False)
        self.thread = threading.Thread(target=self._drip, daemon=True)
        self.thread.start()

    def opening(self, i: int) -> bytes:
        raise NotImplementedError

    def step(self, i: int, s: socket.socket) -> None:
        raise NotImplementedError

    def end(self, i: int) -> None:
        self.ended_at[i] = time.monotonic() - self.started

    def _drip(self) -> None:
        while not self.stop.is_set() and len(self.ended_at) < len(self.socks):
            for i, s in enumerate(self.socks):
                if i not in self.ended_at:
                    self.step(i, s)
            self.stop.wait(0.5)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for s in self.socks:
            s.close()


class BodyTricklers(Drippers):
    """Connections that send a request's head, then one piece of its body a step
    (``piece``), keeping what the server answers in ``answers``; a connection ends
    once its answer's JSON document is complete or the server closes it."""

    def __init__(self, base: str, n: int) -> None:
        self.answers: dict[int, bytes] = {}
        super().__init__(base, n)

    def piece(self, i: int) -> bytes:
        raise NotImplementedError

    def step(self, i: int, s: socket.socket) -> None:
        try:
            data = s.recv(65536)
        except BlockingIOError:
            data = None
        except OSError:
            data = b""
        if data is not None:
            self.answers[i] = self.answers.get(i, b"") + data
            if data == b"" or b"}" in self.answers[i]:
                self.end(i)
            return
        try:
            s.send(self.piece(i))
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.end(i)
