"""Entry point of the ingest worker: ``celery --app services.ingest.worker worker``."""

import logging
from typing import Any

from celery import signals

import services.ingest.tasks  # noqa: F401 - declares the task this worker runs
from services.ingest.parsing.ceiling import tune_allocator
from services.ingest.parsing.compiled import compiled_modules, describe
from shared.celery_app import create_celery
from shared.worker_setup import prepare_worker

# Before the pool forks, so that every parsing process reuses freed trees.
tune_allocator()
app = create_celery("silkfeed-ingest")
prepare_worker(app, "ingest-worker")
log = logging.getLogger(__name__)


@signals.worker_ready.connect(weak=False)
def _parser_build(**_: Any) -> None:
    # Said once at start: an operator can tell a slow parser from a slow page.
    (log.info if compiled_modules() else log.warning)("parser: %s", describe())
