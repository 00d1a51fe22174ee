"""Entry point of the websub worker: ``celery --app services.feed.websub.worker worker``."""

from services.feed.websub.tasks import register
from shared.celery_app import create_celery
from shared.worker_setup import prepare_worker

app = create_celery("silkfeed-websub")
# Threads, not processes: each task mostly waits on a subscriber's answer.
app.conf.worker_pool = "threads"
app.conf.worker_concurrency = app.resources.settings.websub_concurrency
register(app)
prepare_worker(app, "websub-worker")
