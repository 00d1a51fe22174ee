"""A memory ceiling for building one page's tree.

The HTML Standard makes a parser re-open the formatting elements (``<b>``,
``<i>``…) that a block closed, cloning each one left open. A page that keeps
thousands of them open with distinct attributes (the Standard's limit of
three applies only to identical ones) makes any conforming parser clone them
thousands of times over: 37 kB of ``<i class=cN><p>`` builds 730 MB of tree.
No pass over the markup that is cheap enough to run on every page can tell
such a page apart, so the tree is built under an address-space ceiling a
little above what the page could need, and a page that hits it is refused.

The limit (``RLIMIT_AS``) belongs to the whole process, so one tree is built
under it at a time (other threads wait for the lock, not for a limit they
did not ask for), and it is lifted as soon as the tree is built.

It bounds what a parse adds to the address space. Memory the allocator keeps
mapped after freeing a big tree is reused without counting, so the memory
given back after a page that grew the process (``memory_given_back``) keeps
a run of big pages from raising the bound step by step; what the allocator
cannot unmap (holes in its heap) still can, by at most one budget per page.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os
import resource
import threading

_PAGE_SIZE = resource.getpagesize()
# Lexbor's tree takes 7–10 bytes per byte of a real page and about 60 per byte
# of a page made of nothing but tiny elements; the ceiling is above both.
BASE_BYTES = 128 * 1024 * 1024
BYTES_PER_INPUT_BYTE = 96
# Resident growth over one page after which free memory is handed back.
TRIM_AFTER_BYTES = 64 * 1024 * 1024

_lock = threading.RLock()  # re-entered by a nested ceiling in the same thread


class _Offered(threading.local):
    # A reading of /proc/self/statm that ``memory_given_back`` took as its
    # block began, for the first ceiling in the block (the same thread's).
    reading: tuple[int, int] | None = None


_offered = _Offered()
# /proc/self/statm, kept open: (the pid that opened it, its descriptor).
_statm: tuple[int, int] | None = None


def tree_budget(size: int) -> int:
    """How much more address space building the tree of a ``size``-byte page may take."""
    return BASE_BYTES + BYTES_PER_INPUT_BYTE * size


class _Ceiling:
    """What ``address_space_ceiling`` gives. (Each page enters this and the
    contexts below: as classes they cost a quarter of what generators do.)"""

    __slots__ = ("_extra", "_restore")

    def __init__(self, extra: int) -> None:
        self._extra = extra
        self._restore: tuple[int, int] | None = None

    def __enter__(self) -> bool:
        _lock.acquire()
        try:
            limits = _lowered_limits(self._extra)
            if limits is None:
                return False
            ceiling, (soft, hard) = limits
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
        except BaseException:
            _lock.release()
            raise
        self._restore = (soft, hard)
        return True

    def __exit__(self, *exc: object) -> None:
        try:
            if self._restore is not None:
                resource.setrlimit(resource.RLIMIT_AS, self._restore)
                self._restore = None
        finally:
            _lock.release()


def address_space_ceiling(extra: int) -> _Ceiling:
    """Let this process grow by at most ``extra`` bytes of address space inside the block.

    Its ``with`` gives whether a ceiling is in force: allocations beyond it
    fail (Lexbor then reports that it cannot parse). Where the limit cannot
    be read or set, or one at least as tight is already in force, the block
    runs unchanged.
    """
    return _Ceiling(extra)


class _CollectorPause:
    __slots__ = ("_was_enabled",)

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self._was_enabled:
            gc.enable()


def collector_paused() -> _CollectorPause:
    """Run the body without Python's cyclic garbage collector.

    A parse makes tens of thousands of short-lived objects (one per element it
    touches) and no reference cycles worth a pass: the collector's passes,
    set off by the count of allocations, took 6–7% of a corpus page's parse
    and found nothing to free. A parse is bounded in size and time, so what
    it leaves is collected when the collector runs again. Process-wide:
    concurrent parses leave it on once the first that paused it is done.
    """
    return _CollectorPause()


class _GivenBack:
    __slots__ = ("_before", "_threshold")

    def __init__(self, threshold: int) -> None:
        self._threshold = threshold
        self._before: int | None = None

    def __enter__(self) -> None:
        try:
            reading = _statm_pages()
        except (OSError, ValueError, IndexError):
            return
        self._before = reading[1]
        _offered.reading = reading

    def __exit__(self, *exc: object) -> None:
        _offered.reading = None
        if self._before is None:
            return
        before = self._before * _PAGE_SIZE
        # The resident set is never above its peak, which a cheap call tells
        # (a fifth of a read of statm): when even the peak is within the
        # threshold of where the block began, the block cannot have grown past it.
        try:
            peak = resource.getrusage(resource.RUSAGE_THREAD).ru_maxrss * 1024
        except (AttributeError, OSError, ValueError):
            peak = None
        if peak is not None and peak - before <= self._threshold:
            return
        try:
            grown = _statm_pages()[1] * _PAGE_SIZE - before
        except (OSError, ValueError, IndexError):
            grown = 0
        if grown > self._threshold:
            release_free_memory()


def memory_given_back(threshold: int = TRIM_AFTER_BYTES) -> _GivenBack:
    """Give free memory back to the system after a block that grew the process a lot.

    The allocator keeps what a big tree used once it is freed, and the next
    ceiling would start from there: a run of big (accepted) pages would
    raise it step by step.

    The reading of this process's size it starts from stands for the first
    ceiling's in its block, in the same thread, which would otherwise read
    it again a moment later (a read costs as much as a small page's whole
    check for forbidden bytes): the block is to open that ceiling before it
    grows the process, as a page's reading does, building its tree first.
    """
    return _GivenBack(threshold)


def release_free_memory() -> None:
    """Give the memory a refused tree left free back to the system (glibc only).

    Otherwise it would stay in the address space the next ceiling starts
    from, and a run of refused pages would raise it step by step.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _lowered_limits(extra: int) -> tuple[int, tuple[int, int]] | None:
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        used = _address_space()
    except (OSError, ValueError, IndexError):
        return None
    ceiling = used + extra
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    if soft != resource.RLIM_INFINITY and soft <= ceiling:
        return None
    return ceiling, (soft, hard)


