"""Soft time limits only interrupt a running task.

Celery's worker sends a pool child SIGUSR1 when a task's soft time limit
passes, and billiard's handler raises ``SoftTimeLimitExceeded`` wherever the
child happens to be. While the main process is stuck reconnecting to the
broker it cannot read the child's "task done" message, so the timer fires
after the task has finished: the exception then lands in the child's own
loop — while it writes a result to the main process's pipe, say — and the
half-written message breaks the main process ("Unrecoverable error:
UnicodeDecodeError ..."), which exits. The handler that raises is installed
for each task body and replaced by one that only logs when it ends.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from billiard.exceptions import SoftTimeLimitExceeded
from celery import signals

log = logging.getLogger(__name__)


def _raise(signum: int, frame: FrameType | None) -> None:
    raise SoftTimeLimitExceeded()


def _late(signum: int, frame: FrameType | None) -> None:
    log.warning("ignored a soft time limit signal that arrived after its task ended")


def _arm(**_: Any) -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGUSR1, _raise)


def _disarm(**_: Any) -> None:
    # A thread pool's task runs outside the main thread, where no handler can
    # be set (and no soft limit is sent).
    if threading.current_thread() is not threading.main_thread():
        return
    # From here until the next task the child reports the result to the
    # main process; an exception in that write would corrupt the pipe.
    signal.signal(signal.SIGUSR1, _late)


def install() -> None:
    """Arm the soft limit for each task body and disarm it after; called at worker
    start (a second call connects nothing more)."""
    if not hasattr(signal, "SIGUSR1"):
        return
    signals.task_prerun.connect(_arm, weak=False)
    signals.task_postrun.connect(_disarm, weak=False)


def uninstall() -> None:
    signals.task_prerun.disconnect(_arm)
    signals.task_postrun.disconnect(_disarm)
