"""Entry point of the rates worker: ``celery --app services.rates.worker worker``."""

from services.rates.tasks import register
from shared.celery_app import create_celery
from shared.worker_setup import prepare_worker

app = create_celery("silkfeed-rates")
register(app)
prepare_worker(app, "rates-worker")
