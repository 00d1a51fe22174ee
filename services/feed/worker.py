"""Entry point of the feed worker: ``celery --app services.feed.worker worker``."""

from services.feed.tasks import register
from shared.celery_app import create_celery
from shared.worker_setup import prepare_worker

app = create_celery("silkfeed-feed")
register(app)
prepare_worker(app, "feed-worker")