def _address_space() -> int:
    """This process's address space in bytes (VmSize): the reading offered by
    ``memory_given_back`` in this thread, taken once, else one of its own."""
    reading = _offered.reading
    if reading is None:
        reading = _statm_pages()
    else:
        _offered.reading = None
    return reading[0] * _PAGE_SIZE


def _statm_pages() -> tuple[int, int]:
    """This process's address space and resident set, in pages."""
    global _statm
    pid = os.getpid()
    if _statm is None or _statm[0] != pid:
        if _statm is not None:
            os.close(_statm[1])  # inherited across a fork: the parent's file
        _statm = (pid, os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC))
    size, resident = os.pread(_statm[1], 64, 0).split()[:2]
    return int(size), int(resident)


# glibc's mallopt parameters, and the values tune_allocator sets.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
KEEP_FREE_BYTES = 32 * 1024 * 1024
MAP_ABOVE_BYTES = 8 * 1024 * 1024


def tune_allocator() -> bool:
    """Keep the memory of a freed tree for the next page (glibc only; once per process).

    By default glibc hands the top of its heap back to the system when a
    few megabytes are free there, and maps big blocks afresh each time: a
    process that builds and frees a 2–3 MB tree per page then touches new
    pages every time, which on a 250 kB page costs more than the parse
    itself (2.2 ms instead of 1.3 ms). Fixed thresholds keep up to 32 MB
    free for reuse; ``memory_given_back`` still returns what a big page
    left. Returns whether the allocator took the settings.
    """
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MAP_ABOVE_BYTES)) and bool(
        mallopt(_M_TRIM_THRESHOLD, KEEP_FREE_BYTES)
    )


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def _malloc_trim() -> ctypes._CFuncPtr | None:
    return getattr(_libc(), "malloc_trim", None)
