"""Entry point of the websub worker: ``celery --app services.feed.websub.worker worker``."""

import services.feed.websub.tasks  # noqa: F401 - declares the tasks this worker runs
from shared.celery_app import create_celery
from shared.worker_setup import prepare_worker

app = create_celery("silkfeed-websub")
# Threads, not processes: each task mostly waits on a subscriber's answer.
app.conf.worker_pool = "threads"
app.conf.worker_concurrency = app.resources.settings.websub_concurrency
prepare_worker(app, "websub-worker")
