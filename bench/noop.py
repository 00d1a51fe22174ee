"""The baseline: a no-op Celery task on the same Redis, configured like silkfeed's tasks.

Worker: ``celery --app bench.noop worker --queues noop``.
"""

from shared.celery_app import create_celery

app = create_celery("silkfeed-bench-noop")
app.conf.result_backend = app.conf.broker_url
app.conf.result_backend_transport_options = app.conf.broker_transport_options


@app.task(name="bench.noop", ignore_result=False, acks_late=True)
def noop(i: int) -> int:
    return i
