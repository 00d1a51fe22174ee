"""Entry point of the ingest worker: ``celery --app services.ingest.worker worker``."""

from services.ingest.tasks import register
from shared.celery_app import create_celery
from shared.worker_setup import prepare_worker

app = create_celery("silkfeed-ingest")
register(app)
prepare_worker(app, "ingest-worker")
