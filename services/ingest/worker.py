"""Entry point of the ingest worker: ``celery --app services.ingest.worker worker``."""

import services.ingest.tasks  # noqa: F401 - declares the task this worker runs
from services.ingest.parsing.ceiling import tune_allocator
from shared.celery_app import create_celery
from shared.worker_setup import prepare_worker

# Before the pool forks, so that every parsing process reuses freed trees.
tune_allocator()
app = create_celery("silkfeed-ingest")
prepare_worker(app, "ingest-worker")
