"""Entry point of the feed worker: ``celery --app services.feed.worker worker``."""

import services.feed.tasks  # noqa: F401 - declares the task this worker runs
from shared.celery_app import create_celery
from shared.worker_setup import prepare_worker

app = create_celery("silkfeed-feed")
prepare_worker(app, "feed-worker")
