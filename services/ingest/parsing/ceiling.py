"""A memory ceiling for building one page's tree.

The HTML Standard makes a parser re-open the formatting elements (``<b>``,
``<i>``…) that a block closed, cloning each one left open. A page that keeps
thousands of them open with distinct attributes (the Standard's limit of
three applies only to identical ones) makes any conforming parser clone them
thousands of times over: 37 kB of ``<i class=cN><p>`` builds 730 MB of tree.
No pass over the markup that is cheap enough to run on every page can tell
such a page apart, so the tree is built under an address-space ceiling a
little above what the page could need, and a page that hits it is refused.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager

_PAGE_SIZE = resource.getpagesize()
# /proc/self/statm, kept open (reopened in a forked child, whose "self" differs).
_statm: tuple[int, int] | None = None
# Lexbor's tree takes 7–10 bytes per byte of a real page and about 60 per byte
# of a page made of nothing but tiny elements; the ceiling is above both.
BASE_BYTES = 128 * 1024 * 1024
BYTES_PER_INPUT_BYTE = 96


def tree_budget(size: int) -> int:
    """How much more address space building the tree of a ``size``-byte page may take."""
    return BASE_BYTES + BYTES_PER_INPUT_BYTE * size


@contextmanager
def address_space_ceiling(extra: int) -> Iterator[None]:
    """Let this process grow by at most ``extra`` bytes of address space inside the block.

    Allocations beyond it fail (Lexbor then reports that it cannot parse).
    Where the limit cannot be read or set, or one at least as tight is
    already in force, the block runs unchanged.
    """
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        used = _address_space()
    except (OSError, ValueError, IndexError):
        yield
        return
    ceiling = used + extra
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    if soft != resource.RLIM_INFINITY and soft <= ceiling:
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int:
    """This process's address space in bytes (VmSize)."""
    global _statm
    pid = os.getpid()
    if _statm is None or _statm[0] != pid:
        _statm = (pid, os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC))
    return int(os.pread(_statm[1], 64, 0).split()[0]) * _PAGE_SIZE
