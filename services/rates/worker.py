"""Entry point of the rates worker: ``celery --app services.rates.worker worker``."""

import services.rates.tasks  # noqa: F401 - declares the task this worker runs
from shared.celery_app import create_celery
from shared.worker_setup import prepare_worker

app = create_celery("silkfeed-rates")
prepare_worker(app, "rates-worker")
