"""The soft-limit guard sets its signal handler around each task body in the main
thread, and leaves a thread pool's tasks (run in other threads) alone."""

from __future__ import annotations

import logging
import signal
import threading

import pytest
from celery import signals

from shared import soft_limit_guard


def test_tasks_in_other_threads_leave_the_handler_alone(caplog: pytest.LogCaptureFixture) -> None:
    before = signal.getsignal(signal.SIGUSR1)
    receivers = len(signals.task_prerun.receivers)
    soft_limit_guard.install()
    soft_limit_guard.install()  # connects nothing more
    try:
        assert len(signals.task_prerun.receivers) == receivers + 1
        signals.task_prerun.send(sender=None)
        assert signal.getsignal(signal.SIGUSR1) is soft_limit_guard._raise
        signals.task_postrun.send(sender=None)
        assert signal.getsignal(signal.SIGUSR1) is soft_limit_guard._late

        caplog.set_level(logging.ERROR)
        thread = threading.Thread(
            target=lambda: (signals.task_prerun.send(sender=None),
                            signals.task_postrun.send(sender=None))
        )
        thread.start()
        thread.join()
        # Setting a handler outside the main thread raises; Celery logs a
        # receiver that raised. Neither happened.
        assert not [r for r in caplog.records if "raised" in r.getMessage()]
        assert signal.getsignal(signal.SIGUSR1) is soft_limit_guard._late
    finally:
        soft_limit_guard.uninstall()
        signal.signal(signal.SIGUSR1, before)
